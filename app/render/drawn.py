"""The few ``docker diff`` lines a box draws of a big layer, without a line per entry.

A package install's layer holds tens of thousands of paths and a box shows
nine of them. Building a ``DiffLine`` for every entry and ranking them all
cost several times the ``dot`` call itself, so the work is split in two:

- what does not depend on the step (which paths are directories, opaque
  dirs, whiteouts, parents of other entries, every entry's size) is read
  once per frozen layer, with C-level ``map``/``compress`` passes, and kept
  (``layer_index``); layers are frozen once and shared by every step;
- per step, set operations over those paths and the step's touched paths
  pick the candidates, ``heapq.nsmallest`` the few biggest, and lines are
  built only for the small groups (copy-ups, whiteouts, opaque dirs) and
  for what is drawn.

The choice is the one ``diff_rows`` always made (tests/render/test_drawn_lines.py
checks it against the plain one on random layers with ties): this step's
lines first, then copy-ups, deletions and opaque dirs, then the biggest.
"""

from __future__ import annotations

import heapq
import weakref
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter, is_, is_not, le, neg
from typing import AbstractSet, NamedTuple, Sequence

from app.engine import Dir, File, Layer, Symlink, Trace, Whiteout

from .diff import DiffLine, diff_line, lower_indexes, touched_paths
from .style import MAX_COPY_LINES, MAX_DIFF_LINES

BIGGEST = 64
"""Paths kept in size order per layer: a step picks its few biggest lines from these
unless fewer than nine of them are its candidates (then it filters all of them)."""

FIRST_PARENTS = 12
"""Folded parent dirs named per letter: more than a 24-unit ``fit`` can ever show."""


class LayerIndex(NamedTuple):
    """What a layer holds, by kind, for picking lines: independent of any step."""
    count: int                   # entries but /
    dirs: frozenset[str]         # Dir entries (opaque ones too)
    plain_dirs: frozenset[str]   # Dir entries that are not opaque
    opaque: frozenset[str]
    whiteouts: frozenset[str]
    parents: frozenset[str]      # proper ancestors of entries (implicit ones too), / aside
    sizes: list[int]             # every entry's size but /'s (ints: no tuple per entry) ...
    size_paths: list[str]        # ... and its path, in the same order
    biggest: list[str]           # the first ``BIGGEST`` paths by (size desc, path): most steps pick from these


_indexes: "weakref.WeakKeyDictionary[Layer, LayerIndex]" = weakref.WeakKeyDictionary()


def _of_type(paths: list, nodes: list, types: list, kind: type) -> tuple[list, list]:
    picks = list(map(is_, types, repeat(kind)))
    return list(compress(paths, picks)), list(compress(nodes, picks))


def _build_index(layer: Layer) -> LayerIndex:
    """One pass per kind, all in C (map, compress, attrgetter): no Python code runs per entry."""
    paths, nodes = list(layer.entries), list(layer.entries.values())
    if "/" in layer.entries:
        at = paths.index("/")
        del paths[at], nodes[at]
    types = list(map(type, nodes))
    file_paths, files = _of_type(paths, nodes, types, File)
    others = list(map(is_not, types, repeat(File)))   # the few that are not files, for the other kinds
    paths, nodes, types = list(compress(paths, others)), list(compress(nodes, others)), list(compress(types, others))
    link_paths, links = _of_type(paths, nodes, types, Symlink)
    dir_paths, dirs = _of_type(paths, nodes, types, Dir)
    whiteouts = list(compress(paths, map(is_, types, repeat(Whiteout))))
    opaque = frozenset(compress(dir_paths, map(attrgetter("opaque"), dirs)))
    sizes = list(map(attrgetter("inode.size"), files))
    sizes += map(len, map(str.encode, map(attrgetter("target"), links)))
    sizes += repeat(0, len(dir_paths) + len(whiteouts))
    all_dirs = frozenset(dir_paths)
    size_paths = file_paths + link_paths + dir_paths + whiteouts
    return LayerIndex(len(size_paths), all_dirs, all_dirs - opaque, opaque, frozenset(whiteouts),
                      frozenset(layer.parent_dirs() - {"/"}), sizes, size_paths,
                      _top(sizes, size_paths, BIGGEST))


def kept_index(layer: Layer) -> LayerIndex | None:
    """The index of a frozen layer if one was built already (never builds one)."""
    return _indexes.get(layer) if layer.frozen else None


def layer_index(layer: Layer) -> LayerIndex:
    """The index of ``layer``: kept for a frozen layer (its entries never change), fresh otherwise."""
    if not layer.frozen:
        return _build_index(layer)
    kept = _indexes.get(layer)
    if kept is None:
        kept = _indexes[layer] = _build_index(layer)
    return kept


@dataclass
class Drawn:
    """What a box shows of a writable layer's ``docker diff``."""
    total: int                      # lines before folding parents: 0 = the layer is empty
    shown: list[DiffLine]           # sorted by path
    hidden: int                     # lines left out ("… n more")
    parents: dict[str, tuple[int, list[str]]]   # letter -> (how many folded, the first paths sorted)


def _ranked(lines, count: int) -> list[DiffLine]:
    return heapq.nsmallest(count, lines, key=lambda ln: (not ln.touched, -ln.size, ln.path))


def _top(sizes: list[int], paths, count: int) -> list[str]:
    """The ``count`` biggest of ``paths`` (``sizes`` in the same order), ties by path: a size
    cut in C first, tuples only for the sizes that can win."""
    if len(sizes) > count:
        least = heapq.nlargest(count, sizes)[-1] if count > 0 else 0
        wins = list(map(le, repeat(least), sizes))
        sizes, paths = compress(sizes, wins), compress(paths, wins)
    return [path for _, path in sorted(zip(map(neg, sizes), paths))[:count]]


def _biggest(index: LayerIndex, among: AbstractSet[str], inside: bool, count: int) -> list[str]:
    """The ``count`` biggest paths inside ``among`` (or outside it), ties by path: from the
    layer's first ``BIGGEST`` when enough of them qualify, else filtered from every entry in C."""
    if count <= 0:
        return []
    first = list(compress(index.biggest, map(is_, map(among.__contains__, index.biggest), repeat(inside))))
    if len(first) >= count or len(index.biggest) == index.count:
        return first[:count]
    picks = list(map(is_, map(among.__contains__, index.size_paths), repeat(inside)))
    return _top(list(compress(index.sizes, picks)), compress(index.size_paths, picks), count)


def _biggest_touched(index: LayerIndex, touched: set[str], count: int, but: set[str]) -> list[str]:
    """The ``count`` biggest of ``touched`` not in the (small) ``but``."""
    best = _biggest(index, touched, True, count + len(but & touched))
    return [path for path in best if path not in but][:count]


def _biggest_untouched(index: LayerIndex, touched: set[str], count: int, but: set[str]) -> list[str]:
    """The ``count`` biggest paths in neither ``touched`` nor ``but`` (asked only when few were touched)."""
    if count <= 0:
        return []
    return _biggest(index, touched | but, False, count)


def drawn_lines(upper: Layer, lowers: Sequence[Layer], traces: Sequence[Trace] = ()) -> Drawn:
    """The lines a box draws of ``upper`` over ``lowers`` for this step's ``traces``."""
    index = layer_index(upper)
    copy_info = {c.path: c for t in traces for c in t.copied_up}
    touched = touched_paths(upper, traces, index.dirs)
    # where a lower layer shows the path: needed for dirs (folded or copied up) and copy-ups
    # here, for the few other lines drawn below
    below = lower_indexes(index.dirs | (copy_info.keys() & upper.entries.keys()), lowers)
    folded = (index.plain_dirs & index.parents) - touched
    shown_count = index.count - len(folded)

    def line(path: str) -> DiffLine:
        return diff_line(path, upper.entries[path], below.get(path), copy_info, path in touched)

    lowered = below.keys()
    copied = ((index.plain_dirs & lowered) - folded) | ((copy_info.keys() & lowered & upper.entries.keys()) - index.dirs - index.whiteouts)
    specials = {how: [line(p) for p in paths] for how, paths in
                (("copied", copied), ("whiteout", index.whiteouts), ("opaque", index.opaque))}
    if shown_count > MAX_DIFF_LINES:
        keep: list[DiffLine] = []
        for how in ("copied", "whiteout", "opaque"):
            keep += _ranked(specials[how], MAX_COPY_LINES - 1)
        kept = {ln.path for ln in keep}
        special = folded | copied | index.whiteouts | index.opaque
        best = _biggest_touched(index, touched, MAX_DIFF_LINES, special)
        best += _biggest_untouched(index, touched, MAX_DIFF_LINES - len(best), special)
        below.update(lower_indexes(best, lowers))
        rest = [ln for lines in specials.values() for ln in lines if ln.path not in kept]
        keep += _ranked(rest + [line(p) for p in best], MAX_DIFF_LINES)
        shown = sorted(keep[: MAX_DIFF_LINES - 1], key=attrgetter("path"))
    else:
        rest = set(index.size_paths) - folded
        below.update(lower_indexes(rest, lowers))
        shown = sorted(map(line, rest), key=attrgetter("path"))
    parents = {}
    for letter, group in (("C", folded & lowered), ("A", folded - lowered)):
        if group:
            parents[letter] = (len(group), heapq.nsmallest(FIRST_PARENTS, group))
    return Drawn(index.count, shown, shown_count - len(shown), parents)

