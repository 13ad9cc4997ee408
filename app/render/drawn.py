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
from operator import attrgetter, is_, neg
from typing import NamedTuple, Sequence

from app.engine import Dir, File, Layer, Symlink, Trace, Whiteout

from .diff import DiffLine, ancestor_dirs, diff_line, lower_indexes, touched_paths
from .style import MAX_COPY_LINES, MAX_DIFF_LINES

FIRST_PARENTS = 12
"""Folded parent dirs named per letter: more than a 24-unit ``fit`` can ever show."""


class LayerIndex(NamedTuple):
    """What a layer holds, by kind, for picking lines: independent of any step."""
    paths: frozenset[str]        # every entry but /
    dirs: frozenset[str]         # Dir entries (opaque ones too)
    plain_dirs: frozenset[str]   # Dir entries that are not opaque
    opaque: frozenset[str]
    whiteouts: frozenset[str]
    parents: frozenset[str]      # proper ancestors of entries (implicit ones too), / aside
    by_size: list[tuple[int, str]]   # (-size, path) of every entry but /, in no order
    size_paths: list[str]        # the paths of ``by_size``, in its order


_indexes: "weakref.WeakKeyDictionary[Layer, LayerIndex]" = weakref.WeakKeyDictionary()


def _of_type(paths: list, nodes: list, types: list, kind: type) -> tuple[list, list]:
    picks = list(map(is_, types, repeat(kind)))
    return list(compress(paths, picks)), list(compress(nodes, picks))


def _build_index(layer: Layer) -> LayerIndex:
    """One pass per kind, all in C (map, compress, attrgetter): no Python code runs per entry."""
    entries = dict(layer.entries)
    entries.pop("/", None)
    paths, nodes = list(entries), list(entries.values())
    types = list(map(type, nodes))
    file_paths, files = _of_type(paths, nodes, types, File)
    link_paths, links = _of_type(paths, nodes, types, Symlink)
    dir_paths, dirs = _of_type(paths, nodes, types, Dir)
    whiteouts = list(compress(paths, map(is_, types, repeat(Whiteout))))
    opaque = frozenset(compress(dir_paths, map(attrgetter("opaque"), dirs)))
    link_sizes = map(len, map(str.encode, map(attrgetter("target"), links)))
    by_size = list(zip(map(neg, map(attrgetter("inode.size"), files)), file_paths))
    by_size += zip(map(neg, link_sizes), link_paths)
    by_size += zip(repeat(0), dir_paths + whiteouts)
    all_dirs = frozenset(dir_paths)
    return LayerIndex(frozenset(paths), all_dirs, all_dirs - opaque, opaque, frozenset(whiteouts),
                      frozenset(ancestor_dirs(paths)), by_size, file_paths + link_paths + dir_paths + whiteouts)


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


def _biggest(index: LayerIndex, among: set[str], count: int) -> list[str]:
    """The ``count`` biggest paths of ``among`` (ties by path): a C-level filter, then a heap."""
    if count <= 0 or not among:
        return []
    keep = map(among.__contains__, index.size_paths)
    return [path for _, path in heapq.nsmallest(count, compress(index.by_size, keep))]


def drawn_lines(upper: Layer, lowers: Sequence[Layer], traces: Sequence[Trace] = ()) -> Drawn:
    """The lines a box draws of ``upper`` over ``lowers`` for this step's ``traces``."""
    index = layer_index(upper)
    copy_info = {c.path: c for t in traces for c in t.copied_up}
    touched = touched_paths(upper, traces, index.dirs)
    # where a lower layer shows the path: needed for dirs (folded or copied up) and copy-ups
    # here, for the few other lines drawn below
    below = lower_indexes(index.dirs | (copy_info.keys() & index.paths), lowers)
    folded = (index.plain_dirs & index.parents) - touched
    shown_count = len(index.paths) - len(folded)

    def line(path: str) -> DiffLine:
        return diff_line(path, upper.entries[path], below.get(path), copy_info, path in touched)

    lowered = below.keys()
    copied = ((index.plain_dirs & lowered) - folded) | ((copy_info.keys() & lowered & index.paths) - index.dirs - index.whiteouts)
    specials = {how: [line(p) for p in paths] for how, paths in
                (("copied", copied), ("whiteout", index.whiteouts), ("opaque", index.opaque))}
    if shown_count > MAX_DIFF_LINES:
        keep: list[DiffLine] = []
        for how in ("copied", "whiteout", "opaque"):
            keep += _ranked(specials[how], MAX_COPY_LINES - 1)
        kept = {ln.path for ln in keep}
        plain = index.paths - folded - copied - index.whiteouts - index.opaque
        best = _biggest(index, plain & touched, MAX_DIFF_LINES)
        best += _biggest(index, plain - touched, MAX_DIFF_LINES - len(best)) if len(best) < MAX_DIFF_LINES else []
        below.update(lower_indexes(best, lowers))
        rest = [ln for lines in specials.values() for ln in lines if ln.path not in kept]
        keep += _ranked(rest + [line(p) for p in best], MAX_DIFF_LINES)
        shown = sorted(keep[: MAX_DIFF_LINES - 1], key=attrgetter("path"))
    else:
        below.update(lower_indexes(index.paths - folded, lowers))
        shown = sorted((line(p) for p in index.paths - folded), key=attrgetter("path"))
    parents = {}
    for letter, group in (("C", folded & lowered), ("A", folded - lowered)):
        if group:
            parents[letter] = (len(group), heapq.nsmallest(FIRST_PARENTS, group))
    return Drawn(len(index.paths), shown, shown_count - len(shown), parents)

