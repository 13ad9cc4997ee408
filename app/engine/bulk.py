"""Many ``add_node`` calls at once: a package's files unpacked into the upper layer.

Why: dpkg unpacks some 29,000 files for the seed's emacs and apache2, and each
``add_node`` walks its path from the root through every layer, one component at
a time (the kernel's lookup rule): three quarters of a cold build. A package's
files come directory by directory, so the walk to a file's parent is nearly
always one just done. ``add_nodes`` remembers, for each parent path it met, the
physical directory that path resolved to and that directory's stack, taken
after the first add under it (so the directory and all its ancestors are in the
upper layer: nothing is left to copy up); the next file under it costs one
``_child`` lookup.

The result is by construction that of ``add_node(path, node, probes=False)``
for each pair, traces merged in order (tests/engine/test_bulk_add.py compares
the two on random trees): whatever could make a remembered stack wrong (a path
replaced, a directory's attributes replaced) forgets them all, and whatever the
shortcut does not cover (no parent remembered yet, a last name such as ``..``, a
relative path) goes add_node's own way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from .errors import FSError
from .layer import Dir, Node, Symlink
from .lookup import Stack, _Loc
from .trace import Trace

if TYPE_CHECKING:  # pragma: no cover
    from .union import UnionFS


def add_nodes(fs: "UnionFS", items: Iterable[tuple[str, Node]], keep_existing_dirs: bool,
              op: str) -> tuple[list[Node], Trace]:
    """See ``UnionFS.add_nodes``."""
    summary = Trace(op, "/")
    added: list[Node] = []
    parents: dict[str, tuple[str, Stack]] = {}  # a parent path as written -> (its physical path, its stack)
    for path, node in items:
        trace = summary
        parent, _, name = path.rpartition("/")
        plain = path.startswith("/") and name not in ("", ".", "..")
        known = parents.get(parent or "/") if plain else None
        try:
            if not known:
                trace = Trace("add", path)
            loc = _child_of(fs, known, name) if known else fs._resolve(path, trace, False, record=False)
            if keep_existing_dirs and isinstance(node, Dir) and _exists(fs, loc, path):
                if known and plain and isinstance(loc.node, Dir) and loc.stack[0][0] == fs.upper_index:
                    parents[path] = (loc.path, loc.stack)  # in the upper layer, and so are its ancestors
                continue  # dpkg leaves an existing directory alone
            replaces = loc.node is not None
            if known and not replaces:  # the common case: a new name in a known directory, straight in
                fs._create(loc, node, summary, parents_ready=True, fresh=True)
            else:
                if trace is summary:
                    trace = Trace("add", path)
                fs._add_at(loc, node, trace, parents_ready=known is not None)
        except FSError as exc:
            if exc.trace is not summary:
                summary.absorb(exc.trace)
            exc.trace = summary
            raise
        if trace is not summary:
            summary.absorb(trace)
        added.append(node)
        if replaces:  # a path replaced, or a directory's attributes: a remembered stack may show the old
            parents.clear()
            continue
        if plain and known is None:
            known = parents[parent or "/"] = (loc.parent, fs._stack_of(loc.parent))
        if plain and isinstance(node, Dir):  # a new directory: the next entries go in it
            parents[path] = (loc.path, fs._child(loc.path, known[1]))
    return added, summary


def _child_of(fs: "UnionFS", known: tuple[str, Stack], name: str) -> _Loc:
    """The location of ``name`` in a remembered directory: one lookup, as ``_resolve``'s last step."""
    physical, stack = known
    child = physical + "/" + name if physical != "/" else "/" + name
    return _Loc(child, physical, stack, fs._child(child, stack))


def _exists(fs: "UnionFS", loc: _Loc, path: str) -> bool:
    """``fs.exists(path)`` (symlinks followed) from the location already found."""
    if isinstance(loc.node, Symlink):
        return fs.exists(path)
    return loc.node is not None
