"""``$((...))`` arithmetic: integers only, C precedence, as POSIX sh defines it.

Why not Python's ``eval``: the expression is user text; evaluating it with
Python would run Python. This small precedence-climbing evaluator knows only
numbers, variable names and the C operators sh allows.

Numbers are what dash (Debian's /bin/sh) computes with: signed 64-bit integers
that wrap around, shift counts taken modulo 64 (as the x86 and arm64 shift
instructions do), literals too large for 64 bits clamped to the largest
(strtoimax), INT64_MIN / -1 giving INT64_MAX. Python's own integers would grow
without bound: ``1 << 4000000000`` would try to build a 500 MB number.
"""

from __future__ import annotations

import re
from typing import Callable

TOKEN = re.compile(r"\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z0-9_]*|<<=|>>=|\*\*|&&|\|\||<<|>>|<=|>=|==|!="
                   r"|[-+*/%&|^]=|\+\+|--|[-+*/%()<>!~&|^?:=,])")

BINARY = {  # operator -> precedence (higher binds tighter)
    ",": 0, "||": 3, "&&": 4, "|": 5, "^": 6, "&": 7, "==": 8, "!=": 8,
    "<": 9, ">": 9, "<=": 9, ">=": 9, "<<": 10, ">>": 10, "+": 11, "-": 11,
    "*": 12, "/": 12, "%": 12,
}
ASSIGN = {"=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "|=", "^="}


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class ArithError(Exception):
    pass


def wrap(value: int) -> int:
    """``value`` as a signed 64-bit integer, wrapped around as C's intmax_t arithmetic does."""
    return (value - INT64_MIN) % 2**64 + INT64_MIN


def _clamp(value: int) -> int:
    """A literal as strtoimax reads it: saturated at the ends of the 64-bit range."""
    return max(INT64_MIN, min(INT64_MAX, value))


def _c_div(a: int, b: int, op: str, expr: str) -> int:
    if b == 0:
        raise ArithError(f'arithmetic expression: division by zero: "{expr}"')
    if a == INT64_MIN and b == -1:  # overflows in C; dash answers these two
        return INT64_MAX if op == "/" else 0
    q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
    return q if op == "/" else a - q * b


def _apply(op: str, a: int, b: int, expr: str) -> int:
    if op in ("/", "%"):
        return _c_div(a, b, op, expr)
    return wrap({
        "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
        "<<": lambda: a << (b & 63), ">>": lambda: a >> (b & 63), "&": lambda: a & b, "|": lambda: a | b,
        "^": lambda: a ^ b, "==": lambda: int(a == b), "!=": lambda: int(a != b),
        "<": lambda: int(a < b), ">": lambda: int(a > b), "<=": lambda: int(a <= b),
        ">=": lambda: int(a >= b), "&&": lambda: int(bool(a) and bool(b)),
        "||": lambda: int(bool(a) or bool(b)), ",": lambda: b,
    }[op]())


def evaluate(expr: str, get: Callable[[str], str], set_: Callable[[str, str], None]) -> int:
    """Evaluate ``expr``; variables are read with ``get`` and assigned with ``set_``."""
    return _Evaluator(expr, get, set_).run()


def _tokens(expr: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            raise ArithError(f"arithmetic expression: expecting primary: \"{expr}\"")
        tokens.append(m.group(1))
        pos = m.end()
        while pos < len(expr) and expr[pos].isspace():
            pos += 1
    return tokens


class _Evaluator:
    """One expression, parsed by precedence climbing and evaluated as it is parsed.

    Inside the branch of ``&&``, ``||`` or ``?:`` that is not taken, dash parses
    but does not evaluate: no division-by-zero error, no assignment (busybox
    evaluates both sides). ``skipping`` counts how deep in such branches we are."""

    def __init__(self, expr: str, get: Callable[[str], str], set_: Callable[[str, str], None]) -> None:
        self.written, self.expr = expr, expr.strip()
        self.get, self.set_ = get, set_
        self.tokens = _tokens(self.expr)
        self.i = 0
        self.skipping = 0

    def run(self) -> int:
        if not self.tokens:
            return 0
        result = self.expression(0)
        if self.i != len(self.tokens):
            raise ArithError(f"arithmetic expression: expecting EOF: \"{self.expr}\"")
        return result

    def assign(self, name: str, value: int) -> None:
        if not self.skipping:
            self.set_(name, str(value))

    def skipped(self, parse: Callable[[], int], skip: bool) -> int:
        self.skipping += skip
        try:
            return parse()
        finally:
            self.skipping -= skip

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        if self.i >= len(self.tokens):
            raise ArithError(f"arithmetic expression: expecting primary: \"{self.expr}\"")
        self.i += 1
        return self.tokens[self.i - 1]

    def value_of(self, name: str) -> int:
        raw = self.get(name).strip()
        if not raw:
            return 0
        try:
            number = int(raw, 0) if not raw.lstrip("-").startswith("0") or raw in ("0", "-0") else int(raw, 8)
        except ValueError:
            return evaluate(raw, self.get, self.set_)
        if not INT64_MIN <= number <= INT64_MAX:
            raise ArithError(f"Illegal number: {raw}")
        return number

    def primary(self) -> int:
        tok = self.take()
        if tok == "(":
            v = self.expression(0)
            if self.take() != ")":
                raise ArithError("arithmetic expression: expecting ')'")
            return v
        if tok in ("-", "+", "!", "~"):
            v = self.primary()
            return {"-": wrap(-v), "+": v, "!": int(not v), "~": ~v}[tok]
        if tok in ("++", "--"):
            name = self.take()
            v = wrap(self.value_of(name) + (1 if tok == "++" else -1))
            self.assign(name, v)
            return v
        if tok[0].isdigit():
            return self.literal(tok)
        if tok[0].isalpha() or tok[0] == "_":
            return self.variable(tok)
        raise ArithError(f"arithmetic expression: expecting primary: \"{self.expr}\"")

    def literal(self, tok: str) -> int:
        if tok.lower().startswith("0x"):
            return _clamp(int(tok, 16))
        if len(tok) > 1 and tok.startswith("0"):
            try:
                return _clamp(int(tok, 8))
            except ValueError:
                raise ArithError(f"arithmetic expression: expecting EOF: \"{self.expr}\"")
        # 20 digits or more are above INT64_MAX: clamp without asking Python to read 5,000 of them.
        return INT64_MAX if len(tok.lstrip("0")) > 19 else _clamp(int(tok))

    def variable(self, name: str) -> int:
        nxt = self.peek()
        if nxt in ASSIGN:
            self.take()
            rhs = self.expression(1)
            v = rhs if nxt == "=" else _apply(nxt[:-1], self.value_of(name), rhs, self.written)
            self.assign(name, v)
            return v
        if nxt in ("++", "--"):
            self.take()
            v = self.value_of(name)
            self.assign(name, wrap(v + (1 if nxt == "++" else -1)))
            return v
        return self.value_of(name)

    def expression(self, min_prec: int) -> int:
        left = self.primary()
        while True:
            op = self.peek()
            if op == "?" and min_prec <= 2:
                self.take()
                a = self.skipped(lambda: self.expression(0), not left)
                if self.take() != ":":
                    raise ArithError("arithmetic expression: expecting ':'")
                b = self.skipped(lambda: self.expression(2), bool(left))
                left = a if left else b
                continue
            if op not in BINARY or BINARY[op] < min_prec:
                return left
            self.take()
            skip = (op == "&&" and not left) or (op == "||" and bool(left))
            right = self.skipped(lambda: self.expression(BINARY[op] + 1), skip)
            if self.skipping and op in ("/", "%") and right == 0:
                left = 0
            else:
                left = _apply(op, left, right, self.written)
