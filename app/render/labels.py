"""The diagram's words, loaded from labels.json (one table per language).

Texts live in a data file so a teacher can fix wording or add a language
without reading the renderer. Values may hold Graphviz HTML markup; the
values filled into ``{placeholders}`` are escaped here, so a path such as
``/tmp/<x>&y`` can never break the DOT.
"""

from __future__ import annotations

import html
import json
from functools import cache
from pathlib import Path

_FILE = Path(__file__).with_name("labels.json")


@cache
def _tables() -> dict[str, dict[str, str]]:
    return json.loads(_FILE.read_text(encoding="utf-8"))


def languages() -> list[str]:
    return [k for k in _tables() if not k.startswith("_")]


def text(lang: str, key: str, **values: object) -> str:
    """The label ``key`` in ``lang`` (English when missing), values escaped."""
    tables = _tables()
    table = tables.get(lang, tables["en"])
    template = table.get(key, tables["en"][key])
    return template.format(**{k: esc(v) for k, v in values.items()})


def esc(value: object) -> str:
    """Escape for a Graphviz HTML label (also keeps ``]`` and braces harmless)."""
    return html.escape(str(value), quote=True)
