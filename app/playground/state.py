"""A playground state as one URL-safe string, and back: ``v1.`` + base64url(zlib(JSON)).

The state is everything a playground page is a function of (the Dockerfile,
the build context, the commands typed after the build, the image's tag), so a
link reproduces the page on any worker of any machine and nothing is kept on
the server. The string is versioned (``v1.``) so that a later format can still
read old links. Decoding trusts nothing: every size is bounded *before* the
work it would cost (the encoded length before base64, the inflated length
while inflating, so a zip bomb stops at the limit), and every refusal is a
``StateError`` whose message names the limit. See docs/playground.md.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import dataclass

FORMAT = "v1"


@dataclass(frozen=True)
class Limits:
    encoded_chars: int = 32 * 1024   # the string in the URL (gunicorn: --limit-request-line 0, see docs)
    json_bytes: int = 96 * 1024      # after inflating
    dockerfile_chars: int = 16 * 1024
    context_files: int = 20
    context_text_chars: int = 16 * 1024  # each file's text
    context_size: int = 10**10            # a sized placeholder's bytes (as lesson files allow)
    commands: int = 50
    command_chars: int = 2000


LIMITS = Limits()
TAG = re.compile(r"\A[a-z0-9][a-z0-9._-]{0,63}\Z")
MODE = re.compile(r"\A0?[0-7]{3,4}\Z")
CONTEXT_NAME = re.compile(r"\A[A-Za-z0-9._-][A-Za-z0-9._/ -]{0,199}\Z")


class StateError(ValueError):
    """A playground link that cannot be read; the message says why (and which limit)."""


@dataclass(frozen=True)
class ContextItem:
    """One file of the build context: its text, or only its size (``text`` None)."""

    name: str
    text: str | None = None
    size: int = 0
    mode: str = "0644"

    @property
    def byte_size(self) -> int:
        return len(self.text.encode()) if self.text is not None else self.size


@dataclass(frozen=True)
class State:
    dockerfile: str = ""
    context: tuple[ContextItem, ...] = ()
    commands: tuple[str, ...] = ()
    tag: str = "playground"

    def with_command(self, command: str) -> "State":
        return State(self.dockerfile, self.context, (*self.commands, command), self.tag)


def encode(state: State, limits: Limits = LIMITS) -> str:
    """The state as ``v1.<base64url>``; StateError when it is too large for a link."""
    check(state, limits)
    body = {"d": state.dockerfile, "t": state.tag, "x": list(state.commands),
            "c": [[i.name, i.text if i.text is not None else i.size, i.mode] for i in state.context]}
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    packed = base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode()
    text = f"{FORMAT}.{packed}"
    if len(text) > limits.encoded_chars:
        raise StateError(f"this playground is too large for a link: {len(text):,} characters encoded, "
                         f"the limit is {limits.encoded_chars:,}")
    return text


def decode(text: str, limits: Limits = LIMITS) -> State:
    """A state from its link text. Raises StateError (never anything else) on bad input."""
    if len(text) > limits.encoded_chars:
        raise StateError(f"the playground link is too long: {len(text):,} characters, "
                         f"the limit is {limits.encoded_chars:,}")
    version, dot, packed = text.partition(".")
    if not dot or version != FORMAT:
        raise StateError(f"not a playground link: it should start with '{FORMAT}.'")
    try:
        compressed = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4))
    except (binascii.Error, ValueError):
        raise StateError("the playground link is damaged: it is not base64url") from None
    raw = _inflate(compressed, limits.json_bytes)
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise StateError("the playground link is damaged: its contents are not JSON") from None
    state = _from_json(body)
    check(state, limits)
    return state


def _inflate(compressed: bytes, limit: int) -> bytes:
    """zlib inflate that stops at ``limit`` bytes, so a small link cannot become a huge state."""
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(compressed, limit + 1)
    except zlib.error:
        raise StateError("the playground link is damaged or cut short (its compressed data does not check)") from None
    if len(raw) > limit:
        raise StateError(f"the playground state is too large: over {limit:,} bytes once unpacked")
    if not inflater.eof:
        raise StateError("the playground link is cut short: its compressed data ends too early")
    return raw


def _from_json(body: object) -> State:
    if not isinstance(body, dict) or set(body) - {"d", "t", "x", "c"}:
        raise StateError("the playground link is damaged: unexpected contents")
    dockerfile, tag = body.get("d", ""), body.get("t", "playground")
    commands, context = body.get("x", []), body.get("c", [])
    if not isinstance(dockerfile, str) or not isinstance(tag, str):
        raise StateError("the playground link is damaged: the Dockerfile and tag must be text")
    if not isinstance(commands, list) or not all(isinstance(c, str) for c in commands):
        raise StateError("the playground link is damaged: the commands must be a list of text")
    if not isinstance(context, list):
        raise StateError("the playground link is damaged: the context must be a list")
    return State(dockerfile, tuple(_context_item(item) for item in context), tuple(commands), tag)


def _context_item(item: object) -> ContextItem:
    if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str) and isinstance(item[2], str)):
        raise StateError("the playground link is damaged: a context file must be [name, text or size, mode]")
    name, body, mode = item
    if isinstance(body, bool) or not isinstance(body, (str, int)):
        raise StateError(f"the playground link is damaged: context file {name!r} has neither text nor size")
    if isinstance(body, str):
        return ContextItem(name, body, 0, mode)
    return ContextItem(name, None, body, mode)


def check(state: State, limits: Limits = LIMITS) -> None:
    """Every bound of a state, each refusal naming its limit."""
    if len(state.dockerfile) > limits.dockerfile_chars:
        raise StateError(f"the Dockerfile is {len(state.dockerfile):,} characters; the limit is {limits.dockerfile_chars:,}")
    if not TAG.match(state.tag):
        raise StateError("the image tag must be 1 to 64 characters of a-z, 0-9, '.', '_' and '-'")
    if len(state.context) > limits.context_files:
        raise StateError(f"the build context has {len(state.context)} files; the limit is {limits.context_files}")
    names = [item.name for item in state.context]
    if len(set(names)) != len(names):
        raise StateError("two context files have the same name")
    for item in state.context:
        _check_item(item, limits)
    if len(state.commands) > limits.commands:
        raise StateError(f"{len(state.commands)} commands; the limit is {limits.commands}")
    for command in state.commands:
        if len(command) > limits.command_chars or "\n" in command or not command.strip():
            raise StateError(f"a command must be one non-empty line of at most {limits.command_chars:,} characters")


def _check_item(item: ContextItem, limits: Limits) -> None:
    if not CONTEXT_NAME.match(item.name) or ".." in item.name.split("/") or item.name.endswith("/"):
        raise StateError(f"context file name {item.name[:80]!r}: use letters, digits, '.', '_', '-', ' ' and '/' "
                         "(at most 200 characters, no '..')")
    if not MODE.match(item.mode):
        raise StateError(f"context file {item.name!r}: mode {item.mode[:10]!r} is not octal like 0644")
    if item.text is not None and len(item.text) > limits.context_text_chars:
        raise StateError(f"context file {item.name!r} is {len(item.text):,} characters; "
                         f"the limit is {limits.context_text_chars:,}")
    if item.text is None and not 0 <= item.size <= limits.context_size:
        raise StateError(f"context file {item.name!r}: a size between 0 and {limits.context_size:,} bytes")
