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


def _members(layer: Layer) -> Iterator[tuple[tarfile.TarInfo, Inode | None]]:
    """Each tar member's header, with the inode whose bytes follow it (None: no contents)."""
    first_name: dict[int, str] = {}
    for path, node in ordered_entries(layer):
        rel = path.lstrip("/")
        if node is None:
            yield _header(rel, tarfile.REGTYPE, WHITEOUT_MODE, 0, 0, 0), None
        elif isinstance(node, Whiteout):
            head, tail = posixpath.split(rel)
            yield _header(posixpath.join(head, WHITEOUT_PREFIX + tail), tarfile.REGTYPE, WHITEOUT_MODE, 0, 0, 0), None
        elif isinstance(node, Dir):
            yield _header(rel + "/", tarfile.DIRTYPE, node.mode, node.uid, node.gid, node.mtime), None
        elif isinstance(node, Symlink):
            yield _header(rel, tarfile.SYMTYPE, node.mode, node.uid, node.gid, node.mtime, linkname=node.target), None
        else:
            ino: Inode = node.inode
            if id(ino) in first_name:
                yield _header(rel, tarfile.LNKTYPE, ino.mode, ino.uid, ino.gid, ino.mtime,
                              linkname=first_name[id(ino)]), None
                continue
            first_name[id(ino)] = rel
            yield _header(rel, tarfile.REGTYPE, ino.mode, ino.uid, ino.gid, ino.mtime, ino.size), ino


def _zeros(size: int, write) -> None:
    view = memoryview(ZERO_CHUNK)
    while size > 0:
        n = min(size, len(ZERO_CHUNK))
        write(view[:n])
        size -= n


def write_layer_tar(layer: Layer, out: BinaryIO) -> None:
    """Stream ``layer`` as an OCI layer tar into ``out``.

    Each header is tarfile's own (``TarInfo.tobuf``, PAX format, as
    ``TarFile.addfile`` writes it); the rest of the stream is written here, the
    bytes ``TarFile`` would write (contents padded to 512-byte blocks, two zero
    blocks, zeros up to a 10240-byte record), because going through
    ``TarFile`` copied every zero of a catalog file through Python reads: most
    of the cost of a layer's DiffID. tests/engine/test_tarball.py checks the
    bytes against ``TarFile``'s.
    """
    write = out.write
    offset = 0
    for info, inode in _members(layer):
        header = info.tobuf(tarfile.PAX_FORMAT, tarfile.ENCODING, "surrogateescape")
        write(header)
        offset += len(header)
        if inode is None or not inode.size:
            continue
        if inode.data is not None:
            write(inode.data)
        else:
            _zeros(inode.size, write)
        padding = -inode.size % tarfile.BLOCKSIZE
        if padding:
            write(tarfile.NUL * padding)
        offset += inode.size + padding
    offset += 2 * tarfile.BLOCKSIZE
    write(tarfile.NUL * (2 * tarfile.BLOCKSIZE + (-offset % tarfile.RECORDSIZE)))


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
