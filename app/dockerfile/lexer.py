"""BuildKit's shell-word lexer: variable expansion and quote removal.

BuildKit does not hand FROM, COPY, ENV, WORKDIR ... arguments to a shell; it
expands `$VAR`/`${VAR...}` and removes quotes itself, with its own small
subset of POSIX rules (frontend/dockerfile/shell/lex.go).  Learners see the
result in the built image, so the rules here follow BuildKit's, including
where they differ from bash (no `${VAR:=w}`, no `${#VAR}`, special
parameters like `$1` or `$@` are always unset, `\\` outside quotes escapes
any character).

`process_word` keeps the text as one string; `process_words` also splits it
into words on unquoted whitespace, after expansion (`COPY $SRCS /d`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .gotext import is_digit, is_letter, is_space

__all__ = ["ShellWordError", "Lexer", "process_word", "process_words"]

_SPECIAL_PARAMS = frozenset("@*#?-$!0")


class ShellWordError(ValueError):
    """A word BuildKit's lexer rejects; the message is BuildKit's."""


class _Stop(Exception):
    """Internal: an error raised while scanning, before the source is attached."""


class _Words:
    """Collects the words of `process_words` while the result string is built."""

    def __init__(self) -> None:
        self.buf = ""
        self.words: list[str] = []
        self.in_word = False

    def add_char(self, ch: str) -> None:
        if is_space(ch) and self.in_word:
            if self.buf:
                self.words.append(self.buf)
                self.buf = ""
                self.in_word = False
        elif not is_space(ch):
            self.add_raw_char(ch)

    def add_raw_char(self, ch: str) -> None:
        self.buf += ch
        self.in_word = True

    def add_string(self, text: str) -> None:
        if text and not any(map(is_space, text)):  # one word's worth: no quadratic `buf += ch`
            self.add_raw_string(text)
            return
        for ch in text:
            self.add_char(ch)

    def add_raw_string(self, text: str) -> None:
        self.buf += text
        self.in_word = True

    def get_words(self) -> list[str]:
        if self.buf:
            self.words.append(self.buf)
            self.buf = ""
            self.in_word = False
        return self.words


class Lexer:
    """One configured lexer, as BuildKit's `shell.Lex`.

    raw_quotes keeps quote characters in the output, raw_escapes keeps escape
    characters, skip_unset_env leaves references to unset variables as they
    were written, skip_process_quotes treats quotes as plain text (heredoc
    bodies).  The parser uses those three to find heredoc words; builds
    use none.  `case_insensitive` gives Windows' environment lookup.
    """

    def __init__(self, escape: str = "\\", *, raw_quotes: bool = False, raw_escapes: bool = False,
                 skip_unset_env: bool = False, skip_process_quotes: bool = False,
                 case_insensitive: bool = False):
        self.escape = escape
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes
        self.skip_unset_env = skip_unset_env
        self.skip_process_quotes = skip_process_quotes
        self.case_insensitive = case_insensitive

    # -- public -----------------------------------------------------------
    def process_word(self, word: str, env: Mapping[str, str]) -> str:
        return self._process(word, env)[0]

    def process_words(self, word: str, env: Mapping[str, str]) -> list[str]:
        return self._process(word, env)[1]

    # -- scanning -----------------------------------------------------------
    def _process(self, word: str, env: Mapping[str, str]) -> tuple[str, list[str]]:
        if self.case_insensitive:
            env = {key.upper(): value for key, value in env.items()}
        self._env = env
        # Go's text/scanner drops a byte-order mark at the very start.
        self._chars = word[1:] if word.startswith("\ufeff") else word
        self._pos = 0
        self._raw_escapes_now = self.raw_escapes
        try:
            return self._process_stop_on(None, self.raw_escapes)
        except _Stop as stop:
            raise ShellWordError(f"failed to process {_go_quote(word)}: {stop}") from None

    def _peek(self) -> str | None:
        return self._chars[self._pos] if self._pos < len(self._chars) else None

    def _next(self) -> str | None:
        ch = self._peek()
        if ch is not None:
            self._pos += 1
        return ch

    def _process_stop_on(self, stop: str | None, raw_escapes: bool) -> tuple[str, list[str]]:
        result: list[str] = []
        words = _Words()
        saved = self._raw_escapes_now
        self._raw_escapes_now = raw_escapes
        try:
            while self._peek() is not None:
                ch = self._peek()
                if stop is not None and ch == stop:
                    self._next()
                    return "".join(result), words.get_words()
                if ch == "$" or (ch in ("'", '"') and not self.skip_process_quotes):
                    if ch == "'":
                        text = self._single_quote()
                    elif ch == '"':
                        text = self._double_quote()
                    else:
                        text = self._dollar()
                    result.append(text)
                    if ch == "$":
                        words.add_string(text)
                    else:
                        words.add_raw_string(text)
                    continue
                ch = self._next()
                if ch == self.escape:
                    if self._raw_escapes_now:
                        words.add_raw_char(ch)
                        result.append(ch)
                    ch = self._next()
                    if ch is None:
                        break
                    words.add_raw_char(ch)
                else:
                    words.add_char(ch)
                result.append(ch)
            if stop is not None:
                raise _Stop(f"unexpected end of statement while looking for matching {stop}")
            return "".join(result), words.get_words()
        finally:
            self._raw_escapes_now = saved

    def _single_quote(self) -> str:
        result = []
        ch = self._next()
        if self.raw_quotes:
            result.append(ch)
        while True:
            ch = self._next()
            if ch is None:
                raise _Stop("unexpected end of statement while looking for matching single-quote")
            if ch == "'":
                if self.raw_quotes:
                    result.append(ch)
                return "".join(result)
            result.append(ch)

    def _double_quote(self) -> str:
        result = []
        ch = self._next()
        if self.raw_quotes:
            result.append(ch)
        while True:
            peek = self._peek()
            if peek is None:
                raise _Stop("unexpected end of statement while looking for matching double-quote")
            if peek == '"':
                ch = self._next()
                if self.raw_quotes:
                    result.append(ch)
                return "".join(result)
            if peek == "$":
                result.append(self._dollar())
                continue
            ch = self._next()
            if ch == self.escape:
                if self._raw_escapes_now:
                    result.append(ch)
                following = self._peek()
                if following is None:
                    continue
                if following in ('"', "$", self.escape):
                    ch = self._next()
            result.append(ch)

    def _lookup(self, name: str) -> tuple[str, bool]:
        key = name.upper() if self.case_insensitive else name
        if key in self._env:
            return self._env[key], True
        return "", False

    def _dollar(self) -> str:
        """``$name`` or ``${...}``, the ``$`` not yet read (BuildKit's processDollar)."""
        self._next()
        if self._peek() != "{":
            name = self._name()
            if name == "":
                return "$"
            value, found = self._lookup(name)
            if not found and self.skip_unset_env:
                return "$" + name
            return value

        self._next()
        peek = self._peek()
        if peek is None:
            raise _Stop("syntax error: missing '}'")
        if peek in ("{", "}", ":"):
            raise _Stop("syntax error: bad substitution")
        name = self._name()
        ch = self._next()
        if ch is None:
            # BuildKit says "unsupported modifier (\ufffd)" here; the word just ends too early.
            raise _Stop("syntax error: missing '}'")
        chs = ch
        null_is_unset = False

        if ch == "}":
            value, found = self._lookup(name)
            if not found and self.skip_unset_env:
                return "${" + name + "}"
            return value
        if ch == ":":
            null_is_unset = True
            ch = self._next()
            chs += ch if ch is not None else "\ufffd"
        if null_is_unset or ch in ("+", "-", "?", "#", "%"):
            return self._modifier(name, ch, chs, null_is_unset)
        if ch == "/":
            return self._replacement(name)
        raise _Stop(f"unsupported modifier ({chs}) in substitution")

    def _modifier(self, name: str, ch: str | None, chs: str, null_is_unset: bool) -> str:
        """``${name-word}``, ``:-``, ``+``, ``:+``, ``?``, ``:?``, ``#``, ``##``, ``%``, ``%%``
        (``ch`` the modifier after the optional colon, ``chs`` both as written)."""
        raw_escapes = ch in ("#", "%")
        if null_is_unset and raw_escapes:
            raise _Stop(f"unsupported modifier ({chs}) in substitution")
        word = self._word_until("}", raw_escapes, "syntax error: missing '}'")
        value, found = self._lookup(name)
        if self.skip_unset_env and not found:
            return "${" + name + chs + word + "}"
        if ch == "-":
            if not found or (null_is_unset and value == ""):
                return word
            return value
        if ch == "+":
            if not found or (null_is_unset and value == ""):
                return ""
            return word
        if ch == "?":
            if not found:
                raise _Stop(f"{name}: {word or 'is not allowed to be unset'}")
            if null_is_unset and value == "":
                raise _Stop(f"{name}: {word or 'is not allowed to be empty'}")
            return value
        if ch in ("%", "#"):
            # One % or # trims the shortest match, a doubled one the longest.
            greedy = False
            if word and word[0] == ch:
                greedy = True
                word = word[1:]
            if ch == "%":
                return _trim_suffix(word, value, greedy)
            return _trim_prefix(word, value, greedy)
        raise _Stop(f"unsupported modifier ({chs}) in substitution")

    def _replacement(self, name: str) -> str:
        """``${name/pattern/replacement}`` and ``${name//pattern/replacement}``, after the first ``/``."""
        replace_all = self._peek() == "/"
        if replace_all:
            self._next()
        pattern = self._word_until("/", True, "syntax error: missing '/' in ${}")
        replacement = self._word_until("}", True, "syntax error: missing '}'")
        value, found = self._lookup(name)
        if self.skip_unset_env and not found:
            return "${" + name + "/" + pattern + "/" + replacement + "}"
        regex = _shell_pattern_to_regex(pattern, greedy=True, anchored=False)
        if replace_all:
            return _replace_all(regex, value, replacement)
        match = regex.search(value)
        if match:
            value = value[:match.start()] + replacement + value[match.end():]
        return value

    def _word_until(self, stop: str, raw_escapes: bool, missing: str) -> str:
        """The word up to ``stop``; ``missing`` is the error when the text ends first."""
        try:
            word, _ = self._process_stop_on(stop, raw_escapes)
        except _Stop:
            if self._peek() is None:
                raise _Stop(missing) from None
            raise
        return word

    def _name(self) -> str:
        name: list[str] = []
        while (ch := self._peek()) is not None:
            if not name and is_digit(ch):
                while (ch := self._peek()) is not None and is_digit(ch):
                    name.append(self._next())
                return "".join(name)
            if not name and ch in _SPECIAL_PARAMS:
                return self._next()
            if not is_letter(ch) and not is_digit(ch) and ch != "_":
                break
            name.append(self._next())
        return "".join(name)


def _go_quote(text: str) -> str:
    from .gotext import quote
    return quote(text)


def _replace_all(regex: re.Pattern, value: str, replacement: str) -> str:
    """Go's `Regexp.ReplaceAllString` with `$` in the replacement taken literally enough.

    Go expands `$1`/`${name}` in the replacement; BuildKit passes user text, so
    we mirror Go: `$n` refers to a (never existing) group and becomes empty.
    """
    go_repl = re.sub(r"\$(\{[^}]*\}|[A-Za-z0-9_]+|\$)?",
                     lambda m: "$" if m.group(1) == "$" else ("" if m.group(1) else "$"), replacement)
    # Go also replaces empty matches between characters, like Python's re.sub.
    return regex.sub(lambda _m: go_repl, value)


def _shell_pattern_to_regex(pattern: str, *, greedy: bool, anchored: bool) -> re.Pattern:
    """A `${VAR#pattern}` pattern as a regex: `*` any string, `?` any char, no brackets."""
    out = ["^"] if anchored else []
    star = ".*" if greedy else ".*?"
    i = 0
    while i < len(pattern):
        tok = pattern[i]
        i += 1
        if tok == "*":
            out.append(star)
            continue
        if tok == "?":
            out.append(".")
            continue
        if tok == "\\":
            following = pattern[i] if i < len(pattern) else None
            if following in ("}", "/"):
                continue
            if following not in ("*", "?", "\\"):
                raise _Stop(f"invalid pattern ({pattern}) in substitution: invalid escape '\\{following or ''}'")
            out.append(re.escape(following))
            i += 1
            continue
        out.append(re.escape(tok))
    return re.compile("".join(out))  # like Go, "." does not cross a newline


def _trim_prefix(pattern: str, value: str, greedy: bool) -> str:
    regex = _shell_pattern_to_regex(pattern, greedy=greedy, anchored=True)
    match = regex.search(value)
    return value[match.end():] if match else value


def _reverse_pattern(pattern: str) -> str:
    """Reverse a pattern but keep each `\\x` escape pair in order."""
    chunks = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            chunks.append(pattern[i:i + 2])
            i += 2
        else:
            chunks.append(pattern[i])
            i += 1
    return "".join(reversed(chunks))


def _trim_suffix(pattern: str, value: str, greedy: bool) -> str:
    # Regexes find leftmost matches, so search the reversed value with the reversed pattern.
    return _trim_prefix(_reverse_pattern(pattern), value[::-1], greedy)[::-1]


def process_word(word: str, env: Mapping[str, str], escape: str = "\\") -> str:
    """Expand variables and remove quotes, keeping one string (BuildKit's ProcessWord)."""
    return Lexer(escape).process_word(word, env)


def process_words(word: str, env: Mapping[str, str], escape: str = "\\") -> list[str]:
    """Expand, then split on unquoted whitespace (BuildKit's ProcessWords)."""
    return Lexer(escape).process_words(word, env)
