"""Rows that may lack their folders (what maintainer scripts, npm and pip leave) go in as one by one would.

``PackageFiles.add_rows(make_parents=True)`` makes each missing folder first, as the script's
mkdir did, and puts the rows between two such mkdirs into the union in one bulk call. The
reference below is what it did before: ``add_node`` for each row. Upper layer, summary trace,
counts and the union's clock must be identical."""

from __future__ import annotations

import posixpath

import pytest

from app.catalog.package_files import PackageFiles, _stored_bytes
from app.catalog.trees import nodes_from_rows
from app.engine import Dir, File, Layer, Symlink, UnionFS
from tests.catalog.catalog_helpers import MiniContext


def _lower() -> Layer:
    layer = Layer()
    for path in ("/", "/usr", "/usr/share", "/usr/share/doc", "/var", "/var/lib"):
        layer.put(path, Dir())
    return layer.freeze()


ROWS = [  # [path, kind, mode, uid, gid, size, target, mtime]
    ["/usr/share/emacs/site-lisp/a.elc", "f", 0o644, 0, 0, 10, None, 5],
    ["/usr/share/emacs/site-lisp/b.elc", "f", 0o644, 0, 0, 20, None, 5],
    ["/usr/share/emacs/site-lisp/sub", "d", 0o755, 0, 0, 0, None, 5],
    ["/usr/share/emacs/site-lisp/sub/c.elc", "f", 0o644, 0, 0, 30, None, 5],
    ["/usr/share/doc", "d", 0o755, 0, 0, 0, None, 5],  # exists below: kept as it is
    ["/usr/share/doc/pkg/README", "f", 0o644, 0, 0, 7, None, 5],
    ["/var/lib/pkg/link", "l", 0o777, 0, 0, 0, "../x", 5],
    ["/usr/share/emacs/site-lisp/d.elc", "f", 0o644, 0, 0, 40, None, 5],
    ["/usr/share/emacs/site-lisp/a.elc", "f", 0o600, 0, 0, 11, None, 6],  # the same path again: replaced
]


def _reference(files: PackageFiles, rows) -> tuple[int, int]:
    """add_rows(make_parents=True) as it was: a mkdir for each missing parent, then add_node per row."""
    count = nbytes = 0
    known: set[str] = set()
    with files.fs.batch("unpack"):
        for path, node in nodes_from_rows(rows):
            parent = posixpath.dirname(path)
            if parent not in known:
                if not files.exists(parent):
                    files.fs.mkdir(parent, parents=True)
                known.add(parent)
            if isinstance(node, Dir) and files.exists(path):
                continue
            files.fs.add_node(path, node)
            count += 1
            nbytes += _stored_bytes(node)
    return count, nbytes


def _upper(union: UnionFS) -> list:
    out = []
    for path, node in sorted(union.upper.entries.items()):
        if isinstance(node, File):
            out.append((path, "f", node.inode.mode, node.inode.size, node.inode.mtime))
        elif isinstance(node, Dir):
            out.append((path, "d", node.mode, node.mtime, node.opaque))
        elif isinstance(node, Symlink):
            out.append((path, "l", node.target))
        else:
            out.append((path, type(node).__name__))
    return out


def _summary(ctx: MiniContext) -> list:
    return [([(c.letter, c.path) for c in t.changes], [(c.path, c.from_layer, c.kind) for c in t.copied_up],
             t.whiteouts, t.opaque_dirs) for t in ctx.traces]


@pytest.mark.parametrize("rows", [ROWS, ROWS[:4], ROWS[4:], list(reversed(ROWS))])
def test_rows_without_their_folders_go_in_as_one_by_one(rows):
    results = []
    for how in ("reference", "batched"):
        union = UnionFS([_lower()])
        ctx = MiniContext(union)
        files = PackageFiles(ctx)
        if how == "reference":
            counts = _reference(files, rows)
        else:
            counts = files.add_rows(rows, "pkg maintainer scripts", make_parents=True)
        results.append((_upper(union), _summary(ctx), counts, union.clock))
    assert results[0] == results[1]
    assert results[1][2][0] > 0
