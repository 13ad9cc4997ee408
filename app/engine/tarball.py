"""A layer as the OCI image spec ships it: an uncompressed tar, and its IDs.

Why deterministic: a layer's DiffID is the sha256 of this tar, and two images
share a layer exactly when the DiffIDs match. So the same changeset must give
the same bytes every time: entries in a fixed order, and every header field
either taken from the layer (mode, uid, gid, mtime, link target) or fixed
(no user/group names, no device numbers, PAX format).

Order: a depth-first walk, parents before children; inside a directory the
opaque marker first, then whiteouts, then the other names, each group sorted
(the spec asks producers to put whiteouts before their siblings). Whiteouts
are empty files ``.wh.<name>``, an opaque directory is the directory plus
``<dir>/.wh..wh..opq`` (what moby writes), hard links are tar hard links to
the first name in that order, and contents the catalog does not know
(``data=None``) are zeros.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import tarfile
from typing import BinaryIO, Iterator, Sequence

from .layer import ZERO_CHUNK, Dir, Inode, Layer, Node, Symlink, Whiteout

WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"
WHITEOUT_MODE = 0o600  # moby's mode for whiteout files


class _Zeros(io.RawIOBase):
    """A file of ``size`` zero bytes, read without building it in memory."""

    def __init__(self, size: int):
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:  # type: ignore[override]
        n = min(len(buf), self.left, len(ZERO_CHUNK))
        buf[:n] = ZERO_CHUNK[:n]
        self.left -= n
        return n


class _HashSink(io.RawIOBase):
    """A write-only file that only hashes what it is given."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self.hash.update(data)
        return len(data)


def _group(layer: Layer, path: str, name: str) -> int:
    return 1 if isinstance(layer.get(posixpath.join(path, name)), Whiteout) else 2


def ordered_entries(layer: Layer) -> Iterator[tuple[str, Node | None]]:
    """(path, node) in tar order; node None is the opaque marker of ``path``'s dir."""
    def visit(path: str) -> Iterator[tuple[str, Node | None]]:
        node = layer.get(path)
        if path != "/" and node is not None:
            yield path, node
        if isinstance(node, Dir) and node.opaque:
            yield posixpath.join(path, OPAQUE_MARKER), None
        for name in sorted(layer.children(path), key=lambda n: (_group(layer, path, n), n)):
            yield from visit(posixpath.join(path, name))

    yield from visit("/")


def _header(name: str, type_: bytes, mode: int, uid: int, gid: int, mtime: int, size: int = 0,
            linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = type_
    info.mode = mode & 0o7777
    info.uid, info.gid = uid, gid
    info.uname = info.gname = ""
    info.mtime = mtime
    info.size = size
    info.linkname = linkname
    return info


def write_layer_tar(layer: Layer, out: BinaryIO) -> None:
    """Stream ``layer`` as an OCI layer tar into ``out``."""
    first_name: dict[int, str] = {}
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for path, node in ordered_entries(layer):
            rel = path.lstrip("/")
            if node is None:
                tar.addfile(_header(rel, tarfile.REGTYPE, WHITEOUT_MODE, 0, 0, 0))
            elif isinstance(node, Whiteout):
                head, tail = posixpath.split(rel)
                tar.addfile(_header(posixpath.join(head, WHITEOUT_PREFIX + tail), tarfile.REGTYPE,
                                    WHITEOUT_MODE, 0, 0, 0))
            elif isinstance(node, Dir):
                tar.addfile(_header(rel + "/", tarfile.DIRTYPE, node.mode, node.uid, node.gid,
                                    node.mtime))
            elif isinstance(node, Symlink):
                tar.addfile(_header(rel, tarfile.SYMTYPE, node.mode, node.uid, node.gid, node.mtime,
                                    linkname=node.target))
            else:
                ino: Inode = node.inode
                if id(ino) in first_name:
                    tar.addfile(_header(rel, tarfile.LNKTYPE, ino.mode, ino.uid, ino.gid, ino.mtime,
                                        linkname=first_name[id(ino)]))
                    continue
                first_name[id(ino)] = rel
                data = io.BytesIO(ino.data) if ino.data is not None else _Zeros(ino.size)
                tar.addfile(_header(rel, tarfile.REGTYPE, ino.mode, ino.uid, ino.gid, ino.mtime,
                                    ino.size), data)


def layer_tar(layer: Layer) -> bytes:
    """The layer's tar in memory (for downloads and tests; big layers: stream)."""
    buf = io.BytesIO()
    write_layer_tar(layer, buf)
    return buf.getvalue()


def _digest(layer: Layer) -> str:
    sink = _HashSink()
    write_layer_tar(layer, sink)  # type: ignore[arg-type]
    return "sha256:" + sink.hash.hexdigest()


def diff_id(layer: Layer) -> str:
    """``sha256:...`` of the uncompressed tar; computed once per frozen layer."""
    cached = layer._tar_digest
    if cached is not None:
        return cached
    digest = _digest(layer)
    if layer.frozen:
        layer._tar_digest = digest
    return digest


def chain_ids(layers: Sequence[Layer]) -> list[str]:
    """OCI ChainIDs: the first is its DiffID, then sha256(parent + " " + DiffID)."""
    out: list[str] = []
    for layer in layers:
        d = diff_id(layer)
        if not out:
            out.append(d)
        else:
            out.append("sha256:" + hashlib.sha256(f"{out[-1]} {d}".encode()).hexdigest())
    return out
