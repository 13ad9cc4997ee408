"""``$((...))`` arithmetic: integers only, C precedence, as POSIX sh defines it.

Why not Python's ``eval``: the expression is user text; evaluating it with
Python would run Python. This small precedence-climbing evaluator knows only
numbers, variable names and the C operators sh allows.
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


class ArithError(Exception):
    pass


def _c_div(a: int, b: int, op: str) -> int:
    if b == 0:
        raise ArithError("division by zero")
    q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
    return q if op == "/" else a - q * b


def _apply(op: str, a: int, b: int) -> int:
    if op in ("/", "%"):
        return _c_div(a, b, op)
    return {
        "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
        "<<": lambda: a << b, ">>": lambda: a >> b, "&": lambda: a & b, "|": lambda: a | b,
        "^": lambda: a ^ b, "==": lambda: int(a == b), "!=": lambda: int(a != b),
        "<": lambda: int(a < b), ">": lambda: int(a > b), "<=": lambda: int(a <= b),
        ">=": lambda: int(a >= b), "&&": lambda: int(bool(a) and bool(b)),
        "||": lambda: int(bool(a) or bool(b)), ",": lambda: b,
    }[op]()


def evaluate(expr: str, get: Callable[[str], str], set_: Callable[[str, str], None]) -> int:
    """Evaluate ``expr``; variables are read with ``get`` and assigned with ``set_``."""
    tokens: list[str] = []
    pos = 0
    expr = expr.strip()
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
            return int(raw, 0) if not raw.lstrip("-").startswith("0") or raw in ("0", "-0") else int(raw, 8)
        except ValueError:
            return evaluate(raw, get, set_)

    def primary() -> int:
        tok = take()
        if tok == "(":
            v = expression(0)
            if take() != ")":
                raise ArithError("arithmetic expression: expecting ')'")
            return v
        if tok in ("-", "+", "!", "~"):
            v = unary_operand()
            return {"-": -v, "+": v, "!": int(not v), "~": ~v}[tok]
        if tok in ("++", "--"):
            name = take()
            v = value_of(name) + (1 if tok == "++" else -1)
            set_(name, str(v))
            return v
        if tok[0].isdigit():
            if tok.lower().startswith("0x"):
                return int(tok, 16)
            if len(tok) > 1 and tok.startswith("0"):
                try:
                    return int(tok, 8)
                except ValueError:
                    raise ArithError(f"arithmetic expression: expecting EOF: \"{expr}\"")
            return int(tok)
        if tok[0].isalpha() or tok[0] == "_":
            nxt = peek()
            if nxt in ASSIGN:
                take()
                rhs = expression(1)
                v = rhs if nxt == "=" else _apply(nxt[:-1], value_of(tok), rhs)
                set_(tok, str(v))
                return v
            if nxt in ("++", "--"):
                take()
                v = value_of(tok)
                set_(tok, str(v + (1 if nxt == "++" else -1)))
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
                a = expression(0)
                if take() != ":":
                    raise ArithError("arithmetic expression: expecting ':'")
                b = expression(2)
                left = a if left else b
                continue
            if op not in BINARY or BINARY[op] < min_prec:
                return left
            take()
            right = expression(BINARY[op] + 1)
            left = _apply(op, left, right)

    result = expression(0)
    if i != len(tokens):
        raise ArithError(f"arithmetic expression: expecting EOF: \"{expr}\"")
    return result
