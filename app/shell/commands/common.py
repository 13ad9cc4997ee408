"""Helpers every simulated command shares: GNU-style option parsing, the
quoting coreutils uses in messages, modes, and user/group lookups in the tree.
"""

from __future__ import annotations

import getopt
import re


from ..context import Context, decode


class Usage(Exception):
    """Bad options: the tool prints the message plus the ``--help`` hint."""

    def __init__(self, message: str, status: int = 1):
        self.status = status
        super().__init__(message)


def q(name: str) -> str:
    """How coreutils quotes a file name in messages."""
    if "'" in name:
        return '"' + name + '"'
    return "'" + name + "'"


def parse_opts(ctx: Context, short: str, long: list[str] | None = None,
               status: int = 1) -> tuple[list[tuple[str, str]], list[str]]:
    """GNU getopt (options may follow operands, ``--`` ends them)."""
    try:
        return getopt.gnu_getopt(ctx.argv[1:], short, long or [])
    except getopt.GetoptError as exc:
        opt = exc.opt
        if "requires argument" in exc.msg:
            msg = f"option requires an argument -- {q(opt)}" if len(opt) == 1 else \
                f"option '--{opt}' requires an argument"
        elif len(opt) == 1:
            msg = f"invalid option -- {q(opt)}"
        else:
            msg = f"unrecognized option '--{opt}'"
        raise Usage(msg, status) from None


def usage_error(ctx: Context, exc: Usage) -> int:
    ctx.err(f"{ctx.argv[0]}: {exc}\nTry '{ctx.argv[0]} --help' for more information.\n")
    return exc.status


def missing_operand(ctx: Context, after: str | None = None) -> int:
    extra = f" after {q(after)}" if after else ""
    ctx.err(f"{ctx.argv[0]}: missing {'destination file ' if after else ''}operand{extra}\n"
            f"Try '{ctx.argv[0]} --help' for more information.\n")
    return 1


def command(fn):
    """Wrap a command so that ``Usage`` becomes the tool's usage message."""
    def run(ctx: Context) -> int:
        try:
            return fn(ctx)
        except Usage as exc:
            return usage_error(ctx, exc)
    run.__doc__ = fn.__doc__
    run.__name__ = fn.__name__
    return run


# -- modes --------------------------------------------------------------------------
SYMBOLIC = re.compile(r"([ugoa]*)([-+=][rwxXst]*|[-+=][ugo])+$")


def parse_mode(spec: str, current: int, is_dir: bool, umask: int = 0o022) -> int | None:
    """chmod's MODE: octal, or symbolic clauses like ``u+x,go-w,a=rX``. None if invalid."""
    if re.fullmatch(r"[0-7]{1,4}", spec):
        value = int(spec, 8)
        if is_dir and len(spec) <= 3:
            value |= current & 0o6000  # GNU keeps a directory's setuid/setgid bits
        return value
    mode = current & 0o7777
    for clause in spec.split(","):
        m = re.fullmatch(r"([ugoa]*)((?:[-+=](?:[rwxXst]*|[ugo]))+)", clause)
        if not m:
            return None
        who = m.group(1) or ""
        mask_umask = not who
        if "a" in who or not who:
            who = "ugo"
        for op, perms in re.findall(r"([-+=])([rwxXst]*|[ugo])", m.group(2)):
            bits = 0
            if perms in ("u", "g", "o"):
                shift = {"u": 6, "g": 3, "o": 0}[perms]
                src = (mode >> shift) & 7
                for w in who:
                    bits |= src << {"u": 6, "g": 3, "o": 0}[w]
            else:
                for p in perms:
                    for w in who:
                        s = {"u": 6, "g": 3, "o": 0}[w]
                        if p == "r":
                            bits |= 4 << s
                        elif p == "w":
                            bits |= 2 << s
                        elif p == "x" or (p == "X" and (is_dir or mode & 0o111)):
                            bits |= 1 << s
                        elif p == "s" and w in "ug":
                            bits |= 0o4000 if w == "u" else 0o2000
                        elif p == "t":
                            bits |= 0o1000
            if mask_umask:
                bits &= ~umask
            if op == "+":
                mode |= bits
            elif op == "-":
                mode &= ~bits
            else:
                clear = 0
                for w in who:
                    clear |= 7 << {"u": 6, "g": 3, "o": 0}[w]
                    clear |= {"u": 0o4000, "g": 0o2000, "o": 0o1000}[w]
                mode = (mode & ~clear) | bits
    return mode


def mode_string(kind: str, mode: int) -> str:
    """``drwxr-xr-x`` as ``ls -l`` prints it."""
    out = {"dir": "d", "symlink": "l"}.get(kind, "-")
    for shift, special, ch in ((6, 0o4000, "s"), (3, 0o2000, "s"), (0, 0o1000, "t")):
        bits = (mode >> shift) & 7
        out += "r" if bits & 4 else "-"
        out += "w" if bits & 2 else "-"
        x = bits & 1
        if mode & special:
            out += ch if x else ch.upper()
        else:
            out += "x" if x else "-"
    return out


# -- users and groups -----------------------------------------------------------------
def read_table(ctx: Context, path: str) -> list[list[str]]:
    """Lines of /etc/passwd-like files, split on ':' (missing file: empty; a look, not drawn)."""
    data = ctx.fs.peek_read(path)
    if data is None:
        return []
    return [line.split(":") for line in decode(data).splitlines() if line and not line.startswith("#")]


def lookup_user(ctx: Context, name: str) -> tuple[int, int] | None:
    """(uid, primary gid) of a user name or number, from /etc/passwd in the tree."""
    for f in read_table(ctx, "/etc/passwd"):
        if len(f) >= 4 and f[0] == name:
            return int(f[2]), int(f[3])
    if name.isdigit():
        return int(name), -1
    return None


def lookup_group(ctx: Context, name: str) -> int | None:
    for f in read_table(ctx, "/etc/group"):
        if len(f) >= 3 and f[0] == name:
            return int(f[2])
    if name.isdigit():
        return int(name)
    return None


def user_name(ctx: Context, uid: int) -> str:
    for f in read_table(ctx, "/etc/passwd"):
        if len(f) >= 3 and f[2] == str(uid):
            return f[0]
    return str(uid)


def group_name(ctx: Context, gid: int) -> str:
    for f in read_table(ctx, "/etc/group"):
        if len(f) >= 3 and f[2] == str(gid):
            return f[0]
    return str(gid)


def parse_size(text: str) -> int | None:
    """``10K``, ``1M``, ``2G`` (powers of 1024), ``1KB`` (powers of 1000)."""
    m = re.fullmatch(r"(\d+)([KMGTkmgt]?)(i?B?)", text)
    if not m:
        return None
    n = int(m.group(1))
    unit = m.group(2).upper()
    if unit:
        base = 1000 if m.group(3) == "B" else 1024
        n *= base ** ("KMGT".index(unit) + 1)
    return n


def errmsg(exc) -> str:
    """The kernel's words for an engine error, without layerlab's explanation after the colon."""
    return exc.explanation.split(":")[0]
