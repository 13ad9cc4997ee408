"""Content hashes of files, cheap to ask for on every request.

A page's ETag names the content it depends on, so it needs the hashes of the
lesson files; reading and hashing them on every request would cost more than
the page. A file is hashed again only when its size or mtime changes, and a
folder is listed again only when the mtime of one of its directories changes
(adding, removing or renaming an entry changes its directory's mtime), so a
request costs one ``stat`` per file and per directory, and no listing.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

_hashes: dict[Path, tuple[int, int, str]] = {}  # path -> (mtime_ns, size, sha256 hex)


def file_hash(path: Path) -> str:
    """The sha256 of a file's bytes, recomputed only when its mtime or size changed.

    Only a regular file is read: opening a FIFO would wait for a writer forever
    (OSError for anything else, which the caller counts by name)."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL), str(path))
    hit = _hashes.get(path)
    if hit is not None and hit[0] == info.st_mtime_ns and hit[1] == info.st_size:
        return hit[2]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    _hashes[path] = (info.st_mtime_ns, info.st_size, digest)
    return digest


@dataclass(frozen=True)
class _Tree:
    """A folder as last listed: its directories' mtimes, its files, their stamps and the combined hash."""
    dirs: tuple[tuple[str, int | None], ...]
    files: tuple[Path, ...]
    stamps: tuple[tuple[int, int] | None, ...]
    digest: str


_trees: dict[Path, _Tree] = {}


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def _listed(root: Path) -> tuple[tuple[tuple[str, int | None], ...], tuple[Path, ...]]:
    dirs, files = [(str(root), _mtime(str(root)))], []
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts:  # compiled files differ between machines
            continue
        if path.is_dir():
            dirs.append((str(path), _mtime(str(path))))
        else:
            files.append(path)
    return tuple(dirs), tuple(files)


def _combined(root: Path, files: tuple[Path, ...]) -> str:
    combined = hashlib.sha256()
    for path in files:
        try:
            digest = file_hash(path)
        except OSError:
            digest = "unreadable"
        combined.update(f"{path.relative_to(root)}\0{digest}\n".encode())
    return combined.hexdigest()


def tree_hash(root: Path) -> str:
    """One hash for every file under ``root`` (names and contents), or for ``root`` if it is a file.

    Unreadable entries and dangling links count by name, so that they still change the hash."""
    root = Path(root)
    if root.is_file():
        return file_hash(root)
    if not root.is_dir():
        return hashlib.sha256().hexdigest()
    tree = _trees.get(root)
    if tree is None or any(_mtime(path) != mtime for path, mtime in tree.dirs):
        dirs, files = _listed(root)
        tree = _Tree(dirs, files, (), "")
    stamps = tuple(_stamp(path) for path in tree.files)
    if stamps != tree.stamps:
        tree = _Tree(tree.dirs, tree.files, stamps, _combined(root, tree.files))
        _trees[root] = tree
    return tree.digest
