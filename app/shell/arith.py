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
    tokens: list[str] = []
    pos = 0
    written, expr = expr, expr.strip()
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            raise ArithError(f"arithmetic expression: expecting primary: \"{expr}\"")
        tokens.append(m.group(1))
        pos = m.end()
        while pos < len(expr) and expr[pos].isspace():
            pos += 1
    if not tokens:
        return 0
    i = 0
    # Inside the branch && || ?: do not take, dash parses but does not evaluate:
    # no division-by-zero error, no assignment (busybox evaluates both sides).
    skipping = 0

    def assign(name: str, value: int) -> None:
        if not skipping:
            set_(name, str(value))

    def skipped(parse: Callable[[], int], skip: bool) -> int:
        nonlocal skipping
        skipping += skip
        try:
            return parse()
        finally:
            skipping -= skip

    def peek() -> str | None:
        return tokens[i] if i < len(tokens) else None

    def take() -> str:
        nonlocal i
        if i >= len(tokens):
            raise ArithError(f"arithmetic expression: expecting primary: \"{expr}\"")
        i += 1
        return tokens[i - 1]

    def value_of(name: str) -> int:
        raw = get(name).strip()
        if not raw:
            return 0
        try:
            number = int(raw, 0) if not raw.lstrip("-").startswith("0") or raw in ("0", "-0") else int(raw, 8)
        except ValueError:
            return evaluate(raw, get, set_)
        if not INT64_MIN <= number <= INT64_MAX:
            raise ArithError(f"Illegal number: {raw}")
        return number

    def primary() -> int:
        tok = take()
        if tok == "(":
            v = expression(0)
            if take() != ")":
                raise ArithError("arithmetic expression: expecting ')'")
            return v
        if tok in ("-", "+", "!", "~"):
            v = unary_operand()
            return {"-": wrap(-v), "+": v, "!": int(not v), "~": ~v}[tok]
        if tok in ("++", "--"):
            name = take()
            v = wrap(value_of(name) + (1 if tok == "++" else -1))
            assign(name, v)
            return v
        if tok[0].isdigit():
            if tok.lower().startswith("0x"):
                return _clamp(int(tok, 16))
            if len(tok) > 1 and tok.startswith("0"):
                try:
                    return _clamp(int(tok, 8))
                except ValueError:
                    raise ArithError(f"arithmetic expression: expecting EOF: \"{expr}\"")
            # 20 digits or more are above INT64_MAX: clamp without asking Python to read 5,000 of them.
            return INT64_MAX if len(tok.lstrip("0")) > 19 else _clamp(int(tok))
        if tok[0].isalpha() or tok[0] == "_":
            nxt = peek()
            if nxt in ASSIGN:
                take()
                rhs = expression(1)
                v = rhs if nxt == "=" else _apply(nxt[:-1], value_of(tok), rhs, written)
                assign(tok, v)
                return v
            if nxt in ("++", "--"):
                take()
                v = value_of(tok)
                assign(tok, wrap(v + (1 if nxt == "++" else -1)))
                return v
            return value_of(tok)
        raise ArithError(f"arithmetic expression: expecting primary: \"{expr}\"")

    def unary_operand() -> int:
        return primary()

    def expression(min_prec: int) -> int:
        left = primary()
        while True:
            op = peek()
            if op == "?" and min_prec <= 2:
                take()
                a = skipped(lambda: expression(0), not left)
                if take() != ":":
                    raise ArithError("arithmetic expression: expecting ':'")
                b = skipped(lambda: expression(2), bool(left))
                left = a if left else b
                continue
            if op not in BINARY or BINARY[op] < min_prec:
                return left
            take()
            skip = (op == "&&" and not left) or (op == "||" and bool(left))
            right = skipped(lambda: expression(BINARY[op] + 1), skip)
            if skipping and op in ("/", "%") and right == 0:
                left = 0
            else:
                left = _apply(op, left, right, written)

    result = expression(0)
    if i != len(tokens):
        raise ArithError(f"arithmetic expression: expecting EOF: \"{expr}\"")
    return result
