"""Content hashes of files, cheap to ask for on every request.

A page's ETag names the content it depends on, so it needs the hashes of the
lesson files; reading and hashing them on every request would cost more than
the page. A file is hashed again only when its size or mtime changes, so a
request costs one ``stat`` per file.
"""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

_hashes: dict[Path, tuple[int, int, str]] = {}  # path -> (mtime_ns, size, sha256 hex)


def file_hash(path: Path) -> str:
    """The sha256 of a file's bytes, recomputed only when its mtime or size changed."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):  # a FIFO would block the read forever
        raise OSError(f"{path}: not a regular file")
    hit = _hashes.get(path)
    if hit is not None and hit[0] == info.st_mtime_ns and hit[1] == info.st_size:
        return hit[2]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    _hashes[path] = (info.st_mtime_ns, info.st_size, digest)
    return digest


def tree_hash(root: Path) -> str:
    """One hash for every file under ``root`` (names and contents), or for ``root`` if it is a file.

    Unreadable entries and dangling links count by name, so that they still change the hash."""
    root = Path(root)
    if root.is_file():
        return file_hash(root)
    combined = hashlib.sha256()
    for path in sorted(root.rglob("*")) if root.is_dir() else []:
        if path.is_dir() or "__pycache__" in path.parts:  # compiled files differ between machines
            continue
        try:
            digest = file_hash(path)
        except OSError:
            digest = "unreadable"
        combined.update(f"{path.relative_to(root)}\0{digest}\n".encode())
    return combined.hexdigest()
