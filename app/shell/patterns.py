"""Shell patterns (``*``, ``?``, ``[...]``) for globs, ``case`` and ``${x%pat}``.

A pattern arrives as chunks ``(text, quoted)``: quoted characters always match
themselves, as in ``"$dir"/*.conf`` where only the ``*`` is special.
"""

from __future__ import annotations

import re

from .regex import Regex

Chunks = list[tuple[str, bool]]


def has_magic(chunks: Chunks) -> bool:
    return any(not q and any(c in t for c in "*?[") for t, q in chunks)


def to_regex(chunks: Chunks) -> str:
    out: list[str] = []
    for text, quoted in chunks:
        if quoted:
            out.append(re.escape(text))
            continue
        i = 0
        while i < len(text):
            c = text[i]
            if c == "*":
                out.append(".*")
            elif c == "?":
                out.append(".")
            elif c == "\\" and i + 1 < len(text):
                i += 1
                out.append(re.escape(text[i]))
            elif c == "[":
                j = i + 1
                if j < len(text) and text[j] in "!^":
                    j += 1
                if j < len(text) and text[j] == "]":
                    j += 1
                while j < len(text) and text[j] != "]":
                    j += 1
                if j >= len(text):
                    out.append(re.escape(c))
                else:
                    body = text[i + 1:j]
                    neg = body[:1] in ("!", "^")
                    if neg:
                        body = body[1:]
                    body = body.replace("\\", "\\\\").replace("[:alpha:]", "a-zA-Z") \
                        .replace("[:digit:]", "0-9").replace("[:alnum:]", "a-zA-Z0-9") \
                        .replace("[:space:]", " \\t\\n").replace("[:upper:]", "A-Z") \
                        .replace("[:lower:]", "a-z")
                    if body.startswith("]"):
                        body = "\\" + body
                    out.append("[" + ("^" if neg else "") + body + "]")
                    i = j
            else:
                out.append(re.escape(c))
            i += 1
    return "".join(out)


def compile_pattern(chunks: Chunks, ignore_case: bool = False) -> Regex:
    """In RE2 (app/shell/regex.py): ``case`` and ``${v%pat}`` run on any text in linear time."""
    return Regex(to_regex(chunks), ignore_case=ignore_case, dot_all=True)


def matches(chunks: Chunks, text: str) -> bool:
    return compile_pattern(chunks).fullmatch(text) is not None


def remove_affix(value: str, chunks: Chunks, op: str) -> str:
    """``${v#p}`` ``${v##p}`` ``${v%p}`` ``${v%%p}``: shortest/longest prefix/suffix removal."""
    rx = compile_pattern(chunks)
    n = len(value)
    if op in ("#", "##"):
        rng = range(0, n + 1) if op == "#" else range(n, -1, -1)
        for k in rng:
            if rx.fullmatch(value[:k]):
                return value[k:]
    else:
        rng = range(n, -1, -1) if op == "%" else range(0, n + 1)
        for k in rng:
            if rx.fullmatch(value[k:]):
                return value[:k]
    return value
