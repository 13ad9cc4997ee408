"""Text tools: echo, printf, cat, tee, sed, and cheap head/tail/grep/wc/sort/
uniq/cut/tr/basename/dirname/seq for the pipes RUN lines are made of.

Files are read through the union (a read never copies up); ``sed -i`` and
``tee`` write through it (and so copy up, as on a real overlay mount).
"""

from __future__ import annotations

import posixpath
import re

from app.engine import FSError

from ..context import Context, decode, encode
from . import register
from .common import command, parse_opts, q


def _byte(value: int) -> str:
    """One raw byte as text: bytes >= 0x80 become the surrogates ``decode`` uses, so
    ``printf '\\377'`` writes the single byte 0xFF, not its UTF-8 encoding."""
    return chr(value) if value < 0x80 else chr(0xDC00 + value)


def _escapes(text: str, octal_needs_zero: bool = True) -> tuple[str, bool]:
    """Backslash escapes of ``echo -e``/dash's echo/printf %b. Returns (text, stop at \\c)."""
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
        text, stop = _escapes(text)
        if stop:
            ctx.out(text)
            return 0
    ctx.out(text + ("\n" if newline else ""))
    return 0


FORMAT = re.compile(r"%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXcsbfeEgG%])")


def _num(arg: str, ctx: Context, errors: list) -> int:
    s = arg.strip()
    if s[:1] in ("'", '"') and len(s) > 1:
        return ord(s[1])
    try:
        return int(s, 0) if s else 0
    except ValueError:
        m = re.match(r"[-+]?\d+", s)
        errors.append(f"printf: {arg}: {'expected numeric value' if not m else 'not completely converted'}\n")
        return int(m.group(0)) if m else 0


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
            text, stop = _escapes(fmt[pos:m.start()], octal_needs_zero=False)
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
                width = str(_num(take(), ctx, errors))
            if prec == "*":
                prec = str(_num(take(), ctx, errors))
            spec = "%" + flags + (width or "") + ("." + prec if prec is not None else "")
            arg = take()
            if conv in "diouxXc":
                if conv == "c":
                    out.append((spec + "s") % arg[:1])
                else:
                    pyconv = {"i": "d", "u": "d"}.get(conv, conv)
                    out.append((spec + pyconv) % _num(arg, ctx, errors))
            elif conv in "feEgG":
                try:
                    value = float(arg or 0)
                except ValueError:
                    errors.append(f"printf: {arg}: expected numeric value\n")
                    value = 0.0
                out.append((spec + conv) % value)
            elif conv == "b":
                text, stop = _escapes(arg, octal_needs_zero=True)
                out.append((spec + "s") % text)
                if stop:
                    ctx.out("".join(out))
                    return 0
            else:
                out.append((spec + "s") % arg)
        text, stop = _escapes(fmt[pos:], octal_needs_zero=False)
        out.append(text)
        if stop or not consumed:
            break
    ctx.out("".join(out))
    for e in errors:
        ctx.err(e)
    return 1 if errors else 0


def read_inputs(ctx: Context, files: list[str], tool: str) -> tuple[list[tuple[str, str]], int]:
    """(name, text) of each operand (``-`` or none: stdin), and 1 if one failed."""
    if not files:
        return [("-", ctx.stdin)], 0
    out, status = [], 0
    for f in files:
        if f == "-":
            out.append(("-", ctx.stdin))
            continue
        path = posixpath.normpath(ctx.path(f))
        if path == "/dev/null":
            out.append((f, ""))
            continue
        if path.startswith(("/proc/", "/sys/", "/dev/")):
            ctx.not_simulated(f"{tool} {f}", "the kernel's /proc, /sys and /dev are not part of "
                                             "the image: read as empty")
            out.append((f, ""))
            continue
        try:
            out.append((f, decode(ctx.fs.read(ctx.path(f)))))
        except FSError as exc:
            ctx.err(f"{tool}: {f}: {exc.explanation.split(':')[0]}\n")
            status = 1
    return out, status


@register("cat")
@command
def cat(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "AbeEnstTuv", ["number", "show-all"])
    inputs, status = read_inputs(ctx, args, "cat")
    number = any(o in ("-n", "--number") for o, _ in opts)
    text = "".join(t for _, t in inputs)
    if number:
        lines = text.splitlines(keepends=True)
        text = "".join(f"{k + 1:6d}\t{line}" for k, line in enumerate(lines))
    ctx.out(text)
    return status


@register("tee")
@command
def tee(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "ai", ["append", "ignore-interrupts"])
    append = any(o in ("-a", "--append") for o, _ in opts)
    data = encode(ctx.stdin)
    status = 0
    for f in args:
        path = posixpath.normpath(ctx.path(f))
        if path == "/dev/null":
            continue
        if path in ("/dev/stdout", "/dev/stderr"):
            (ctx.out if path.endswith("out") else ctx.err)(ctx.stdin)
            continue
        try:
            ctx.fs.write(ctx.path(f), data, append=append, mode=0o666 & ~ctx.shell.state.umask)
        except FSError as exc:
            ctx.err(f"tee: {f}: {exc.explanation.split(':')[0]}\n")
            status = 1
    ctx.out(ctx.stdin)
    return status


def _count_opt(ctx: Context, letter: str) -> None:
    """Rewrite ``-5`` into ``-n 5`` (the obsolete head/tail form)."""
    ctx.argv = [ctx.argv[0]] + [f"-{letter}{a[1:]}" if re.fullmatch(r"-\d+", a) else a
                                for a in ctx.argv[1:]]


@register("head")
@command
def head(ctx: Context) -> int:
    _count_opt(ctx, "n")
    opts, args = parse_opts(ctx, "n:c:qv", ["lines=", "bytes=", "quiet", "silent"])
    lines = next((v for o, v in opts if o in ("-n", "--lines")), "10")
    nbytes = next((v for o, v in opts if o in ("-c", "--bytes")), None)
    inputs, status = read_inputs(ctx, args, "head")
    for name, text in inputs:
        if len(inputs) > 1:
            ctx.out(f"==> {name} <==\n")
        if nbytes is not None:
            n = int(nbytes)
            ctx.out(text[:n] if n >= 0 else text[:n])
            continue
        n = int(lines)
        parts = text.splitlines(keepends=True)
        ctx.out("".join(parts[:n] if n >= 0 else parts[:n]))
    return status


@register("tail")
@command
def tail(ctx: Context) -> int:
    _count_opt(ctx, "n")
    opts, args = parse_opts(ctx, "n:c:fFqv", ["lines=", "bytes=", "follow", "quiet"])
    lines = next((v for o, v in opts if o in ("-n", "--lines")), "10")
    nbytes = next((v for o, v in opts if o in ("-c", "--bytes")), None)
    inputs, status = read_inputs(ctx, args, "tail")
    for name, text in inputs:
        if len(inputs) > 1:
            ctx.out(f"==> {name} <==\n")
        if nbytes is not None:
            ctx.out(text[int(nbytes[1:]) - 1:] if nbytes.startswith("+") else text[-int(nbytes):])
            continue
        parts = text.splitlines(keepends=True)
        if lines.startswith("+"):
            ctx.out("".join(parts[max(0, int(lines[1:]) - 1):]))
        else:
            n = int(lines)
            ctx.out("".join(parts[-n:]) if n else "")
    return status


def _bre_to_python(pattern: str, extended: bool) -> str:
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


@register("grep", "egrep", "fgrep")
@command
def grep(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "EFGivcqsnlhHxwoe:r", [
        "extended-regexp", "fixed-strings", "ignore-case", "invert-match", "count", "quiet",
        "silent", "line-number", "files-with-matches", "word-regexp", "line-regexp",
        "only-matching", "regexp="], status=2)
    names = {o for o, _ in opts}
    extended = ctx.argv[0] == "egrep" or bool(names & {"-E", "--extended-regexp"})
    fixed = ctx.argv[0] == "fgrep" or bool(names & {"-F", "--fixed-strings"})
    pats = [v for o, v in opts if o in ("-e", "--regexp")]
    if not pats:
        if not args:
            ctx.err("Usage: grep [OPTION]... PATTERNS [FILE]...\n"
                    "Try 'grep --help' for more information.\n")
            return 2
        pats, args = [args[0]], args[1:]
    pieces = []
    for p in pats:
        for line in p.split("\n"):
            pieces.append(re.escape(line) if fixed else _bre_to_python(line, extended))
    rx_text = "|".join(f"(?:{p})" for p in pieces)
    if names & {"-w", "--word-regexp"}:
        rx_text = rf"(?<!\w)(?:{rx_text})(?!\w)"
    if names & {"-x", "--line-regexp"}:
        rx_text = rf"^(?:{rx_text})$"
    try:
        rx = re.compile(rx_text, re.IGNORECASE if names & {"-i", "--ignore-case"} else 0)
    except re.error:
        ctx.err("grep: Unmatched ( or \\(\n")
        return 2
    inputs, status = read_inputs(ctx, args, "grep")
    invert = bool(names & {"-v", "--invert-match"})
    show_name = (len(inputs) > 1 or "-H" in names) and "-h" not in names
    found = False
    for name, text in inputs:
        count = 0
        for k, line in enumerate(text.splitlines()):
            hit = rx.search(line) is not None
            if hit == invert:
                continue
            count += 1
            found = True
            if names & {"-q", "--quiet", "--silent", "-c", "--count", "-l", "--files-with-matches"}:
                continue
            prefix = (f"{name}:" if show_name else "") + (f"{k + 1}:" if "-n" in names else "")
            if "-o" in names and not invert:
                for m in rx.finditer(line):
                    ctx.out(prefix + m.group(0) + "\n")
            else:
                ctx.out(prefix + line + "\n")
        if names & {"-c", "--count"}:
            ctx.out((f"{name}:" if show_name else "") + f"{count}\n")
        if names & {"-l", "--files-with-matches"} and count:
            ctx.out(f"{name if name != '-' else '(standard input)'}\n")
    if status and not names & {"-s"}:
        return 2
    return 0 if found else 1


@register("wc")
@command
def wc(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "lwcmL", ["lines", "words", "bytes", "chars"])
    names = {o for o, _ in opts}
    which = [k for k, flags in (("l", {"-l", "--lines"}), ("w", {"-w", "--words"}),
                                ("c", {"-c", "--bytes", "-m", "--chars"})) if names & flags]
    which = which or ["l", "w", "c"]
    inputs, status = read_inputs(ctx, args, "wc")
    rows = []
    for name, text in inputs:
        counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(encode(text))}
        rows.append(([counts[k] for k in which], name if args else ""))
    if len(rows) > 1:
        rows.append(([sum(r[0][i] for r in rows) for i in range(len(which))], "total"))
    width = max(len(str(n)) for r in rows for n in r[0])
    if len(which) > 1 and not args:
        width = max(width, 7)
    if len(which) == 1 and len(rows) == 1:
        width = 1
    for counts, name in rows:
        line = " ".join(str(n).rjust(width) for n in counts)
        ctx.out(line + (f" {name}" if name else "") + "\n")
    return status


@register("sort")
@command
def sort(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "rnuVfbo:t:k:", ["reverse", "numeric-sort", "unique",
                                                 "version-sort", "ignore-case", "output="], status=2)
    names = {o for o, _ in opts}
    inputs, status = read_inputs(ctx, args, "sort")
    lines = "".join(t if t.endswith("\n") or not t else t + "\n" for _, t in inputs).splitlines()

    def key(line: str):
        if names & {"-n", "--numeric-sort"}:
            m = re.match(r"\s*(-?\d+(?:\.\d+)?)", line)
            return (float(m.group(1)) if m else 0.0, line)
        if names & {"-V", "--version-sort"}:
            return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", line)], line
        if names & {"-f", "--ignore-case"}:
            return line.lower(), line
        return line.encode("utf-8", "surrogateescape")
    lines.sort(key=key, reverse=bool(names & {"-r", "--reverse"}))
    if names & {"-u", "--unique"}:
        seen, uniq = set(), []
        for line in lines:
            if line not in seen:
                seen.add(line)
                uniq.append(line)
        lines = uniq
    text = "".join(line + "\n" for line in lines)
    outfile = next((v for o, v in opts if o in ("-o", "--output")), None)
    if outfile:
        ctx.fs.write(ctx.path(outfile), encode(text))
    else:
        ctx.out(text)
    return 2 if status else 0


@register("uniq")
@command
def uniq(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "cdu", ["count", "repeated", "unique"])
    names = {o for o, _ in opts}
    inputs, status = read_inputs(ctx, args[:1], "uniq")
    groups: list[list[str]] = []
    for line in inputs[0][1].splitlines() if inputs else []:
        if groups and groups[-1][0] == line:
            groups[-1].append(line)
        else:
            groups.append([line])
    for g in groups:
        if "-d" in names and len(g) < 2 or "-u" in names and len(g) > 1:
            continue
        ctx.out((f"{len(g):7d} " if "-c" in names else "") + g[0] + "\n")
    return status


@register("cut")
@command
def cut(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "d:f:c:s", ["delimiter=", "fields=", "characters="])
    delim = next((v for o, v in opts if o in ("-d", "--delimiter")), "\t")
    fields = next((v for o, v in opts if o in ("-f", "--fields")), None)
    chars = next((v for o, v in opts if o in ("-c", "--characters")), None)
    spec = fields or chars
    if spec is None:
        ctx.err("cut: you must specify a list of bytes, characters, or fields\n"
                "Try 'cut --help' for more information.\n")
        return 1
    wanted: set[int] = set()
    open_from = None
    for part in spec.split(","):
        a, dash, b = part.partition("-")
        if dash and not b:
            open_from = int(a or 1)
        elif dash:
            wanted.update(range(int(a or 1), int(b) + 1))
        else:
            wanted.add(int(a))
    inputs, status = read_inputs(ctx, args, "cut")
    for _, text in inputs:
        for line in text.splitlines():
            items = line.split(delim) if fields else list(line)
            if fields and len(items) == 1:
                if "-s" not in {o for o, _ in opts}:
                    ctx.out(line + "\n")
                continue
            picked = [x for k, x in enumerate(items, 1)
                      if k in wanted or (open_from is not None and k >= open_from)]
            ctx.out((delim if fields else "").join(picked) + "\n")
    return status


def _tr_set(spec: str) -> str:
    classes = {"[:lower:]": "abcdefghijklmnopqrstuvwxyz", "[:upper:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
               "[:digit:]": "0123456789", "[:space:]": " \t\n\r\f\v", "[:blank:]": " \t"}
    for k, v in classes.items():
        spec = spec.replace(k, v)
    spec, _ = _escapes(spec)
    out = []
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out.extend(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        else:
            out.append(spec[i])
            i += 1
    return "".join(out)


@register("tr")
@command
def tr(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "dscC", ["delete", "squeeze-repeats"])
    names = {o for o, _ in opts}
    if not args:
        return 1
    a = _tr_set(args[0])
    text = ctx.stdin
    if "-d" in names:
        text = "".join(c for c in text if (c in a) == ("-c" in names or "-C" in names))
    elif len(args) > 1:
        b = _tr_set(args[1])
        b = b + b[-1:] * (len(a) - len(b))
        text = text.translate(str.maketrans(a, b[:len(a)]))
        a = b
    if "-s" in names:
        squeeze = set(a if len(args) == 1 or "-d" in names else _tr_set(args[-1]))
        text = re.sub("|".join(f"({re.escape(c)})\\{k + 1}+" for k, c in enumerate(squeeze))
                      or "(?!)", lambda m: m.group(0)[0], text)
    ctx.out(text)
    return 0


@register("basename")
def basename(ctx: Context) -> int:
    args = ctx.argv[1:]
    if not args:
        ctx.err("basename: missing operand\nTry 'basename --help' for more information.\n")
        return 1
    name = args[0].rstrip("/")
    name = posixpath.basename(name) if name else "/"
    if len(args) > 1 and name.endswith(args[1]) and name != args[1]:
        name = name[:-len(args[1])]
    ctx.out(name + "\n")
    return 0


@register("dirname")
def dirname(ctx: Context) -> int:
    for a in ctx.argv[1:] or [""]:
        d = posixpath.dirname(a.rstrip("/")) if a.rstrip("/") else ("/" if a else ".")
        ctx.out((d.rstrip("/") or "/" if d else ".") + "\n")
    return 0


@register("seq")
def seq(ctx: Context) -> int:
    nums = [a for a in ctx.argv[1:] if not a.startswith("-s")]
    try:
        vals = [int(n) for n in nums]
    except ValueError:
        ctx.err(f"seq: invalid floating point argument: {q(nums[0] if nums else '')}\n")
        return 1
    first, step, last = (1, 1, vals[0]) if len(vals) == 1 else \
        (vals[0], 1, vals[1]) if len(vals) == 2 else tuple(vals[:3])
    if step == 0:
        return 1
    count = max(0, (last - first) // step + 1)
    if count > ctx.limits.max_loop_iterations * 10:
        from ..context import LimitReached
        raise LimitReached(f"seq would print {count} numbers (limit max_loop_iterations)")
    ctx.out("".join(f"{n}\n" for n in range(first, last + (1 if step > 0 else -1), step)))
    return 0


# -- sed ---------------------------------------------------------------------------------------
class SedError(Exception):
    pass


def _sed_split(script: str, i: int, delim: str) -> tuple[str, int]:
    out = []
    while i < len(script):
        c = script[i]
        if c == "\\" and i + 1 < len(script):
            if script[i + 1] == delim:
                out.append(delim if delim not in ".*[]^$\\+?(){}|/" or delim == "/" else "\\" + delim)
            elif script[i + 1] == "n":
                out.append("\n")
            else:
                out.append(script[i:i + 2])
            i += 2
            continue
        if c == delim:
            return "".join(out), i + 1
        out.append(c)
        i += 1
    raise SedError("unterminated `s' command")


def _sed_parse(script: str, extended: bool) -> list[dict]:
    """Commands: ``[addr[,addr]][!]{s,d,p,a,i,c,q,y}`` separated by ``;`` or newlines."""
    cmds = []
    i = 0
    n = len(script)

    def addr(i: int):
        if i < n and script[i].isdigit():
            m = re.match(r"\d+", script[i:])
            return ("line", int(m.group(0))), i + len(m.group(0))
        if i < n and script[i] == "$":
            return ("last", None), i + 1
        if i < n and (script[i] == "/" or script[i] == "\\"):
            delim = "/" if script[i] == "/" else script[i + 1]
            start = i + 1 if script[i] == "/" else i + 2
            text, j = _sed_split(script, start, delim)
            flags = 0
            if j < n and script[j] == "I":
                flags, j = re.IGNORECASE, j + 1
            return ("re", re.compile(_bre_to_python(text, extended), flags)), j
        return None, i

    while i < n:
        while i < n and script[i] in " \t\n;":
            i += 1
        if i >= n:
            break
        a1, i = addr(i)
        a2 = None
        if a1 is not None and i < n and script[i] == ",":
            a2, i = addr(i + 1)
        while i < n and script[i] == " ":
            i += 1
        neg = False
        if i < n and script[i] == "!":
            neg, i = True, i + 1
        if i >= n:
            raise SedError("missing command")
        c = script[i]
        cmd = {"a1": a1, "a2": a2, "neg": neg, "cmd": c, "active": False}
        i += 1
        if c == "s":
            delim = script[i]
            pat, i = _sed_split(script, i + 1, delim)
            repl, i = _sed_split(script, i, delim)
            m = re.match(r"[gpiI0-9]*", script[i:])
            flags = m.group(0)
            i += len(flags)
            cmd.update(rx=re.compile(_bre_to_python(pat, extended),
                                     re.IGNORECASE if set(flags) & {"i", "I"} else 0),
                       repl=repl, g="g" in flags, p="p" in flags,
                       nth=int(re.sub(r"\D", "", flags) or 1))
        elif c == "y":
            delim = script[i]
            src, i = _sed_split(script, i + 1, delim)
            dst, i = _sed_split(script, i, delim)
            cmd["table"] = str.maketrans(src, dst)
        elif c in "aic":
            if script.startswith("\\\n", i) or script.startswith("\\", i):
                i += 2 if script.startswith("\\\n", i) else 1
            while i < n and script[i] == " ":
                i += 1
            end = script.find("\n", i)
            end = n if end < 0 else end
            cmd["text"] = script[i:end]
            i = end
        elif c in "dpqQ=hHgGxnN{}":
            pass
        else:
            raise SedError(f"unknown command: `{c}'")
        cmds.append(cmd)
    return cmds


def _sed_repl(repl: str, m: re.Match) -> str:
    out = []
    i = 0
    while i < len(repl):
        c = repl[i]
        if c == "\\" and i + 1 < len(repl):
            n = repl[i + 1]
            if n.isdigit():
                out.append(m.group(int(n)) or "")
            elif n == "n":
                out.append("\n")
            elif n == "t":
                out.append("\t")
            else:
                out.append(n)
            i += 2
        elif c == "&":
            out.append(m.group(0))
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _sed_run(cmds: list[dict], text: str, quiet: bool) -> str:
    lines = text.split("\n")
    trailing_newline = text.endswith("\n")
    if trailing_newline:
        lines.pop()
    out: list[str] = []
    total = len(lines)

    def hit(a, line: str, num: int) -> bool:
        kind, v = a
        return (kind == "line" and num == v) or (kind == "last" and num == total) or \
            (kind == "re" and v.search(line) is not None)

    for num, line in enumerate(lines, 1):
        deleted = False
        before, after = [], []
        for cmd in cmds:
            a1, a2 = cmd["a1"], cmd["a2"]
            if a1 is None:
                sel = True
            elif a2 is None:
                sel = hit(a1, line, num)
            elif cmd["active"]:
                sel = True
                if hit(a2, line, num) or (a2[0] == "line" and num >= a2[1]):
                    cmd["active"] = False
            else:
                sel = hit(a1, line, num)
                if sel:
                    cmd["active"] = not (a2[0] == "line" and a2[1] <= num)
            if sel == cmd["neg"]:
                continue
            c = cmd["cmd"]
            if c == "s":
                count = 0

                def sub(m: re.Match) -> str:
                    nonlocal count
                    count += 1
                    if cmd["g"] and count >= cmd["nth"] or count == cmd["nth"]:
                        return _sed_repl(cmd["repl"], m)
                    return m.group(0)
                new = cmd["rx"].sub(sub, line, count=0 if cmd["g"] or cmd["nth"] > 1 else 1)
                changed = count >= cmd["nth"]
                line = new
                if changed and cmd["p"]:
                    out.append(line)
            elif c == "y":
                line = line.translate(cmd["table"])
            elif c == "d":
                deleted = True
                break
            elif c == "p":
                out.append(line)
            elif c == "a":
                after.append(cmd["text"])
            elif c == "i":
                before.append(cmd["text"])
            elif c == "c":
                before.append(cmd["text"])
                deleted = True
                break
            elif c == "=":
                out.append(str(num))
            elif c in "qQ":
                if c == "q" and not quiet:
                    out.extend(before + [line] + after)
                else:
                    out.extend(before)
                return "\n".join(out) + ("\n" if out else "")
        out.extend(before)
        if not deleted and not quiet:
            out.append(line)
        out.extend(after)
    result = "\n".join(out)
    if out and (trailing_newline or len(out) > len(lines)):
        result += "\n"
    return result


@register("sed")
@command
def sed(ctx: Context) -> int:
    argv = ctx.argv[1:]
    # -i takes an optional suffix glued to it (-i.bak); getopt cannot say that.
    ctx.argv = [ctx.argv[0]] + ["-i" if re.fullmatch(r"-i\S*", a) and not a.startswith("-i=")
                                else a for a in argv]
    suffix = next((a[2:] for a in argv if re.fullmatch(r"-i\S+", a)), "")
    opts, args = parse_opts(ctx, "ie:f:nErsu", ["in-place", "expression=", "quiet", "silent",
                                              "regexp-extended", "separate", "null-data"])
    names = {o for o, _ in opts}
    scripts = [v for o, v in opts if o in ("-e", "--expression")]
    if not scripts:
        if not args:
            ctx.err("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n")
            return 1
        scripts, args = [args[0]], args[1:]
    try:
        cmds = _sed_parse("\n".join(scripts), bool(names & {"-E", "-r", "--regexp-extended"}))
    except (SedError, re.error) as exc:
        ctx.err(f"sed: -e expression #1, char {len(scripts[0])}: {exc}\n")
        return 1
    quiet = bool(names & {"-n", "--quiet", "--silent"})
    if names & {"-i", "--in-place"}:
        if not args:
            ctx.err("sed: no input files\n")
            return 1
        status = 0
        for f in args:
            path = ctx.path(f)
            try:
                text = decode(ctx.fs.read(path))
                st = ctx.stat(path)
            except FSError as exc:
                ctx.err(f"sed: can't read {f}: {exc.explanation.split(':')[0]}\n")
                status = 2
                continue
            for cmd in cmds:
                cmd["active"] = False
            result = _sed_run(cmds, text, quiet)
            if suffix:
                ctx.fs.write(path + suffix if "*" not in suffix else suffix.replace("*", f),
                         encode(text), mode=st.mode)
            # GNU sed -i writes a new file next to the old one and renames it over
            # it: the file is always rewritten, changed or not, and hard links to
            # the old file keep the old contents.
            rec = ctx.run_record
            rec.counter += 1
            tmp = posixpath.join(posixpath.dirname(path), f"sed{rec.counter:06d}")
            ctx.fs.write(tmp, encode(result), mode=st.mode & 0o7777)
            if st.uid or st.gid:
                ctx.fs.chown(tmp, st.uid, st.gid)
            ctx.fs.rename(tmp, path)
        return status
    inputs, status = read_inputs(ctx, args, "sed")
    text = "".join(t for _, t in inputs)
    ctx.out(_sed_run(cmds, text, quiet))
    return 2 if status else 0

