"""Text tools: cat, tee, and cheap head/tail/grep/wc/sort/
uniq/cut/tr/basename/dirname/seq for the pipes RUN lines are made of
(``sed`` is in sed.py, ``echo`` and ``printf`` in printing.py).

Files are read through the union (a read never copies up); ``tee`` writes
through it (and so copies up, as on a real overlay mount).
"""

from __future__ import annotations

import posixpath
import re

from app.engine import FSError

from ..context import Context, decode, encode
from .registry import register
from .common import command, parse_opts, q
from ..regex import RegexError, compile_posix
from .posix_regex import bre_to_python
from .printing import escapes


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
            pieces.append(re.escape(line) if fixed else bre_to_python(line, extended))
    rx_text = "|".join(f"(?:{p})" for p in pieces)
    word = bool(names & {"-w", "--word-regexp"})
    if word:  # RE2 has no look-behind: the neighbours are matched, the word is group 1
        rx_text = rf"(?:^|[^0-9A-Za-z_])((?:{rx_text}))(?:[^0-9A-Za-z_]|$)"
    if names & {"-x", "--line-regexp"}:
        rx_text = rf"^(?:{rx_text})$"
    try:
        rx = compile_posix(rx_text, ignore_case=bool(names & {"-i", "--ignore-case"}))
    except RegexError:
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
                    ctx.out(prefix + m.group(1 if word else 0) + "\n")
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
    spec, _ = escapes(spec)
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
