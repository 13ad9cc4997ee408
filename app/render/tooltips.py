"""Human titles for every drawn object: what a hover and a screen reader get.

Graphviz would title each object with its DOT name (``cluster_i_site``,
``op:e->c_c1:touched:e``); a ``tooltip`` replaces that (output.py moves it
into ``<title>``). A layer's tooltip is its instruction and size, a band's
its name and role, an edge's its label.
"""

from __future__ import annotations

import html
import re

from .labels import visible

MAX_TIP = 200


def plain(label: str) -> str:
    """Graphviz HTML-label markup -> one line of text."""
    no_breaks = re.sub(r"<BR[^>]*>", " ", label)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", no_breaks)).split())


def tip(value: str) -> str:
    """``tooltip="…"`` for a DOT attribute list: visible bytes, and the
    escString backslash (``\\N`` would become the node name) doubled."""
    line = " ".join(visible(value).split())
    if len(line) > MAX_TIP:
        line = line[: MAX_TIP - 1] + "…"
    return 'tooltip="' + line.replace("\\", "\\\\").replace('"', '\\"') + '"'


def tip_value(value: str) -> str:
    """The quoted value alone, for ``attrs()`` which adds its own quotes."""
    return tip(value)[len('tooltip="'):-1]
