"""``UnionFS.add_nodes`` (a package unpacked in one call) is exactly ``add_node`` called for each pair.

The bulk path remembers the stack of each parent directory it met (app/engine/bulk.py); if
that memory were ever wrong, a file would land in the wrong place, miss a copy-up or a whiteout,
or take the wrong group. Hypothesis draws lower layers (whiteouts, opaque directories,
symlinks to directories, set-group-ID directories), an upper layer, and a list of entries over
a few names (so they collide: a directory replaced by a file, a file under a symlink, ``..``,
a trailing slash, a ``.wh.`` name, the same path twice, hard links), and applies it both
ways: the upper layer (every attribute, the hard links), the merged view, the summary trace,
the nodes added and the error must be identical. ``add_node`` itself is held to the kernel by
test_kernel_differential.py and test_union_errors_and_add.py.

Default: 150 examples. More: ``LAYERLAB_BULK_EXAMPLES=3000``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.engine import Dir, File, Inode, Layer, Symlink, UnionFS
from app.engine.errors import FSError
from app.engine.layer import Whiteout
from app.verify.records import merged_records

EXAMPLES = int(os.environ.get("LAYERLAB_BULK_EXAMPLES", "150"))

NAMES = ["a", "b"]  # few names, so that entries collide within a list of 25
PATHS = ["/" + "/".join(p) for p in [(x,) for x in NAMES] + [(x, y) for x in NAMES for y in NAMES]
         + [(x, y, z) for x in NAMES for y in NAMES for z in NAMES]]
ODD_PATHS = ["/a/../b", "/a/b/", "relative/a", "/a/.wh.x", "/", "/a/.", "//a//b", "/c/a/..", "/a/b/c/d"]
paths = st.one_of(st.sampled_from(PATHS), st.sampled_from(PATHS), st.sampled_from(ODD_PATHS))
targets = st.sampled_from(["/a", "/b", "a", "../b", "/a/b", "/nowhere", "b/c"])
dir_modes = st.sampled_from([0o755, 0o2775, 0o700])
owners = st.sampled_from([0, 1000])
kinds = st.sampled_from(["file", "file", "dir", "dir", "symlink", "hardlink", "whiteout", "opaque"])


@st.composite
def layers(draw, lower: bool) -> Layer:
    layer = Layer()
    for path in sorted(draw(st.lists(st.sampled_from(PATHS), max_size=10, unique=True))):
        kind = draw(kinds)
        if kind in ("file", "hardlink"):
            layer.put(path, File(Inode(b"x", mode=0o644, uid=draw(owners), gid=draw(owners))))
        elif kind in ("dir", "opaque"):
            layer.put(path, Dir(draw(dir_modes), draw(owners), draw(owners), opaque=kind == "opaque"))
        elif kind == "symlink":
            layer.put(path, Symlink(draw(targets)))
        else:
            layer.put(path, Whiteout())
    return layer.freeze() if lower else layer


entries = st.lists(st.tuples(paths, st.sampled_from(["file", "file", "dir", "dir", "symlink", "hardlink"]),
                             dir_modes, owners), min_size=3, max_size=25)


def _nodes(specs) -> list[tuple[str, object]]:
    """Fresh nodes for one run (adding changes a node: its group, its opaque flag)."""
    nodes, inodes = [], []
    for number, (path, kind, mode, owner) in enumerate(specs):
        if kind == "hardlink" and inodes:
            node = File(inodes[number % len(inodes)])
        elif kind in ("file", "hardlink"):
            inodes.append(Inode(b"y" * number, mode=0o640, uid=owner, gid=owner, mtime=number))
            node = File(inodes[-1])
        elif kind == "dir":
            node = Dir(mode, owner, owner, mtime=number)
        else:
            node = Symlink(f"/t{number}")
        nodes.append((path, node))
    return nodes


def _upper(fs: UnionFS) -> list:
    """Every entry of the upper layer with every attribute; hard links as the first path of their inode."""
    first: dict[int, str] = {}
    out = []
    for path, node in sorted(fs.upper.entries.items()):
        if isinstance(node, File):
            ino = node.inode
            out.append((path, "file", ino.mode, ino.uid, ino.gid, ino.mtime, ino.data, ino.size,
                        first.setdefault(id(ino), path), fs.upper.nlink(ino)))
        elif isinstance(node, Dir):
            out.append((path, "dir", node.mode, node.uid, node.gid, node.mtime, node.opaque))
        else:
            out.append((path, type(node).__name__, getattr(node, "target", None)))
    return out


def _summary(trace) -> tuple:
    return ([(c.path, c.from_layer, c.size, c.kind) for c in trace.copied_up], trace.whiteouts, trace.opaque_dirs,
            [(c.letter, c.path) for c in trace.changes], trace.bytes_written)


def _one_by_one(fs: UnionFS, items, keep_existing_dirs: bool):
    """The reference: what PackageFiles.add_rows did before the bulk path."""
    from app.engine import Trace
    summary, added, error = Trace("add", "/"), [], None
    try:
        for path, node in items:
            if keep_existing_dirs and isinstance(node, Dir) and fs.exists(path):
                continue
            try:
                trace = fs.add_node(path, node, probes=False)
            except FSError as exc:
                summary.absorb(exc.trace)
                raise
            summary.absorb(trace)
            added.append(path)
    except FSError as exc:
        error = (type(exc).__name__, exc.path)
    return summary, added, error


def _bulk(fs: UnionFS, items, keep_existing_dirs: bool):
    try:
        nodes, summary = fs.add_nodes(items, keep_existing_dirs=keep_existing_dirs)
        return summary, [path for path, node in items if any(node is n for n in nodes)], None
    except FSError as exc:
        return exc.trace, None, (type(exc).__name__, exc.path)


def _tree(*dirs: str) -> Layer:
    layer = Layer()
    for path in dirs:
        layer.put(path, Dir())
    return layer.freeze()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bottom=layers(True), middle=layers(True), upper=layers(False), specs=entries, keep=st.booleans())
# a remembered directory replaced by a file: the next entry under it is ENOTDIR, never put under the file
@example(bottom=_tree("/a"), middle=_tree(), upper=Layer(), keep=False,
         specs=[("/a/b", "file", 0o755, 0), ("/a", "file", 0o755, 0), ("/a/a", "file", 0o755, 0)])
# the same path twice under a lower directory: the second replaces the first (D then A), as add_node does
@example(bottom=_tree("/a"), middle=_tree(), upper=Layer(), keep=False,
         specs=[("/a/b", "file", 0o755, 0), ("/a/a", "file", 0o755, 0), ("/a/a", "file", 0o755, 0)])
# a new set-group-ID directory: the file added in it next takes its group (its own stack, not its parent's)
@example(bottom=_tree(), middle=_tree(), upper=Layer(), keep=False,
         specs=[("/a", "dir", 0o2775, 1000), ("/a/b", "file", 0o755, 0)])
# an existing directory kept (dpkg) that is only in a lower layer: the file added in it copies it up
@example(bottom=_tree("/a", "/a/b"), middle=_tree(), upper=Layer(), keep=True,
         specs=[("/a/a", "file", 0o755, 0), ("/a/b", "dir", 0o755, 0), ("/a/b/a", "file", 0o755, 0)])
def test_add_nodes_is_add_node_for_each_entry(bottom, middle, upper, specs, keep):
    results = []
    for apply in (_one_by_one, _bulk):
        fs = UnionFS([bottom, middle], _copy(upper))
        summary, added, error = apply(fs, _nodes(specs), keep)
        results.append((_upper(fs), merged_records(fs), fs.clock, _summary(summary), error,
                        added if error is None else None))
    assert results[0] == results[1]


def _copy(layer: Layer) -> Layer:
    copy = Layer()
    for path, node in sorted(layer.entries.items()):
        copy.put(path, node)
    return copy


def test_a_package_tree_unpacked_in_bulk_copies_up_each_parent_once():
    lower = Layer()
    for path in ("/usr", "/usr/share", "/usr/share/doc"):
        lower.put(path, Dir())
    lower.put("/lib", Symlink("usr/lib"))
    lower.put("/usr/lib", Dir())
    fs = UnionFS([lower.freeze()])
    items = [("/usr/share/doc/pkg", Dir()), ("/usr/share/doc/pkg/README", File(Inode(b"r"))),
             ("/usr/share/doc/pkg/NEWS", File(Inode(b"n"))), ("/lib/libx.so", File(Inode(b"l")))]
    nodes, trace = fs.add_nodes(items)
    assert len(nodes) == 4
    assert [c.path for c in trace.copied_up] == ["/usr", "/usr/share", "/usr/share/doc", "/usr/lib"]
    assert [(c.letter, c.path) for c in trace.changes][-2:] == [("C", "/usr/lib"), ("A", "/usr/lib/libx.so")]
    assert isinstance(fs.upper.entries["/usr/lib/libx.so"], File)
