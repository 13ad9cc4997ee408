"""``docker diff`` of a writable layer: what the container layer (or the layer
a build step just made) holds, as A/C/D lines with a short explanation.

The letters are the ones students see in their terminal (A added, C changed,
D deleted), so the diagram never relies on colour alone. The explanation says
*how* overlayfs stored it: copied up from which layer and how many bytes, a
whiteout file, an opaque directory.
"""

from __future__ import annotations

import posixpath
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import AbstractSet as Set, Iterable, NamedTuple, Sequence

from app.engine import Dir, File, Layer, Node, Symlink, Trace, Whiteout


class DiffLine(NamedTuple):
    """One line; a named tuple, not a dataclass: a package install draws tens of thousands."""
    letter: str          # "A", "C" or "D"
    path: str
    kind: str            # "file", "dir", "symlink", "whiteout"
    how: str             # "new", "copied" (a traced copy-up), "hides", "whiteout", "opaque"
    from_layer: int | None = None   # lower layer index a copy-up came from
    size: int = 0        # bytes: of the copy-up source, or of the new file
    touched: bool = False  # named by this step's traces


def lower_node(lowers: Sequence[Layer], path: str) -> tuple[int, Node] | None:
    """The object a top-down search of ``lowers`` finds at ``path`` (index, node).

    Only the path itself is checked, parents are not walked: enough to tell
    "changed" from "added", which is all ``docker diff`` needs.
    """
    for index in range(len(lowers) - 1, -1, -1):
        node = lowers[index].get(path)
        if node is None:
            continue
        if isinstance(node, Whiteout):
            return None
        return index, node
    return None


def lower_indexes(paths: Iterable[str], lowers: Sequence[Layer]) -> dict[str, int]:
    """``lower_node``'s index for each of ``paths`` a lower layer shows, for all of them at once.

    Set intersections over the layers' keys, top layer first: the work is in C,
    one pass per lower layer over the smaller side (``keys() & set`` iterates the
    smaller; ``set.intersection(keys)`` would walk a 26,000-path layer for a few paths),
    never a Python loop per path and layer."""
    left = set(paths)
    found: dict[str, int] = {}
    for index in range(len(lowers) - 1, -1, -1):
        if not left:
            break
        entries = lowers[index].entries
        hits = entries.keys() & left
        left -= hits
        for path in hits:
            if type(entries[path]) is not Whiteout:
                found[path] = index
    return found


def touched_paths(upper: Layer, traces: Sequence[Trace], dirs: Set[str] | None = None) -> set[str]:
    """What this step is about: the operation's own paths, its whiteouts and
    opaque dirs, files it copied up or changed. Parent directories the
    kernel copied up on the way are not: they are drawn folded.

    ``dirs``: the upper layer's directories when the caller keeps them (drawn.py)."""
    direct = {t.path for t in traces} | {t.path2 for t in traces if t.path2}
    touched: set[str] = set()   # the changed paths first: a RUN's tens of thousands, added in C
    for t in traces:
        direct.update(t.whiteouts)
        direct.update(t.opaque_dirs)
        direct.update(c.path for c in t.copied_up if c.kind != "dir")
        touched.update(map(attrgetter("path"), t.changes))
    if dirs is None:
        dirs = {path for path in touched if type(upper.get(path)) is Dir}
    touched -= dirs
    touched |= direct
    return touched


def diff_lines(upper: Layer, lowers: Sequence[Layer], traces: Sequence[Trace] = (),
               ordered: bool = True) -> list[DiffLine]:
    """The upper layer's entries, sorted by path as ``docker diff`` prints them.

    ``ordered=False``: in no particular order, for a caller that shows a few
    lines of a big layer and sorts only those (tables.py): a package install's
    layer holds tens of thousands of paths."""
    copy_info = {c.path: c for t in traces for c in t.copied_up}
    touched = touched_paths(upper, traces)
    below = lower_indexes(upper.entries.keys(), lowers)
    entries = upper.items() if ordered else upper.entries.items()
    return [diff_line(path, node, below.get(path), copy_info, path in touched) for path, node in entries if path != "/"]


def diff_line(path: str, node: Node, below: int | None, copy_info: dict, mark: bool) -> DiffLine:
    """One entry of the upper layer; ``below``: the index of the lower layer that shows ``path``."""
    kind = type(node)
    if kind is Whiteout:
        return DiffLine("D", path, "whiteout", "whiteout", touched=mark)
    name = "dir" if kind is Dir else "symlink" if kind is Symlink else "file"
    if kind is Dir and node.opaque:
        return DiffLine("C" if below is not None else "A", path, name, "opaque", touched=mark)
    if below is None:
        return DiffLine("A", path, name, "new", size=0 if kind is Dir else node.size, touched=mark)
    if kind is Dir or path in copy_info:
        # a directory in the upper layer over a lower one is always a copy-up
        info = copy_info.get(path)
        return DiffLine("C", path, name, "copied", from_layer=info.from_layer if info else below,
                        size=info.size if info else 0, touched=mark)
    # Changed, but no trace says how: a copy-up then a write, or a new
    # file renamed over the old one (dpkg does that). Say only what is
    # sure: this file hides the one below.
    return DiffLine("C", path, name, "hides", from_layer=below, size=node.size, touched=mark)


def ancestor_dirs(paths) -> set[str]:
    """Every proper ancestor directory of ``paths`` (``/a/b/c`` -> ``/a``, ``/a/b``).

    Parents of all paths in one C-level pass (``map``), then parents of those
    parents, a level at a time: a layer has far fewer dirs than files."""
    level = _parents(paths)
    seen: set[str] = set()
    while level:
        level.discard("")
        level -= seen
        seen |= level
        level = _parents(level)
    return seen


def _parents(paths) -> set[str]:
    """``{path.rpartition("/")[0] for path in paths}``, without running Python code per path."""
    return set(map(itemgetter(0), map(str.rpartition, paths, repeat("/"))))


def whiteout_name(path: str) -> str:
    """The file overlayfs/OCI store for a deleted ``path``: ``.wh.<name>``."""
    return ".wh." + posixpath.basename(path)


OPAQUE_MARKER = ".wh..wh..opq"
