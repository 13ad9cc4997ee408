"""``echo`` and ``printf``: output with backslash escapes and formats, as dash and bash print them.

dash's ``echo`` always reads escapes; bash's only with ``-e``; ``printf``
formats follow POSIX (``%b``, ``%q`` for bash). Bytes >= 0x80 are carried as the
surrogates ``decode`` uses, so ``printf '\\377'`` writes one byte.
"""

from __future__ import annotations

import re

from ..context import Context
from ..recorder import LimitReached
from .registry import register


def _byte(value: int) -> str:
    """One raw byte as text: bytes >= 0x80 become the surrogates ``decode`` uses, so
    ``printf '\\377'`` writes the single byte 0xFF, not its UTF-8 encoding."""
    return chr(value) if value < 0x80 else chr(0xDC00 + value)


def escapes(text: str, octal_needs_zero: bool = True) -> tuple[str, bool]:
    """Backslash escapes of ``echo -e``/dash's echo/printf %b. Returns (text, stop at \\c)."""
    if "\\" not in text:
        return text, False
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        n = text[i + 1]
        simple = {"a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
                  "v": "\v", "\\": "\\"}
        if n in simple:
            out.append(simple[n])
            i += 2
        elif n == "c":
            return "".join(out), True
        elif n == "0" or (n.isdigit() and n < "8" and not octal_needs_zero):
            j = i + 2 if n == "0" and octal_needs_zero else i + 1
            m = re.match(r"[0-7]{0,3}", text[j:])
            out.append(_byte(int(m.group(0) or "0", 8) & 0xFF))
            i = j + len(m.group(0))
        elif n == "x":
            m = re.match(r"[0-9a-fA-F]{1,2}", text[i + 2:])
            if m:
                out.append(_byte(int(m.group(0), 16)))
                i += 2 + len(m.group(0))
            else:
                out.append("\\x")
                i += 2
        else:
            out.append("\\" + n)
            i += 2
    return "".join(out), False


@register("echo")
def echo(ctx: Context) -> int:
    """dash's echo knows only -n and always interprets backslashes; bash's and
    busybox's know -n/-e/-E and interpret them only with -e."""
    args = ctx.argv[1:]
    dash = ctx.shell.state.dialect == "dash"
    newline, interpret = True, dash
    while args and re.fullmatch(r"-[neE]+", args[0]) and (not dash or set(args[0][1:]) == {"n"}):
        for f in args[0][1:]:
            if f == "n":
                newline = False
            elif f == "e":
                interpret = True
            elif f == "E":
                interpret = False
        args = args[1:]
    text = " ".join(args)
    if interpret:
        text, stop = escapes(text)
        if stop:
            ctx.out(text)
            return 0
    ctx.out(text + ("\n" if newline else ""))
    return 0


FORMAT = re.compile(r"%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXcsbfeEgG%])")


def _num(arg: str, errors: list) -> int:
    s = arg.strip()
    if s[:1] in ("'", '"') and len(s) > 1:
        return ord(s[1])
    try:
        return int(s, 0) if s else 0
    except ValueError:
        m = re.match(r"[-+]?\d+", s)
        errors.append(f"printf: {arg}: {'expected numeric value' if not m else 'not completely converted'}\n")
        return int(m.group(0)) if m else 0


def _check_field(ctx: Context, width: str | None, prec: str | None) -> None:
    """``%1900000000d`` would build a 1.9 GB string before anything could measure it."""
    for number in (width, prec):
        if number and (len(number) > 12 or abs(int(number)) > ctx.limits.max_string_bytes):
            raise LimitReached(f"printf: a field of {number} bytes is more than "
                               f"{ctx.limits.max_string_bytes} (limit max_string_bytes)")


@register("printf")
def printf(ctx: Context) -> int:
    args = ctx.argv[1:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        ctx.err("printf: usage: printf format [arg ...]\n")
        return 2
    fmt, args = args[0], args[1:]
    errors: list[str] = []
    out = []
    first = True
    while first or args:
        first = False
        consumed = False
        pos = 0
        for m in FORMAT.finditer(fmt):
            text, stop = escapes(fmt[pos:m.start()], octal_needs_zero=False)
            out.append(text)
            pos = m.end()
            if stop:
                ctx.out("".join(out))
                return 0
            flags, width, prec, conv = m.groups()
            if conv == "%":
                out.append("%")
                continue

            def take() -> str:
                nonlocal consumed
                consumed = True
                return args.pop(0) if args else ""
            if width == "*":
                width = str(_num(take(), errors))
            if prec == "*":
                prec = str(_num(take(), errors))
            _check_field(ctx, width, prec)
            spec = "%" + flags + (width or "") + ("." + prec if prec is not None else "")
            arg = take()
            if conv in "diouxXc":
                if conv == "c":
                    out.append((spec + "s") % arg[:1])
                else:
                    pyconv = {"i": "d", "u": "d"}.get(conv, conv)
                    out.append((spec + pyconv) % _num(arg, errors))
            elif conv in "feEgG":
                try:
                    value = float(arg or 0)
                except ValueError:
                    errors.append(f"printf: {arg}: expected numeric value\n")
                    value = 0.0
                out.append((spec + conv) % value)
            elif conv == "b":
                text, stop = escapes(arg, octal_needs_zero=True)
                out.append((spec + "s") % text)
                if stop:
                    ctx.out("".join(out))
                    return 0
            else:
                out.append((spec + "s") % arg)
        text, stop = escapes(fmt[pos:], octal_needs_zero=False)
        out.append(text)
        if stop or not consumed:
            break
    ctx.out("".join(out))
    for e in errors:
        ctx.err(e)
    return 1 if errors else 0
