"""``docker diff`` of a writable layer: what the container layer (or the layer
a build step just made) holds, as A/C/D lines with a short explanation.

The letters are the ones students see in their terminal (A added, C changed,
D deleted), so the diagram never relies on colour alone. The explanation says
*how* overlayfs stored it: copied up from which layer and how many bytes, a
whiteout file, an opaque directory.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Sequence

from app.engine import Dir, File, Layer, Node, Symlink, Trace, Whiteout


@dataclass(frozen=True)
class DiffLine:
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


def diff_lines(upper: Layer, lowers: Sequence[Layer], traces: Sequence[Trace] = ()) -> list[DiffLine]:
    """The upper layer's entries, sorted by path as ``docker diff`` prints them."""
    copy_info = {c.path: c for t in traces for c in t.copied_up}
    # What this step is about: the operation's own paths, its whiteouts and
    # opaque dirs, files it copied up or changed. Parent directories the
    # kernel copied up on the way are not: they are drawn folded.
    touched = {t.path for t in traces} | {t.path2 for t in traces if t.path2}
    touched |= {w for t in traces for w in t.whiteouts} | {o for t in traces for o in t.opaque_dirs}
    touched |= {c.path for t in traces for c in t.copied_up if c.kind != "dir"}
    touched |= {c.path for t in traces for c in t.changes if not isinstance(upper.get(c.path), Dir)}
    lines = []
    for path, node in upper.items():
        if path == "/":
            continue
        below = lower_node(lowers, path)
        mark = path in touched
        if isinstance(node, Whiteout):
            lines.append(DiffLine("D", path, "whiteout", "whiteout", touched=mark))
            continue
        kind = "dir" if isinstance(node, Dir) else "symlink" if isinstance(node, Symlink) else "file"
        if isinstance(node, Dir) and node.opaque:
            letter = "C" if below is not None else "A"
            lines.append(DiffLine(letter, path, kind, "opaque", touched=mark))
        elif below is None:
            size = node.size if isinstance(node, (File, Symlink)) else 0
            lines.append(DiffLine("A", path, kind, "new", size=size, touched=mark))
        elif path in copy_info or kind == "dir":
            # a directory in the upper layer over a lower one is always a copy-up
            info = copy_info.get(path)
            src_index = info.from_layer if info else below[0]
            size = info.size if info else 0
            lines.append(DiffLine("C", path, kind, "copied", from_layer=src_index, size=size, touched=mark))
        else:
            # Changed, but no trace says how: a copy-up then a write, or a new
            # file renamed over the old one (dpkg does that). Say only what is
            # sure: this file hides the one below.
            size = node.size if isinstance(node, (File, Symlink)) else 0
            lines.append(DiffLine("C", path, kind, "hides", from_layer=below[0], size=size, touched=mark))
    return lines


def ancestor_dirs(paths) -> set[str]:
    """Every proper ancestor directory of ``paths`` (``/a/b/c`` -> ``/a``, ``/a/b``)."""
    seen: set[str] = set()
    for path in paths:
        parent = path.rpartition("/")[0]
        while parent and parent not in seen:
            seen.add(parent)
            parent = parent.rpartition("/")[0]
    return seen


def whiteout_name(path: str) -> str:
    """The file overlayfs/OCI store for a deleted ``path``: ``.wh.<name>``."""
    return ".wh." + posixpath.basename(path)


OPAQUE_MARKER = ".wh..wh..opq"
