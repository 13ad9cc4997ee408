"""Go's notion of text, reproduced where BuildKit's behaviour depends on it.

BuildKit is written in Go, and several of its parsing rules lean on Go library
functions whose definitions differ slightly from Python's: `unicode.IsSpace`
(Python's `str.isspace` also counts the C0 separators U+001C..U+001F),
`strings.TrimSpace`, `unicode.IsPrint` and `strconv.Quote` (used by the
parse-tree dump the conformance corpus is written in).  Keeping the Go
definitions in one small module lets the parser say "as Go does" in one word.
"""

from __future__ import annotations

import unicodedata

_PYTHON_ONLY_SPACES = frozenset("\x1c\x1d\x1e\x1f")
_PRINTABLE_CATEGORIES = frozenset("LMNPS")


def is_space(ch: str) -> bool:
    """Go's `unicode.IsSpace` for one character."""
    return ch.isspace() and ch not in _PYTHON_ONLY_SPACES


def trim_space(s: str) -> str:
    """Go's `strings.TrimSpace`: strip Go whitespace at both ends."""
    start, end = 0, len(s)
    while start < end and is_space(s[start]):
        start += 1
    while end > start and is_space(s[end - 1]):
        end -= 1
    return s[start:end]


def trim_left_space(s: str) -> str:
    """Go's `strings.TrimLeftFunc(s, unicode.IsSpace)`."""
    start = 0
    while start < len(s) and is_space(s[start]):
        start += 1
    return s[start:]


def is_letter(ch: str) -> bool:
    """Go's `unicode.IsLetter` (general category L*)."""
    return unicodedata.category(ch).startswith("L")


def is_digit(ch: str) -> bool:
    """Go's `unicode.IsDigit` (category Nd only; Python's isdigit adds superscripts)."""
    return unicodedata.category(ch) == "Nd"


def is_print(ch: str) -> bool:
    """Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and ASCII space."""
    return ch == " " or unicodedata.category(ch)[0] in _PRINTABLE_CATEGORIES


_SHORT_ESCAPES = {
    "\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n",
    "\r": "\\r", "\t": "\\t", "\v": "\\v", "\\": "\\\\", '"': '\\"',
}


def quote(s: str) -> str:
    """Go's `strconv.Quote`.

    Printable non-ASCII text stays as it is (the corpus has "♥"), which is why
    neither `json.dumps` nor `repr` will do.  Lone surrogates come from bytes
    that were not valid UTF-8 (decoded with `surrogateescape`); Go prints
    those bytes as `\\xNN`.
    """
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif is_print(ch):
            out.append(ch)
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def quote_list(items: list[str]) -> str:
    """Go's `fmt.Sprintf("%q", []string{...})`: `["a" "b"]`."""
    return "[" + " ".join(quote(item) for item in items) + "]"
