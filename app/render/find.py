"""Find a file in the inspector: both trees filtered by a path, and the layers that hold a path.

A query is a glob when it has ``*``, ``?`` or ``[`` (Python's fnmatch), else
a plain substring of the path; both are case-sensitive, as paths are. A glob
with a ``/`` is matched against the whole path (``*`` crosses ``/``, as in
fnmatch); one without is matched against the name alone, as ``find -name``
does, so ``*.list`` and ``apache2*`` find what ``ls`` would show.

Speed: the paths of a layer and of a merged view are sorted once per process
(the layers of a played lesson are frozen; the merged view is cached by
inspect.merged_view) and every search is one pass over that tuple; only the
first ``LIMIT`` matches become entries.

``chain`` answers "which layer serves /etc/motd?": every layer up to ``top``
that holds the path (or hides it: a whiteout of it or of a parent, an opaque
parent, a file in place of a parent), top to bottom, with what each one does.
Knows engine types only; no Flask.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from app.engine import Layer
from app.engine.layer import Dir, Node, Whiteout, parent_of

from . import inspect
from .inspect import Entry, Stack

LIMIT = 100
MAX_QUERY = 200
GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class Found:
    query: str
    entries: list[Entry]     # the first LIMIT matches, by path
    total: int               # every match
    chain: list["Holder"]    # the layers holding the one path found (or the query's path), top first
    chain_path: str


@dataclass(frozen=True)
class Holder:
    """One layer on a path's chain: what it holds there and what that does to the merged view."""

    layer: int
    role: str                # "serves" | "merged" | "shadowed" | "whiteout" | "hidden" | "hides"
    entry: Entry | None      # what the layer holds at the path (None for "hides": it acts on a parent)
    by: int | None = None    # shadowed / hidden: the layer that does it
    cause: str = ""          # "hides": the parent it acts on, e.g. "/var/lib/apt (whiteout)"


def matches(query: str, paths: tuple[str, ...], names: tuple[str, ...]) -> list[str]:
    """The paths the query matches (see the module's docstring), in the order given.
    One pass, with the test bound outside the loop: ~35,000 paths take a few milliseconds."""
    if not GLOB_CHARS & set(query):
        return [p for p in paths if query in p]
    match = re.compile(fnmatch.translate(query)).match
    if "/" in query:
        return [p for p in paths if match(p)]
    return [p for p, name in zip(paths, names) if match(name)]


_PATHS: dict[int, tuple[object, tuple[str, ...], tuple[str, ...]]] = {}


def sorted_paths(owner: object, paths) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``paths`` sorted, and their last parts, once per process per (frozen) owner: a layer or a
    merged view (both cached by inspect while their build is)."""
    hit = _PATHS.get(id(owner))
    if hit is None or hit[0] is not owner:
        if len(_PATHS) >= inspect.CACHE_LIMIT * 2:
            _PATHS.pop(next(iter(_PATHS)))
        ordered = tuple(sorted(p for p in paths if p != "/"))
        hit = _PATHS[id(owner)] = (owner, ordered, tuple(p.rsplit("/", 1)[-1] for p in ordered))
    return hit[1], hit[2]


def find(stack: Stack, index: int, view: str, query: str) -> Found:
    """``view`` "changes": what layer ``index`` holds; "merged": what a container of the stack up to
    ``index`` sees, and what is hidden there on the way (struck through)."""
    query = query.strip()[:MAX_QUERY]
    if view == "merged":
        entries, total = _merged_matches(stack, index, query)
    else:
        entries, total = _change_matches(stack, index, query)
    paths = {e.path for e in entries}
    exact = inspect.directory(query) if query and not GLOB_CHARS & set(query) else ""
    path = exact if exact and any(_holds(layer, exact) for layer in stack.layers[: index + 1]) else (
        next(iter(paths)) if len(paths) == 1 and total == len(entries) else "")
    return Found(query, entries, total, chain(stack, index, path) if path else [], path)


def _holds(layer: Layer, path: str) -> bool:
    return layer.get(path) is not None or bool(layer.children(path))


def _change_matches(stack: Stack, index: int, query: str) -> tuple[list[Entry], int]:
    layer = stack.layers[index]
    hits = matches(query, *sorted_paths(layer, layer.entries))
    below = inspect.merged_view(stack, index - 1).nodes if index > 0 else {}
    sizes = inspect.layer_sizes(layer)
    return [inspect.change_entry(p, p, layer.get(p), below, sizes) for p in hits[:LIMIT]], len(hits)


def _merged_matches(stack: Stack, index: int, query: str) -> tuple[list[Entry], int]:
    view = inspect.merged_view(stack, index)
    hits = matches(query, *sorted_paths(view, view.nodes))
    hidden_at = _hidden_by_path(view)
    hidden = [h for p in matches(query, *sorted_paths(hidden_at, hidden_at)) for h in hidden_at[p]]
    entries = [inspect.visible_entry(view, p, p) for p in hits[:LIMIT]]
    entries += [inspect.hidden_entry(h, h.path) for h in hidden[: max(0, LIMIT - len(entries))]]
    return sorted(entries, key=lambda e: (e.path, e.hidden_by is not None)), len(hits) + len(hidden)


_HIDDEN: dict[int, tuple[inspect.Merged, dict[str, list[inspect.Hidden]]]] = {}


def _hidden_by_path(view: inspect.Merged) -> dict[str, list[inspect.Hidden]]:
    """What the merged view hides, by path (a path may be hidden in several layers), once per view."""
    hit = _HIDDEN.get(id(view))
    if hit is None or hit[0] is not view:
        if len(_HIDDEN) >= inspect.CACHE_LIMIT:
            _HIDDEN.pop(next(iter(_HIDDEN)))
        by_path: dict[str, list[inspect.Hidden]] = {}
        for items in view.hidden.values():
            for h in items:
                by_path.setdefault(h.path, []).append(h)
        hit = _HIDDEN[id(view)] = (view, by_path)
    return hit[1]


def chain(stack: Stack, top: int, path: str) -> list[Holder]:
    """The layers ``0..top`` that hold ``path`` or hide it, top first (see the module's docstring)."""
    holders: list[Holder] = []
    served: int | None = None
    served_dir = False
    blocked: tuple[int, str] | None = None     # (layer, role below it): nothing lower at ``path`` is visible
    for i in range(top, -1, -1):
        layer = stack.layers[i]
        node = layer.get(path)
        if node is not None or layer.children(path):
            entry = inspect.change_entry(path, path, node, {}, inspect.layer_sizes(layer))
            if blocked is not None:
                holders.append(Holder(i, blocked[1], entry, blocked[0]))
            elif isinstance(node, Whiteout):
                holders.append(Holder(i, "whiteout", entry))
                blocked = (i, "hidden")
            elif served is None:
                holders.append(Holder(i, "serves", entry))
                served, served_dir = i, node is None or isinstance(node, Dir)
                if not served_dir:
                    blocked = (i, "shadowed")
                elif node is not None and node.opaque:
                    blocked = (i, "hidden")
            elif served_dir and (node is None or isinstance(node, Dir)):
                holders.append(Holder(i, "merged", entry, served))
            else:
                holders.append(Holder(i, "shadowed", entry, served))
        if blocked is None:
            cause = _hiding_parent(layer, path)
            if cause:
                holders.append(Holder(i, "hides", None, cause=cause))
                blocked = (i, "hidden")
    return holders


def _hiding_parent(layer: Layer, path: str) -> str:
    """A parent of ``path`` that, in ``layer``, hides what lower layers hold at ``path``."""
    parent = path
    while parent != "/":
        parent = parent_of(parent)
        node: Node | None = layer.get(parent)
        if isinstance(node, Whiteout):
            return f"{parent} (whiteout)"
        if isinstance(node, Dir) and node.opaque:
            return f"{parent} (opaque)"
        if node is not None and not isinstance(node, Dir):
            return f"{parent} ({node.type})"
    return ""
