"""Turning recorded file trees (rows of path, kind, mode, uid, gid, size, target, mtime) into nodes.

The catalog stores trees as rows because that is what a tar listing gives and
it compresses well; the engine wants nodes. Files whose contents the catalog
did not keep get ``Inode(data=None, size=...)``: the size is real, the bytes
read as zeros. Hard links (kind ``h``) share the inode of their target, as
they do in a tar layer.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from app.engine.layer import Dir, File, Inode, Layer, Node, Symlink

Row = list  # [path, kind, mode, uid, gid, size, target, mtime]


def nodes_from_rows(rows: Iterable[Row], contents: dict[str, str] | None = None,
                    default_mtime: int = 0) -> Iterator[tuple[str, Node]]:
    """Yield (path, node) in the rows' order (parents before children, as tar lists them)."""
    contents = contents or {}
    inodes: dict[str, Inode] = {}
    for row in rows:
        path, kind, mode, uid, gid, size, target = row[:7]
        mtime = row[7] if len(row) > 7 and row[7] is not None else default_mtime
        if kind == "d":
            yield path, Dir(mode=mode, uid=uid, gid=gid, mtime=mtime)
        elif kind == "l":
            yield path, Symlink(target, uid=uid, gid=gid, mtime=mtime)
        elif kind == "h":
            inode = inodes.get(target)
            if inode is None:  # link to a file outside these rows: a copy, honestly sized 0
                inode = Inode(None, 0, mode, uid, gid, mtime)
            yield path, File(inode)
        elif kind == "f":
            text = contents.get(path)
            data = text.encode() if text is not None else None
            inode = Inode(data, size if data is None else len(data), mode, uid, gid, mtime)
            inodes[path] = inode
            yield path, File(inode)


def layer_from_rows(rows: Iterable[Row], contents: dict[str, str] | None = None) -> Layer:
    """A frozen layer holding exactly these rows (plus ``/`` if the rows lack it)."""
    layer = Layer()
    for path, node in nodes_from_rows(rows, contents):
        layer.put(path, node)
    if "/" not in layer:
        layer.put("/", Dir())
    return layer.freeze()


def rows_size(rows: Iterable[Row]) -> int:
    """Bytes as a layer counts them: regular files (hard links once) plus symlink targets."""
    total = 0
    for row in rows:
        if row[1] == "f":
            total += row[5]
        elif row[1] == "l":
            total += len(row[6].encode())
    return total


def with_parents(rows: list) -> list:
    """Rows with a directory row before each path whose parent no row names; a path listed
    twice keeps its first place and its last row, as a tar read back would."""
    rows = list({r[0]: r for r in rows}.values())
    known = {r[0] for r in rows}
    out = []
    for row in rows:
        parts = row[0].strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/" + "/".join(parts[:i])
            if d not in known:
                known.add(d)
                out.append([d, "d", 0o755, 0, 0, 0, None, 0])
        out.append(row)
    return out
