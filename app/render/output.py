"""DOT text -> SVG or PNG, with the system's Graphviz ``dot``.

SVG is inlined into HTML pages, so the XML prolog, DOCTYPE and comments
(which repeat Graphviz node names) are stripped; node and cluster ids come
from the DOT (``id=`` attributes), so they stay the same from one step to the
next and a page can address them.

One scale for every step: the SVG carries its natural size in px (1 pt of
the layout = 4/3 px, as CSS counts), never a ``size`` that would shrink a
busy step; a page shows it 1:1 and lets the student scroll or pan it, so a
label has the same size on every step of a lesson.

Readable titles: Graphviz writes each object's DOT name into its
``<title>`` (``cluster_i_site``, ``op:e->…``), which browsers show on hover
and screen readers read. Every drawn object carries a ``tooltip`` (dot.py);
here that human text becomes its ``<title>``, and titles without one go.

Links: a box drawn with an ``href`` (Scene.links) becomes an SVG ``<a>``,
keyboard-focusable, whose accessible name is its tooltip (a ``<title>`` child).

``quiet``: dot 2.43 prints a harmless "Arrow type" warning for some flat
edges with ports; a failing run still raises with dot's stderr attached.
"""

from __future__ import annotations

import re

import graphviz

PX_PER_PT = 4 / 3

_PROLOG = re.compile(r"\A\s*(?:<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*|<!--.*?-->\s*)*", re.S)
_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)
_TITLED = re.compile(r'<title>[^<]*</title>(\n<g id="a_[^"]*"><a (?:xlink:href="[^"]*" )?xlink:title="([^"]*)">)')
_LINK = re.compile(r'<a xlink:href="([^"]*)" xlink:title="([^"]*)">')
_BARE_TITLE = re.compile(r'<title>[^<]*</title>(?!\n<g id="a_)\n?')
_BARE_AMP = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)")
_VIEWBOX = re.compile(r'viewBox="[0-9.]+ [0-9.]+ ([0-9.]+) ([0-9.]+)"')
_SIZE = re.compile(r'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"')


def to_svg(dot: str) -> str:
    """Render ``dot`` to an SVG fragment that starts at ``<svg``, sized in px at 1:1."""
    svg = graphviz.pipe("dot", "svg", dot.encode("utf-8"), quiet=True).decode("utf-8")
    svg = _PROLOG.sub("", svg, count=1)
    svg = _COMMENT.sub("", svg)
    svg = _TITLED.sub(lambda m: f"<title>{m.group(2)}</title>{m.group(1)}", svg)
    # a box with an href (the inspector's links) is an <a> named by a <title>
    # child (SVG-AAM; an aria-label would differ from the text the box shows,
    # which WCAG 2.5.3 forbids), with a plain href as well (SVG 2)
    # what is left is a Graphviz name without a human text: not for students
    svg = _BARE_TITLE.sub("", svg)
    svg = _LINK.sub(_link, svg)
    box = _VIEWBOX.search(svg)
    width, height = (box.group(1), box.group(2)) if box else (None, None)
    return _SIZE.sub(lambda m: f'<svg width="{px(width or m.group(1))}px" height="{px(height or m.group(2))}px"',
                     svg, count=1)


def _link(m: re.Match) -> str:
    url = _BARE_AMP.sub("&amp;", m.group(1))   # Graphviz writes a URL's & as is: not XML
    return f'<a href="{url}" xlink:href="{url}" xlink:title="{m.group(2)}"><title>{m.group(2)}</title>'


def px(points: str | float) -> int:
    """Layout points to CSS px at 1:1, rounded up so nothing is cut off."""
    value = float(points) * PX_PER_PT
    return int(value) + (0 if value == int(value) else 1)


def to_png(dot: str, dpi: int = 110) -> bytes:
    """Render ``dot`` to PNG bytes at ``dpi`` (110 reads well at 100% zoom).

    The resolution is a graph attribute added here, so ``scene_dot`` stays one
    text for both formats.
    """
    with_dpi = dot.replace("{", f"{{\n  graph [dpi={int(dpi)}];", 1)
    return graphviz.pipe("dot", "png", with_dpi.encode("utf-8"), quiet=True)
