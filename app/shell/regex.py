"""Regular expressions that cannot run away: RE2 (linear time), Python's ``re`` only under a budget.

Why RE2 (the ``google-re2`` binding, maintained by Google with RE2 itself): its
automaton matches in time linear in the input whatever the pattern, so
``grep -E "^(a+)+$"`` on forty a's and a ``!`` answers at once instead of
backtracking for ever. RE2 also offers POSIX's leftmost-longest rule, which
grep, sed and ``[[ =~ ]]`` follow (Python's ``re`` stops at the first
alternative that matches).

What RE2 lacks is back-references (``\\1`` in a pattern), which no linear-time
engine can offer. Such a pattern runs in Python's ``re`` under a hard budget
decided before it starts: a quantifier inside a quantified group (the shape
that backtracks exponentially) is refused outright, and otherwise the line's
length raised to (quantifiers + 1), times the pattern's length, must stay under
``BACKREF_BUDGET``. Over budget the RUN stops with
``RegexTooCostly``, a ``LimitReached`` ("not simulated: back-reference too
costly"), never hangs.

Text in the simulator is ``str`` decoded with ``surrogateescape``; the shell runs
in the C locale as a container does (no LANG set), where a regular expression
sees bytes. So text goes to the engine as one character per byte (Latin-1), and
every result comes back decoded the same way; ASCII text skips both steps.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

import re2

from .recorder import LimitReached

BACKREF_BUDGET = 10**8

_OPTIONS_CACHE: dict[tuple, "re2.Options"] = {}
_BACKREF = re.compile(r"\\[1-9]")
_QUANTIFIER = re.compile(r"(?<!\\)(?:[*+?]|\{\d+(?:,\d*)?\})")


class RegexError(ValueError):
    """A pattern neither engine accepts (unbalanced parentheses, a bad range...)."""


class RegexTooCostly(LimitReached):
    """A back-reference pattern whose backtracking could exceed the budget: it ends the RUN."""


def to_bytes_text(text: str) -> str:
    """One character per byte (U+0000..U+00FF), what a C-locale engine sees."""
    return text if text.isascii() else text.encode("utf-8", "surrogateescape").decode("latin-1")


def from_bytes_text(text: str) -> str:
    return text if text.isascii() else text.encode("latin-1").decode("utf-8", "surrogateescape")


def _options(longest: bool, ignore_case: bool, dot_all: bool) -> "re2.Options":
    key = (longest, ignore_case, dot_all)
    if key not in _OPTIONS_CACHE:
        options = re2.Options()
        options.log_errors = False
        options.longest_match = longest
        options.case_sensitive = not ignore_case
        options.dot_nl = dot_all
        options.max_mem = 64 << 20
        _OPTIONS_CACHE[key] = options
    return _OPTIONS_CACHE[key]


class Match:
    """A match with its groups given back in the simulator's text form."""

    def __init__(self, match):
        self._match = match

    def group(self, index: int = 0) -> str | None:
        value = self._match.group(index)
        return None if value is None else from_bytes_text(value)


def _nested_quantifier(pattern: str) -> bool:
    """True when a quantified group holds a quantifier: ``(a+)+``, ``(a|b*)*``, ``(x+){2,}``."""
    stack: list[bool] = []  # per open group: does it hold a quantifier?
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "(":
            stack.append(False)
        elif c == ")" and stack:
            inner = stack.pop()
            quantified = bool(_QUANTIFIER.match(pattern, i + 1))
            if inner and quantified:
                return True
            if stack and (inner or quantified):
                stack[-1] = True
        elif _QUANTIFIER.match(pattern, i) and stack:
            stack[-1] = True
        i += 1
    return False


class Regex:
    """A compiled pattern in Python ``re`` syntax: ``search``, ``fullmatch``, ``finditer``, ``sub``."""

    def __init__(self, pattern: str, *, ignore_case: bool = False, longest: bool = False,
                 dot_all: bool = False):
        self.pattern = pattern
        wire = to_bytes_text(pattern)
        self._backtracking = bool(_BACKREF.search(pattern))
        if self._backtracking:
            if _nested_quantifier(pattern):
                raise RegexTooCostly("not simulated: back-reference too costly "
                                     "(a repeated group that itself repeats)")
            self._quantifiers = len(_QUANTIFIER.findall(pattern))
            flags = (re.IGNORECASE if ignore_case else 0) | (re.DOTALL if dot_all else 0)
            try:
                self._rx = re.compile(wire, flags)
            except re.error as exc:
                raise RegexError(str(exc)) from None
        else:
            try:
                self._rx = re2.compile(wire, _options(longest, ignore_case, dot_all))
            except re2.error as exc:
                raise RegexError(exc.args[0].decode("utf-8", "replace") if exc.args and
                                 isinstance(exc.args[0], bytes) else str(exc)) from None

    def _text(self, text: str) -> str:
        wire = to_bytes_text(text)
        if self._backtracking:
            cost = (len(wire) + 1) ** (self._quantifiers + 1) * max(len(self.pattern), 1)
            if cost > BACKREF_BUDGET:
                raise RegexTooCostly("not simulated: back-reference too costly "
                                     f"(a {len(wire)}-byte line against {self.pattern!r})")
        return wire

    def search(self, text: str) -> Match | None:
        m = self._rx.search(self._text(text))
        return None if m is None else Match(m)

    def fullmatch(self, text: str) -> Match | None:
        m = self._rx.fullmatch(self._text(text))
        return None if m is None else Match(m)

    def finditer(self, text: str) -> Iterator[Match]:
        for m in self._rx.finditer(self._text(text)):
            yield Match(m)

    def sub(self, replace: Callable[[Match], str], text: str, count: int = 0) -> str:
        result = self._rx.sub(lambda m: to_bytes_text(replace(Match(m))), self._text(text), count=count)
        return from_bytes_text(result)


def compile_posix(pattern_in_python_syntax: str, ignore_case: bool = False) -> Regex:
    """A translated POSIX pattern (grep, sed, find -regex, ``[[ =~ ]]``): leftmost-longest."""
    return Regex(pattern_in_python_syntax, ignore_case=ignore_case, longest=True)
