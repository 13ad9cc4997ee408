"""Shell arithmetic as dash (Debian's /bin/sh) computes it: signed 64-bit, wrapping,
shift counts modulo 64, division by zero an error with status 2 and dash's message.
The expected values were printed by dash 0.5.12 (`dash -c 'echo $((...))'`)."""

from __future__ import annotations

import pytest

from app.engine import Dir, Layer, UnionFS
from app.shell import run


def sh(line: str):
    layer = Layer()
    layer.put("/", Dir(0o755))
    return run(line, UnionFS([layer.freeze()]))


@pytest.mark.parametrize("expr, printed", [
    ("1 << 4000000000", "1"),                      # the line: a traceback before
    ("1 << 63", "-9223372036854775808"),
    ("(1 << 63) - 1", "9223372036854775807"),
    ("9223372036854775807 + 1", "-9223372036854775808"),
    ("-9223372036854775807 - 1 - 1", "9223372036854775807"),
    ("3037000500 * 3037000500", "-9223372036709301616"),
    ("-(-9223372036854775807 - 1)", "-9223372036854775808"),
    ("-9223372036854775808 / -1", "9223372036854775807"),  # busybox: -9223372036854775808
    ("-9223372036854775808 % -1", "0"),
    ("99999999999999999999", "9223372036854775807"),       # busybox: 0
    ("0xffffffffffffffff", "9223372036854775807"),         # busybox: -1
    ("1" * 5000, "9223372036854775807"),                   # Python would refuse to read it
    ("-9223372036854775808", "-9223372036854775807"),      # the literal clamps, then - applies
    ("1 >> -1", "0"), ("1 << -1", "-9223372036854775808"), ("-1 >> 70", "-1"), ("-8 >> 1", "-4"),
    ("-7 / 2", "-3"), ("-7 % 2", "-1"), ("-5 % 3", "-2"), ("5 % -3", "2"),
    ("0 && 1/0", "0"), ("1 || 1/0", "1"), ("1 ? 2 : 1/0", "2"), ("0 ? 1/0 : 3", "3"),  # busybox: errors
])
def test_values_as_dash_prints_them(expr, printed):
    result = sh(f"echo $(({expr}))")
    assert (result.stdout, result.stderr, result.status) == (printed + "\n", "", 0)


@pytest.mark.parametrize("expr", ["1/0", " 1 % 0 ", "x /= 0"])
def test_division_by_zero_is_status_2_with_dashs_message(expr):
    result = sh(f"x=1; echo $(({expr})); echo not reached")
    assert result.status == 2 and result.stdout == ""
    assert result.stderr == f'/bin/sh: 1: arithmetic expression: division by zero: "{expr}"\n'


def test_a_skipped_branch_assigns_nothing():
    assert sh("x=1; echo $((0 && (x = 5))) $x").stdout == "0 1\n"
    assert sh("x=1; echo $((1 && (x = 5))) $x").stdout == "1 5\n"


def test_a_variable_too_large_for_64_bits_is_an_illegal_number():
    result = sh("x=99999999999999999999; echo $((x + 0))")
    assert result.status == 2
    assert result.stderr == "/bin/sh: 1: Illegal number: 99999999999999999999\n"


def test_assignments_wrap_too():
    assert sh("x=9223372036854775807; : $((x += 1)); echo $x").stdout == "-9223372036854775808\n"
