"""DOT text -> SVG or PNG, with the system's Graphviz ``dot``.

SVG is inlined into HTML pages, so the XML prolog, DOCTYPE and generator
comments are stripped; node and cluster ids come from the DOT (``id=``
attributes), so they stay the same from one step to the next and a page can
address them.

``quiet``: dot 2.43 prints a harmless "Arrow type" warning for some flat
edges with ports; a failing run still raises with dot's stderr attached.
"""

from __future__ import annotations

import re

import graphviz

_PROLOG = re.compile(r"\A\s*(?:<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*|<!--.*?-->\s*)*", re.S)


def to_svg(dot: str) -> str:
    """Render ``dot`` to an SVG fragment that starts at ``<svg``."""
    svg = graphviz.pipe("dot", "svg", dot.encode("utf-8"), quiet=True).decode("utf-8")
    return _PROLOG.sub("", svg, count=1)


def to_png(dot: str, dpi: int = 110) -> bytes:
    """Render ``dot`` to PNG bytes at ``dpi`` (110 reads well at 100% zoom).

    The resolution is a graph attribute added here, so ``scene_dot`` stays one
    text for both formats.
    """
    with_dpi = dot.replace("{", f"{{\n  graph [dpi={int(dpi)}];", 1)
    return graphviz.pipe("dot", "png", with_dpi.encode("utf-8"), quiet=True)
