"""``test`` / ``[`` (POSIX) and bash's ``[[ ]]``, checked against the union.

File tests look at the merged view: ``[ -f /etc/os-release ]`` finds the file in
whatever layer holds it, and never copies anything up.
"""

from __future__ import annotations

import re

from ..context import Context
from ..regex import RegexError, compile_posix
from .posix_regex import bre_to_python
from .registry import register
from .. import patterns

UNARY_FILE = set("efdLhsrwxbcpSugkGON")


class TestError(Exception):
    pass


def _file_test(ctx_like, op: str, path: str) -> bool:
    fs_stat = ctx_like.stat
    if op in ("L", "h"):
        st = fs_stat(path, follow=False)
        return st is not None and st.type == "symlink"
    st = fs_stat(path, follow=True)
    if st is None:
        return False
    if op == "e":
        return True
    if op == "f":
        return st.type == "file"
    if op == "d":
        return st.type == "dir"
    if op == "s":
        return st.size > 0 or st.type == "dir"
    if op in ("r", "w"):
        return True  # RUN runs as root
    if op == "x":
        return st.type == "dir" or bool(st.mode & 0o111)
    if op == "u":
        return bool(st.mode & 0o4000)
    if op == "g":
        return bool(st.mode & 0o2000)
    if op == "k":
        return bool(st.mode & 0o1000)
    if op in ("O", "G"):
        return (st.uid if op == "O" else st.gid) == 0
    return False  # -b -c -p -S: no devices, pipes or sockets in a layer we simulate


def _int(text: str) -> int:
    t = text.strip()
    if not re.fullmatch(r"[-+]?\d+", t):
        raise TestError(f"Illegal number: {text}")
    return int(t)


class _Eval:
    def __init__(self, ctx_like, args: list[str]):
        self.ctx = ctx_like
        self.args = args
        self.i = 0

    def peek(self, k: int = 0) -> str | None:
        j = self.i + k
        return self.args[j] if j < len(self.args) else None

    def take(self) -> str:
        if self.i >= len(self.args):
            raise TestError("argument expected")
        self.i += 1
        return self.args[self.i - 1]

    def expr(self) -> bool:
        v = self.and_()
        while self.peek() == "-o":
            self.take()
            v = self.and_() or v
        return v

    def and_(self) -> bool:
        v = self.not_()
        while self.peek() == "-a":
            self.take()
            v = self.not_() and v
        return v

    def not_(self) -> bool:
        if self.peek() == "!" and self.peek(1) is not None:
            self.take()
            return not self.not_()
        return self.primary()

    def primary(self) -> bool:
        a = self.take()
        if a == "(" and self.peek(1) == ")" or a == "(" and self.i < len(self.args):
            if self.peek(1) != ")" or self.peek() in ("!",):
                v = self.expr()
                if self.take() != ")":
                    raise TestError("closing paren expected")
                return v
        nxt = self.peek()
        if nxt in BINARY and self.peek(1) is not None:
            op = self.take()
            b = self.take()
            return binary(a, op, b)
        if len(a) == 2 and a[0] == "-" and nxt is not None and nxt not in ("-a", "-o", ")"):
            op = a[1]
            arg = self.take()
            if op in UNARY_FILE:
                return _file_test(self.ctx, op, self.ctx.path(arg))
            if op == "z":
                return arg == ""
            if op == "n":
                return arg != ""
            if op == "t":
                return False
            raise TestError(f"{a}: unexpected operator")
        return a != ""


BINARY = {"=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "<", ">", "-nt", "-ot", "-ef"}


def binary(a: str, op: str, b: str) -> bool:
    if op in ("=", "=="):
        return a == b
    if op == "!=":
        return a != b
    if op == "<":
        return a < b
    if op == ">":
        return a > b
    if op in ("-nt", "-ot", "-ef"):
        return False
    x, y = _int(a), _int(b)
    return {"-eq": x == y, "-ne": x != y, "-lt": x < y, "-le": x <= y, "-gt": x > y,
            "-ge": x >= y}[op]


def evaluate(ctx_like, args: list[str]) -> bool:
    if not args:
        return False
    ev = _Eval(ctx_like, args)
    if len(args) == 1:
        return args[0] != ""
    if len(args) == 2 and args[0] == "!":
        return args[1] == ""
    if len(args) == 3 and args[1] in BINARY:
        return binary(args[0], args[1], args[2])
    v = ev.expr()
    if ev.i != len(args):
        raise TestError(f"{args[ev.i]}: unexpected operator")
    return v


@register("test", "[")
def test(ctx: Context) -> int:
    args = ctx.argv[1:]
    name = ctx.argv[0]
    if name == "[":
        if not args or args[-1] != "]":
            ctx.err(f"{ctx.shell.state.name}: {ctx.shell.line}: [: missing ]\n")
            return 2
        args = args[:-1]
    try:
        return 0 if evaluate(ctx, args) else 1
    except TestError as exc:
        ctx.err(f"{ctx.shell.state.name}: {ctx.shell.line}: {name}: {exc}\n")
        return 2


class _ShellView:
    """What the file tests need, for ``[[ ]]`` which runs without a Context."""

    def __init__(self, shell):
        self.shell = shell

    def stat(self, path: str, follow: bool = True):
        return self.shell.record.fs.peek_stat(path, follow)

    def path(self, p: str) -> str:
        import posixpath
        return posixpath.join(self.shell.state.cwd, p)


def double_bracket(shell, args: list, io) -> int:
    """``[[ ... ]]``: like test, plus ``==`` pattern matching, ``=~`` and ``&&``/``||``."""
    words = [w for w, _ in args]
    view = _ShellView(shell)

    def rhs_pattern(k: int):
        return shell.expander.pattern(args[k][1])

    def evaluate_range(lo: int, hi: int) -> bool:
        # || lowest, then &&, then ! and ( )
        depth = 0
        for k in range(hi - 1, lo - 1, -1):
            if words[k] == ")":
                depth += 1
            elif words[k] == "(":
                depth -= 1
            elif depth == 0 and words[k] == "||":
                return evaluate_range(lo, k) or evaluate_range(k + 1, hi)
        depth = 0
        for k in range(hi - 1, lo - 1, -1):
            if words[k] == ")":
                depth += 1
            elif words[k] == "(":
                depth -= 1
            elif depth == 0 and words[k] == "&&":
                return evaluate_range(lo, k) and evaluate_range(k + 1, hi)
        if words[lo] == "!" and hi - lo > 1:
            return not evaluate_range(lo + 1, hi)
        if words[lo] == "(" and words[hi - 1] == ")":
            return evaluate_range(lo + 1, hi - 1)
        if hi - lo == 3 and words[lo + 1] in ("==", "=", "!="):
            hit = patterns.matches(rhs_pattern(lo + 2), words[lo])
            return hit if words[lo + 1] != "!=" else not hit
        if hi - lo == 3 and words[lo + 1] == "=~":
            try:
                m = compile_posix(bre_to_python(words[lo + 2], extended=True)).search(words[lo])
            except RegexError:
                raise TestError("invalid regular expression")
            return m is not None
        return evaluate(view, words[lo:hi])

    try:
        return 0 if words and evaluate_range(0, len(words)) else 1
    except TestError as exc:
        shell.error(io, f"[[: {exc}")
        return 2
