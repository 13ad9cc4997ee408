"""A playground state as one URL-safe string, and back: ``v1.``/``v2.`` + base64url(zlib(JSON)).

The state is everything a playground page is a function of (the Dockerfile,
the build context, the commands typed after the build, the image's tag), so a
link reproduces the page on any worker of any machine and nothing is kept on
the server. The string is versioned so that a later format can still read old
links: a context of files only is written as ``v1.`` (so every link made
before folders and symlinks reads, and encodes, exactly as it did); a context
with a folder or a symlink as ``v2.``, whose rows name their kind. Decoding
trusts nothing: every size is bounded *before* the work it would cost (the
encoded length before base64, the inflated length while inflating, so a zip
bomb stops at the limit), and every refusal is a ``StateError`` whose message
names the limit. See docs/playground.md.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import dataclass

FORMAT = "v1"  # the files-only format, as every link before v2 was
FORMATS = ("v1", "v2")  # every prefix decode reads
KINDS = ("file", "folder", "symlink")
DEFAULT_MODE = {"file": "0644", "folder": "0755", "symlink": "0777"}  # a symlink's is always lrwxrwxrwx
V2_TAG = {"file": "f", "folder": "d", "symlink": "l"}  # a v2 row's first cell (ls -l's letter)


@dataclass(frozen=True)
class Limits:
    encoded_chars: int = 32 * 1024   # the string in the URL (gunicorn: --limit-request-line 0, see docs)
    json_bytes: int = 96 * 1024      # after inflating
    dockerfile_chars: int = 16 * 1024
    context_files: int = 20
    context_text_chars: int = 16 * 1024  # each file's text
    context_size: int = 10**10            # a sized placeholder's bytes (as lesson files allow)
    symlink_target_chars: int = 4095      # Linux's PATH_MAX less its NUL
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
    """One entry of the build context, of one ``kind``: a file (its text, or only its
    size, ``text`` None), an empty folder (its mode), or a symlink (its ``target`` text,
    kept as a symlink: the build follows it only inside the context, as BuildKit does).

    ``mode`` "" is the kind's default; a symlink's mode is always 0777, as on Linux,
    so that two equal symlinks are equal items and a link round-trips."""

    name: str
    text: str | None = None
    size: int = 0
    mode: str = ""
    kind: str = "file"
    target: str = ""

    def __post_init__(self) -> None:
        if self.kind == "symlink" or not self.mode:
            object.__setattr__(self, "mode", DEFAULT_MODE.get(self.kind, "0644"))

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
    """The state as ``v1.<base64url>`` (files only) or ``v2.<base64url>``; StateError when
    it is too large for a link."""
    check(state, limits)
    version = "v1" if all(item.kind == "file" for item in state.context) else "v2"
    rows = [_v1_row(i) if version == "v1" else _v2_row(i) for i in state.context]
    body = {"d": state.dockerfile, "t": state.tag, "x": list(state.commands), "c": rows}
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    packed = base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode()
    text = f"{version}.{packed}"
    if len(text) > limits.encoded_chars:
        raise StateError(f"this playground is too large for a link: {len(text):,} characters encoded, "
                         f"the limit is {limits.encoded_chars:,}")
    return text


def _v1_row(item: ContextItem) -> list:
    """A file as v1 wrote it: ``[name, text or size, mode]``."""
    return [item.name, item.text if item.text is not None else item.size, item.mode]


def _v2_row(item: ContextItem) -> list:
    """``["f", name, text or size, mode]``, ``["d", name, mode]`` or ``["l", name, target]``."""
    if item.kind == "folder":
        return ["d", item.name, item.mode]
    if item.kind == "symlink":
        return ["l", item.name, item.target]
    return ["f", *_v1_row(item)]


def decode(text: str, limits: Limits = LIMITS) -> State:
    """A state from its link text. Raises StateError (never anything else) on bad input."""
    if len(text) > limits.encoded_chars:
        raise StateError(f"the playground link is too long: {len(text):,} characters, "
                         f"the limit is {limits.encoded_chars:,}")
    version, dot, packed = text.partition(".")
    if not dot or version not in FORMATS:
        raise StateError("not a playground link: it should start with 'v1.' or 'v2.'")
    try:
        compressed = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4))
    except (binascii.Error, ValueError):
        raise StateError("the playground link is damaged: it is not base64url") from None
    raw = _inflate(compressed, limits.json_bytes)
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise StateError("the playground link is damaged: its contents are not JSON") from None
    state = _from_json(body, _context_item if version == "v1" else _v2_item)
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


def _from_json(body: object, read_row) -> State:
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
    return State(dockerfile, tuple(read_row(item) for item in context), tuple(commands), tag)


def _context_item(item: object) -> ContextItem:
    if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str) and isinstance(item[2], str)):
        raise StateError("the playground link is damaged: a context file must be [name, text or size, mode]")
    name, body, mode = item
    _octal(name, mode)
    if isinstance(body, bool) or not isinstance(body, (str, int)):
        raise StateError(f"the playground link is damaged: context file {name!r} has neither text nor size")
    if isinstance(body, str):
        return ContextItem(name, body, 0, mode)
    return ContextItem(name, None, body, mode)


def _octal(name: str, mode: str) -> None:
    """A link's mode is always written out: "" (the kind's default in a ContextItem) is damage."""
    if not MODE.match(mode):
        raise StateError(f"context entry {name[:80]!r}: mode {mode[:10]!r} is not octal like 0644")


def _v2_item(row: object) -> ContextItem:
    """A v2 row: its first cell says the kind; a file's rest is a v1 row."""
    if not (isinstance(row, list) and row and row[0] in V2_TAG.values()):
        raise StateError("the playground link is damaged: a context entry must start with its kind, "
                         "'f' (file), 'd' (folder) or 'l' (symlink)")
    if row[0] == "f":
        return _context_item(row[1:])
    if not (len(row) == 3 and isinstance(row[1], str) and isinstance(row[2], str)):
        shape = "['d', name, mode]" if row[0] == "d" else "['l', name, target]"
        raise StateError(f"the playground link is damaged: a {'folder' if row[0] == 'd' else 'symlink'} "
                         f"must be {shape}")
    if row[0] == "d":
        _octal(row[1], row[2])
        return ContextItem(row[1], None, 0, row[2], "folder")
    return ContextItem(row[1], None, 0, "", "symlink", row[2])


def check(state: State, limits: Limits = LIMITS) -> None:
    """Every bound of a state, each refusal naming its limit."""
    if len(state.dockerfile) > limits.dockerfile_chars:
        raise StateError(f"the Dockerfile is {len(state.dockerfile):,} characters; the limit is {limits.dockerfile_chars:,}")
    if not TAG.match(state.tag):
        raise StateError("the image tag must be 1 to 64 characters of a-z, 0-9, '.', '_' and '-'")
    if len(state.context) > limits.context_files:
        raise StateError(f"the build context has {len(state.context)} entries; the limit is {limits.context_files}")
    names = [item.name for item in state.context]
    if len(set(names)) != len(names):
        raise StateError("two context entries have the same name")
    for item in state.context:
        _check_item(item, limits)
    if len(state.commands) > limits.commands:
        raise StateError(f"{len(state.commands)} commands; the limit is {limits.commands}")
    for command in state.commands:
        if len(command) > limits.command_chars or "\n" in command or not command.strip():
            raise StateError(f"a command must be one non-empty line of at most {limits.command_chars:,} characters")


def _check_item(item: ContextItem, limits: Limits) -> None:
    if item.kind not in KINDS:
        raise StateError(f"context entry {item.name[:80]!r}: its kind must be file, folder or symlink")
    if not CONTEXT_NAME.match(item.name) or ".." in item.name.split("/") or item.name.endswith("/"):
        raise StateError(f"context file name {item.name[:80]!r}: use letters, digits, '.', '_', '-', ' ' and '/' "
                         "(at most 200 characters, no '..')")
    if not MODE.match(item.mode):
        raise StateError(f"context entry {item.name!r}: mode {item.mode[:10]!r} is not octal like 0644")
    if item.kind != "file":
        _check_other(item, limits)
    elif item.target:
        raise StateError(f"context file {item.name!r}: only a symlink has a target")
    elif item.text is not None and len(item.text) > limits.context_text_chars:
        raise StateError(f"context file {item.name!r} is {len(item.text):,} characters; "
                         f"the limit is {limits.context_text_chars:,}")
    elif item.text is None and not 0 <= item.size <= limits.context_size:
        raise StateError(f"context file {item.name!r}: a size between 0 and {limits.context_size:,} bytes")


def _check_other(item: ContextItem, limits: Limits) -> None:
    """A folder or a symlink: no contents; a symlink's target is a Linux one (1 to 4095 characters, no NUL)."""
    if item.text is not None or item.size:
        raise StateError(f"context {item.kind} {item.name!r} has no contents of its own")
    if item.kind == "folder" and item.target:
        raise StateError(f"context folder {item.name!r}: only a symlink has a target")
    if item.kind == "symlink" and (not 0 < len(item.target) <= limits.symlink_target_chars or "\0" in item.target):
        raise StateError(f"context symlink {item.name!r}: its target must be 1 to "
                         f"{limits.symlink_target_chars:,} characters (no NUL)")
