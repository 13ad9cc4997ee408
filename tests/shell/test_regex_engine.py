"""grep, sed, case and [[ =~ ]] match in RE2: the issue's ReDoS lines answer at once with
grep's and sed's answers; back-references run in Python's re only under a budget."""

from __future__ import annotations

import pytest

from app.engine import UnionFS
from app.shell import Limits
from app.shell.regex import RegexTooCostly, compile_posix
from conftest import make_base_layer, run

A40 = "a" * 40
CASES = [
    (f'echo {A40}! | grep -E "^(a+)+$"; echo $?', "1\n"),
    (f'echo {A40} | grep -E "^(a+)+$"', A40 + "\n"),
    (f'echo {A40}! | grep "^\\(a\\+\\)\\+$"; echo $?', "1\n"),
    (f'echo {A40}! | sed -E "s/^(a+)+$/X/"', A40 + "!\n"),
    (f'echo {A40} | sed -E "s/^(a+)+$/X/"', "X\n"),
    (f'x={A40}!; case $x in *a*a*a*a*a*a*a*a*a*a*b) echo y;; *) echo n;; esac', "n\n"),
    ('echo abab | sed "s/\\(ab\\)\\1/X/"', "X\n"),  # a cheap back-reference still works
    ('echo abcd | sed -E "s/a|ab/X/"', "Xcd\n"),  # POSIX leftmost-longest, as GNU sed
    ('echo foo-bar | grep -ow bar', "bar\n"),
    ("printf 'f\\377o\\n' | grep -c 'f.o'", "1\n"),  # C locale: . is one byte
]


@pytest.mark.parametrize("script,out", CASES)
def test_answers(script, out):
    result = run(script, UnionFS([make_base_layer()]), limits=Limits(max_steps=100))
    assert result.error is None and result.stdout == out


def test_a_back_reference_that_could_backtrack_for_ever_stops_the_run():
    result = run(f'echo {A40}! | sed -E "s/^(a+)+\\1$/X/"', UnionFS([make_base_layer()]))
    assert result.status == 1
    assert result.error.startswith("layerlab stopped this RUN: not simulated: back-reference too costly")


def test_a_long_line_for_a_back_reference_is_over_budget():
    rx = compile_posix(r"(a*)(b*)(c*)\1\2\3x")
    assert rx.search("aabbcc" * 2) is None
    with pytest.raises(RegexTooCostly):
        rx.search("a" * 2000)
