"""Notes for the student in the page's language.

Notes are produced in English by the build (``/src did not exist: BuildKit
creates it…``). Each kind has a code and a template per language in
notes.json; ``translate`` finds the code from the English text (a bridge
until the build hands over codes and values) and fills the template. A note
of no known kind stays as it was.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

_FILE = Path(__file__).with_name("notes.json")


@cache
def _kinds() -> list[tuple[str, re.Pattern, dict[str, str]]]:
    data = json.loads(_FILE.read_text(encoding="utf-8"))
    return [(k["code"], re.compile(k["en"], re.S), {lang: v for lang, v in k.items() if lang not in ("code", "en")})
            for k in data["notes"]]


def code_of(note: str) -> tuple[str, dict[str, str]] | None:
    """(code, values) of an English note, or None for a note of no known kind."""
    for code, pattern, _ in _kinds():
        m = pattern.match(note)
        if m:
            return code, m.groupdict()
    return None


def translate(note: str, lang: str) -> str:
    """``note`` in ``lang``: English notes pass through, unknown kinds too."""
    if lang == "en":
        return note
    for _, pattern, templates in _kinds():
        m = pattern.match(note)
        if m and lang in templates:
            return templates[lang].format(**m.groupdict())
    return note

