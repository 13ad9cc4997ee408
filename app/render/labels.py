"""The diagram's words, loaded from labels.json (one table per language).

Texts live in a data file so a teacher can fix wording or add a language
without reading the renderer. Values may hold Graphviz HTML markup; the
values filled into ``{placeholders}`` are escaped here, so a path such as
``/tmp/<x>&y`` can never break the DOT.

Taught terms come from ONE list (``terms`` in labels.json), used by the
diagram and offered to the narration (``term``): ``[[whiteout]]`` in a label
is the term in the page's language, followed by the other language's word
when glosses are on (``白障 whiteout``); ``[[=whiteout]]`` is the term alone.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from functools import cache
from pathlib import Path

_FILE = Path(__file__).with_name("labels.json")
_TERM = re.compile(r"\[\[(=?)([a-z_]+)\]\]")


@cache
def _tables() -> dict:
    return json.loads(_FILE.read_text(encoding="utf-8"))


def languages() -> list[str]:
    return [k for k in _tables() if not k.startswith("_") and k != "terms"]


def default_glosses(lang: str) -> bool:
    """Bilingual glosses are on by default in Chinese pages, off in English ones."""
    return lang == "zh"


def term(lang: str, key: str, glosses: bool = False) -> str:
    """A taught term (``whiteout``) in ``lang``, glossed in the other language when asked."""
    entry = _tables()["terms"][key]
    word = entry.get(lang, entry["en"])
    if not glosses:
        return word
    other = entry["en"] if lang == "zh" else entry.get("zh", "")
    return f"{word} {other}" if other and other != word else word


def text(lang: str, key: str, glosses: bool | None = None, **values: object) -> str:
    """The label ``key`` in ``lang`` (English when missing), values escaped."""
    tables = _tables()
    table = tables.get(lang, tables["en"])
    template = table[key] if key in table else tables["en"][key]
    if glosses is None:
        glosses = default_glosses(lang)
    template = _TERM.sub(lambda m: term(lang, m.group(2), glosses and not m.group(1)), template)
    return template.format(**{k: esc(v) for k, v in values.items()})


_C_ESCAPES = {"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r"}


def visible(value: object) -> str:
    """Text with every byte a student can see: invalid UTF-8 (kept by the
    engine as surrogate escapes) and control characters written as ``ls -b``
    writes them (``\\377``, ``\\001``, ``\\n``), so Graphviz never rejects a
    label and the SVG is always well-formed XML.

    Nearly every label is printable as it is: ``str.isprintable`` (C, and
    stricter than the test below) says so without a Python step per character."""
    text_value = str(value)
    if text_value.isprintable():
        return text_value
    out = []
    for ch in text_value:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:            # a byte that was not UTF-8
            out.append(f"\\{code - 0xDC00:03o}")
        elif 0xD800 <= code <= 0xDFFF:          # any other lone surrogate
            out.append(f"\\u{code:04x}")
        elif ch in _C_ESCAPES:
            out.append(_C_ESCAPES[ch])
        elif unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch != " ":
            out.append(f"\\{code:03o}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


_ODD_IN_PAGE = re.compile("[\udc80-\udcff\ud800-\udfff\x00-\x08\x0b-\x1f\x7f]")


def printable(value: object) -> object:
    """Text for a page or a JSON document: as ``visible`` but keeping newlines and tabs
    (command output is many lines). Anything that is not a string comes back as it is."""
    if not isinstance(value, str) or not _ODD_IN_PAGE.search(value):
        return value
    return "".join(visible(ch) if _ODD_IN_PAGE.match(ch) else ch for ch in value)


def printable_tree(value: object) -> object:
    """``printable`` through a JSON document's dicts and lists (``layerlab build --json``)."""
    if isinstance(value, dict):
        return {printable(k): printable_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [printable_tree(v) for v in value]
    return printable(value)


def esc(value: object) -> str:
    """Escape for a Graphviz HTML label (also keeps ``]`` and braces harmless)."""
    return html.escape(visible(value), quote=True)


def has(lang: str, key: str) -> bool:
    """Whether ``lang``'s own table has ``key`` (no English fallback)."""
    return key in _tables().get(lang, {})
