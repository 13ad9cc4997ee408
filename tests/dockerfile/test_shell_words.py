"""BuildKit's word expansion beyond its data files: the pattern operators, escapes, errors."""

from __future__ import annotations

import pytest

from app.dockerfile.lexer import Lexer, ShellWordError, process_word, process_words

ENV = {"P": "usr/local/bin", "F": "archive.tar.gz", "E": "", "S": "a b  c"}


@pytest.mark.parametrize("word, expected", [
    ("${P#*/}", "local/bin"),
    ("${P##*/}", "bin"),
    ("${P%/*}", "usr/local"),
    ("${P%%/*}", "usr"),
    ("${F%.*}", "archive.tar"),
    ("${F%%.*}", "archive"),
    ("${F#a?c}", "hive.tar.gz"),
    ("${F/tar/zip}", "archive.zip.gz"),
    ("${F//a/A}", "Archive.tAr.gz"),
    ("${P//\\//-}", "usr-local-bin"),
    ("${F/#arch/ARCH}", "archive.tar.gz"),
    ("${UNSET#x}", ""),
    ("${E:-empty}", "empty"),
    ("${E-empty}", ""),
    ("${E:+set}", ""),
    ("${E+set}", "set"),
    ("${UNSET+set}", ""),
    ("${P:?must be set}", "usr/local/bin"),
    ("pre${P:+[$F]}post", "pre[archive.tar.gz]post"),
    ("'$P'", "$P"),
    ('"$P"', "usr/local/bin"),
    ("\\$P", "$P"),
    ('"a\\nb"', "a\\nb"),
    ("a\\nb", "anb"),
])
def test_expansion_follows_buildkit(word, expected):
    assert process_word(word, ENV) == expected


@pytest.mark.parametrize("word, message", [
    ("${UNSET?}", "UNSET: is not allowed to be unset"),
    ("${UNSET?no way}", "UNSET: no way"),
    ("${E:?}", "E: is not allowed to be empty"),
    ("${P:=x}", "unsupported modifier (:=) in substitution"),
    ("${P:#x}", "unsupported modifier (:#) in substitution"),
    ("${P", "syntax error: missing '}'"),
    ("${}", "syntax error: bad substitution"),
    ("'open", "unexpected end of statement while looking for matching single-quote"),
    ('"open', "unexpected end of statement while looking for matching double-quote"),
])
def test_errors_carry_buildkits_messages(word, message):
    with pytest.raises(ShellWordError) as caught:
        process_word(word, ENV)
    assert str(caught.value).endswith(": " + message)


def test_words_split_after_expansion_but_not_inside_quotes():
    assert process_words('$S "$S" x', ENV) == ["a", "b", "c", "a b  c", "x"]


def test_backtick_escape_makes_backslash_plain():
    assert process_word("C:\\dir`$P", {"P": "x"}, escape="`") == "C:\\dir$P"


def test_skip_unset_keeps_references_to_unknown_variables():
    lexer = Lexer(skip_unset_env=True)
    assert lexer.process_word("$P ${NOPE} ${NOPE:-d} $NOPE", ENV) == "usr/local/bin ${NOPE} ${NOPE:-d} $NOPE"


def test_windows_lookup_ignores_case():
    assert Lexer(case_insensitive=True).process_word("$pwd", {"PWD": "/home"}) == "/home"
    assert Lexer().process_word("$pwd", {"PWD": "/home"}) == ""
