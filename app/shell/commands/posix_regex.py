"""POSIX regular expressions (basic and extended, as grep and sed read them) in Python's ``re`` syntax."""

from __future__ import annotations

import re


def bre_to_python(pattern: str, extended: bool) -> str:
    """POSIX basic/extended regular expression -> Python ``re`` syntax."""
    out = []
    i = 0
    in_bracket = False
    while i < len(pattern):
        c = pattern[i]
        if in_bracket:
            if c == "]" and not pattern[i - 1] == "[" and pattern[i - 2:i] != "[^":
                in_bracket = False
            if pattern.startswith("[:", i):
                end = pattern.find(":]", i)
                cls = pattern[i + 2:end]
                out.append({"alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9",
                            "space": r"\s", "upper": "A-Z", "lower": "a-z", "blank": r" \t",
                            "punct": r"!-/:-@\[-`{-~", "xdigit": "0-9A-Fa-f"}.get(cls, ""))
                i = end + 2
                continue
            out.append("\\\\" if c == "\\" else c)
            i += 1
            continue
        if c == "[":
            in_bracket = True
            out.append(c)
            i += 1
            continue
        if c == "\\" and i + 1 < len(pattern):
            n = pattern[i + 1]
            if not extended and n in "(){}|+?":
                out.append(n)
            elif n.isdigit():
                out.append("\\" + n)
            elif n in "nt":
                out.append("\\" + n)
            else:
                out.append(re.escape(n) if n not in "<>wWsSbB" else
                           {"<": r"\b", ">": r"\b"}.get(n, "\\" + n))
            i += 2
            continue
        if not extended and c in "(){}|+?":
            out.append("\\" + c)
        elif c == "*" and (not out or out[-1] in ("^", "(")) and not extended:
            out.append(r"\*")
        else:
            out.append(c)
        i += 1
    return "".join(out)
