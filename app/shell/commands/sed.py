"""``sed``: a port of the GNU sed subset Dockerfiles use (s///, d, p, a/i/c, ranges, -i, -n, -E).

Its own module because it is a small language (parser and runner), not a text
filter like the others in text.py. ``sed -i`` writes a new file and renames it
over the old one, as GNU sed does, so the layer shows the copy-up and the
rename a real build makes.
"""

from __future__ import annotations

import posixpath
import re

from app.engine import FSError

from ..context import Context, decode, encode
from .registry import register
from .common import command, parse_opts
from ..regex import Match, RegexError, compile_posix
from .posix_regex import bre_to_python
from .text import read_inputs


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
            ignore_case = j < n and script[j] == "I"
            j += ignore_case
            return ("re", compile_posix(bre_to_python(text, extended), ignore_case)), j
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
            cmd.update(rx=compile_posix(bre_to_python(pat, extended), bool(set(flags) & {"i", "I"})),
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


def _sed_repl(repl: str, m: Match) -> str:
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

                def sub(m: Match) -> str:
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
    except (SedError, RegexError) as exc:
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

