"""What a step did, in the order a student should read it.

From the engine's traces this builds the numbered story of the diagram:
1 the search down the layers (and where it stopped), 2 the copy-up from the
layer that held the file, 3 the write into the writable layer; or a read, a
whiteout, an opaque directory, a failure. It speaks in layer indexes of the
target's stack (0 = bottom, ``upper`` = the writable layer) and label keys;
``dot.py`` turns those into nodes and words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain, compress
from operator import attrgetter, not_
from typing import Sequence

from app.engine import File, Layer, Symlink, Trace, Whiteout

from .diff import ancestor_dirs

OP = "op"
UPPER = "upper"


@dataclass
class Edge:
    src: str | int          # OP, UPPER or a layer index
    dst: str | int
    key: str                # label key in labels.json
    values: dict = field(default_factory=dict)
    kind: str = "write"     # copyup, write, read, error: picks the edge style


@dataclass
class Highlight:
    """A path worth naming inside a read-only layer for this step."""

    kind: str               # found, copy, hidden_wh, hidden_opq
    path: str
    size: int | None = None


@dataclass
class Story:
    probe_path: str | None = None
    markers: dict[int, str] = field(default_factory=dict)       # layer index -> probe result
    highlights: dict[int, list[Highlight]] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    via: str | None = None           # the path asked for, when a symlink led elsewhere
    error: str | None = None         # errno name
    stopped_by_whiteout: int | None = None  # layer whose whiteout ended a failed search


def _main_probes(trace: Trace) -> tuple[str | None, list]:
    """The probes for the path the operation is about (not its parent dirs)."""
    mine = [p for p in trace.probes if p.path == trace.path]
    if not mine and trace.probes:
        last = trace.probes[-1].path
        mine = [p for p in trace.probes if p.path == last]
    return (mine[0].path if mine else None), mine


def _size_at(layers: Sequence[Layer], index: int, path: str) -> int | None:
    if 0 <= index < len(layers):
        node = layers[index].get(path)
        if isinstance(node, (File, Symlink)):
            return node.size
    return None


def tell(traces: Sequence[Trace], layers: Sequence[Layer], upper: int) -> Story:
    """The story of ``traces`` over ``layers`` (lowers then upper, bottom first), in numbered steps:
    1 the search down the layers, 2 the copy-up, 3 the write (or the read, or the error)."""
    story = Story()
    if not traces:
        return story
    # One operation often makes several traces on one path (the shell's
    # ``>>`` opens, copies up, then appends): they tell one story, led by the
    # first. Traces on many paths (a RUN step) get no search drawn.
    single = traces[0] if len({t.path for t in traces}) == 1 else None
    step = 1
    if single is not None and single.probes and _tell_search(story, single, traces, layers, upper):
        step += 1
    copies = [c for t in traces for c in t.copied_up if c.kind != "dir"]
    if _tell_copies(story, copies, step):
        step += 1
    _tell_change(story, single, traces, layers, upper, copies, step)
    story.error = next((t.error for t in traces if t.error), None)
    if story.error and story.stopped_by_whiteout is not None:
        story.edges.append(Edge(story.stopped_by_whiteout, OP, "edge_error",
                                {"n": step, "code": story.error}, "error"))
    return story


def _tell_search(story: Story, single: Trace, traces: Sequence[Trace], layers: Sequence[Layer],
                 upper: int) -> bool:
    """Mark each layer the search looked at; True when there is a search to draw."""
    story.probe_path, probes = _main_probes(single)
    stopped = False
    for p in sorted(probes, key=lambda p: -p.layer):
        if stopped and p.result == "miss":
            continue   # a search ends at the layer that answers: nothing below it is drawn as searched
        story.markers[p.layer] = p.result
        stopped = stopped or p.result in ("found", "whiteout", "opaque")
        if p.result == "whiteout" and any(t.error for t in traces):
            story.stopped_by_whiteout = p.layer
    if story.probe_path != single.path:
        story.via = single.path   # the search followed a symlink
    final = layers[upper] if upper < len(layers) else None
    if story.markers.get(upper) == "miss" and final is not None and final.get(story.probe_path) is not None:
        # The search ran before the write: the layer written to holds the
        # path now, so "not here" inside it would contradict the picture.
        del story.markers[upper]
    # The search is drawn inside the layers (a numbered line in each one it
    # looked at), not as an edge: an edge from the op box would cross the
    # write edge in the narrow gap beside the top band.
    return bool(story.markers)


def _tell_copies(story: Story, copies: list, step: int) -> bool:
    """One copy-up edge per layer the files came from; True when anything was copied up."""
    by_source: dict[int, list] = {}
    for c in copies:
        by_source.setdefault(c.from_layer, []).append(c)
        story.highlights.setdefault(c.from_layer, []).append(Highlight("copy", c.path, c.size))
    for source in sorted(by_source, reverse=True):
        group = by_source[source]
        size = sum(c.size for c in group)
        if len(group) == 1:
            edge = Edge(source, UPPER, "edge_copyup", {"n": step, "size": size}, "copyup")
        else:
            edge = Edge(source, UPPER, "edge_copyup_many",
                        {"n": step, "size": size, "count": len(group)}, "copyup")
        story.edges.append(edge)
    return bool(copies)


def _tell_change(story: Story, single: Trace | None, traces: Sequence[Trace], layers: Sequence[Layer],
                 upper: int, copies: list, step: int) -> None:
    """The write into the container layer (what it did, hidden files), or the read's answer."""
    whiteouts = [w for t in traces for w in t.whiteouts]
    opaques = [o for t in traces for o in t.opaque_dirs]
    changes = list(chain.from_iterable(t.changes for t in traces))
    final = layers[upper] if upper < len(layers) else None
    for w in whiteouts:
        if final is not None and not isinstance(final.get(w), Whiteout):
            continue  # deleted, then made again in the same step: replaced, not hidden by a whiteout
        _mark_hidden(story, layers, upper, w, "hidden_wh", lambda lay, p=w: _holds(lay, p))
    for o in opaques:
        _mark_hidden(story, layers, upper, o, "hidden_opq", lambda lay, p=o: _holds_below(lay, p))
    if changes or whiteouts or opaques:
        key = _write_key(single, changes, whiteouts, opaques, copies)
        story.edges.append(Edge(OP, UPPER, key, {"n": step}, "write"))
    elif single is not None and single.error is None and single.found_in is not None:
        path = story.probe_path or single.path
        size = single.bytes_read or _size_at(layers, single.found_in, path) or 0
        story.highlights.setdefault(single.found_in, []).append(Highlight("found", path, size))
        story.edges.append(Edge(single.found_in, OP, "edge_read", {"n": step, "size": size}, "read"))


def _write_key(single: Trace | None, changes: list, whiteouts: list, opaques: list, copies: list) -> str:
    """What the write edge says: the first change on the operation's path tells what it did to
    it; for many paths (a RUN), the changes that are not just parent dirs (looked at only when
    it matters: a RUN's tens of thousands of changes)."""
    if copies:
        return "edge_write"
    if single is not None:
        if single.path in opaques:
            return "edge_opaque"
        main = {next((c.letter for c in changes if c.path == single.path), "")}
        if main == {"D"} and whiteouts:
            return "edge_whiteout"
        return "edge_new" if main == {"A"} else "edge_write"
    if whiteouts and _leaf_letters(changes) == {"D"}:
        return "edge_whiteout"
    return "edge_write"


def _leaf_letters(changes: list) -> set[str]:
    """The letters of the changes whose path is no other change's parent dir (C-level passes)."""
    paths = list(map(attrgetter("path"), changes))
    ancestors = ancestor_dirs(paths)
    return set(compress(map(attrgetter("letter"), changes), map(not_, map(ancestors.__contains__, paths))))


def _holds(layer: Layer, path: str) -> bool:
    node = layer.get(path)
    return node is not None and not isinstance(node, Whiteout)


def _holds_below(layer: Layer, path: str) -> bool:
    return bool(layer.children(path))


def _mark_hidden(story: Story, layers, upper: int, path: str, kind: str, test) -> None:
    """Name ``path`` in the topmost lower layer it is now hidden in."""
    for index in range(min(upper, len(layers)) - 1, -1, -1):
        if test(layers[index]):
            story.highlights.setdefault(index, []).append(Highlight(kind, path))
            return
