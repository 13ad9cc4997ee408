"""Fitting text into fixed-width boxes, and Graphviz HTML-label bits.

Every box of the diagram has one width (see dot.py), so text is clipped or
summarised *before* Graphviz sees it: paths lose their left end (the file
name is what students look for), long lines stop at a budget with "…", long
digests shrink to 8 hex digits. Widths are estimated in characters, CJK
characters counting double; the layout tests check the estimate holds.
"""

from __future__ import annotations

import html
import re
import weakref
from collections import Counter
from dataclasses import dataclass

from app.engine import Dir, File, Layer, Symlink, Whiteout

from .drawn import kept_index
from .labels import esc, text
from .sizes import human_size
from .style import GREY_TEXT

PATH_CHARS = 40
DETAIL_UNITS = 60     # characters of a 10 pt detail line in a box


def clip(value: str, limit: int) -> str:
    """Shorten to ``limit`` characters with an ellipsis (keeps box widths fixed)."""
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def clip_middle(value: str, limit: int) -> str:
    """Shorten by cutting the middle: two instructions that share a start
    (``RUN apt-get update && apt-get install -y emacs`` / ``… -y nginx``)
    keep the words that tell them apart, at the end."""
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    head = max(8, (limit - 1) * 2 // 5)
    # a flag the head cuts into (``--from=builder``) says where from: keep it whole
    word_start = value.rfind(" ", 0, head) + 1
    word_end = value.find(" ", head)
    if value.startswith("--", word_start) and 0 < word_end < limit * 2 // 3:
        head = word_end
    tail = limit - 3 - head   # " … " between them
    start, end = value[:head], value[-tail:]
    # cut at word boundaries when one is near, so no word is half shown
    cut = start.rfind(" ")
    if value[head] != " " and cut > head // 2:
        start = start[:cut]
    cut = end.find(" ")
    if value[-tail - 1] != " " and 0 <= cut < tail // 2:
        end = end[cut + 1:]
    return f"{start.rstrip()} … {end.lstrip()}"


def clip_path(path: str, limit: int = PATH_CHARS) -> str:
    """Shorten a path from the left: the file name is what students look for."""
    return path if len(path) <= limit else "…" + path[-(limit - 1):]


def text_units(value: str) -> int:
    """Rough width of ``value`` in Latin characters: CJK characters count twice."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in value)


def wrap(value: str, units: int, max_lines: int = 6) -> list[str]:
    """Lines of at most ``units`` (CJK characters count twice), broken at a
    space when one is near, else anywhere (Chinese has no spaces); at most
    ``max_lines``, the last ending in ``…`` when text was left out."""
    lines: list[str] = []
    for paragraph in value.splitlines() or [""]:
        line, width = "", 0
        for ch in paragraph:
            w = 2 if ord(ch) >= 0x2E80 else 1
            if width + w > units:
                cut = line.rfind(" ")
                if cut > units // 2:
                    lines.append(line[:cut])
                    line = line[cut + 1:]
                else:
                    lines.append(line)
                    line = ""
                width = text_units(line)
            line += ch
            width += w
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = clip(lines[-1] + " …", units) if text_units(lines[-1]) + 2 > units else lines[-1] + " …"
    return lines


def fit(items: list[str], budget: int = DETAIL_UNITS) -> str:
    """Join ``items`` with `` · `` while the line stays within ``budget`` (then ``…``).

    Items are plain text here and escaped on the way out: the budget is what
    keeps every box of a column the same width.
    """
    shown: list[str] = []
    used = 0
    for item in items:
        cost = text_units(item) + (3 if shown else 0)
        if used + cost > budget:
            shown.append("…")
            break
        shown.append(item)
        used += cost
    return " · ".join(esc(s) for s in shown)


def instruction(created_by: str) -> str:
    """``docker history`` CREATED BY text, without the legacy builder's shell prefix."""
    t = " ".join(created_by.split())
    if t.endswith(" # buildkit"):
        t = t[: -len(" # buildkit")]
    if t.startswith("RUN /bin/sh -c "):
        t = "RUN " + t[len("RUN /bin/sh -c "):]
    for prefix in ("/bin/sh -c #(nop) ", "/bin/sh -c #(nop)"):
        if t.startswith(prefix):
            return t[len(prefix):].strip()
    if t.startswith("/bin/sh -c "):
        return "RUN " + t[len("/bin/sh -c "):]
    return t


def shorten_digests(value: str) -> str:
    """``ADD file:6a6a9b3b4b5b…`` : long hex digests say nothing to a student."""
    return re.sub(r"([0-9a-f]{8})[0-9a-f]{8,}", r"\1…", value)


def font(value: str, colour: str = GREY_TEXT, size: int | None = None) -> str:
    size_attr = f' POINT-SIZE="{size}"' if size else ""
    return f'<FONT COLOR="{colour}"{size_attr}>{value}</FONT>'


def attrs(**values: object) -> str:
    parts = []
    for key, value in values.items():
        if isinstance(value, str) and value.startswith("<") and value.endswith(">"):
            parts.append(f"{key}={value}")
        else:
            parts.append(f'{key}="{value}"')
    return ", ".join(parts)


def plain(html_text: str) -> str:
    """Back from label markup to text, for items that ``fit`` escapes again."""
    return html.unescape(html_text)


@dataclass(frozen=True)
class LayerCounts:
    files: int      # regular files and symlinks
    dirs: int       # directories, / aside
    whiteouts: int


_counts: "weakref.WeakKeyDictionary[Layer, LayerCounts]" = weakref.WeakKeyDictionary()


def layer_counts(layer: Layer) -> LayerCounts:
    """What a layer holds, by kind: one pass at C speed, kept for a frozen layer (every step draws them)."""
    kept = _counts.get(layer) if layer.frozen else None
    if kept is not None:
        return kept
    index = kept_index(layer)
    if index is not None and type(layer.entries.get("/", Dir())) is Dir:
        # drawn.py sorted this layer's entries by kind already (a new layer's lines come first)
        whiteouts = len(index.whiteouts)
        counts = LayerCounts(index.count - len(index.dirs) - whiteouts, len(index.dirs), whiteouts)
    else:
        kinds = Counter(map(type, layer.entries.values()))
        root = layer.entries.get("/")
        counts = LayerCounts(kinds[File] + kinds[Symlink], kinds[Dir] - (1 if isinstance(root, Dir) else 0),
                             kinds[Whiteout])
    if layer.frozen:
        _counts[layer] = counts
    return counts


def count_items(layer: Layer, lang: str) -> list[str]:
    """"1,234 files · 56 dirs": what a layer holds, without listing it."""
    counts = layer_counts(layer)
    files, dirs, whiteouts = counts.files, counts.dirs, counts.whiteouts
    items = [plain(text(lang, "file_one" if files == 1 else "files", n=f"{files:,}"))]
    if dirs:
        items.append(plain(text(lang, "dir_one" if dirs == 1 else "dirs", n=f"{dirs:,}")))
    # a layer that deletes holds whiteouts: 0 B, and still a layer
    if whiteouts:
        items.append(plain(text(lang, "whiteout_one" if whiteouts == 1 else "whiteouts", n=f"{whiteouts:,}")))
    return items


def path_items(layer: Layer, limit: int = 4) -> list[str]:
    """A few paths that say what a layer holds: its files if it has few, else its top dirs.

    The top dirs come from the layer's child index of ``/`` (implicit parents
    included), not from a walk of every path."""
    if 0 < layer_counts(layer).files <= 2:
        files = [(p, n) for p, n in layer.entries.items() if isinstance(n, (File, Symlink))]
        return [f"{clip_path(p, 28)} ({human_size(n.size)})" for p, n in sorted(files, key=lambda x: x[0])]
    tops = sorted("/" + name for name in layer.children("/"))
    return tops[:limit] + (["…"] if len(tops) > limit else [])
