"""The files of an image archive, by name: a tar (``docker save``, an oci-archive) or a folder.

Names are normalized and must stay inside the archive; a symlink between the archive's own
files (``docker save`` writes one for a layer two IDs share) is followed only within it.
"""

from __future__ import annotations

import json
import os
import posixpath
import tarfile
from pathlib import Path
from typing import BinaryIO

from .safety import ArchiveError, ImportLimits, inside

MAX_HOPS = 8


class TarStore:
    """A tar's files by name; ``source`` is its path, or the archive's bytes as a file (an upload)."""

    def __init__(self, source: Path | BinaryIO, limits: ImportLimits, label: str | None = None):
        path = label or str(source)
        self.label = path
        self.limits = limits
        try:
            self.tar = (tarfile.open(fileobj=source, mode="r:") if hasattr(source, "read")
                        else tarfile.open(source, mode="r:"))
        except (tarfile.TarError, OSError) as exc:
            raise ArchiveError(f"{path}: not a tar archive (docker save writes one; gunzip it first "
                               f"if it is compressed): {exc}") from None
        self.members: dict[str, tarfile.TarInfo] = {}
        for count, member in enumerate(self.tar, 1):
            if count > limits.max_entries:
                raise ArchiveError(f"{path}: more than {limits.max_entries} entries in the archive")
            name = inside(member.name)
            if name is None:
                raise ArchiveError(f"{path}: {member.name!r}: a path outside the archive")
            self.members[name] = member

    def _resolve(self, name: str) -> tarfile.TarInfo:
        for _ in range(MAX_HOPS):
            member = self.members.get(name)
            if member is None:
                raise ArchiveError(f"{self.label}: {name}: not in the archive")
            if not member.issym():
                if not member.isreg():
                    raise ArchiveError(f"{self.label}: {name}: not a regular file")
                return member
            target = inside(posixpath.join(posixpath.dirname(name), member.linkname))
            if target is None or member.linkname.startswith("/"):
                raise ArchiveError(f"{self.label}: {name}: a link to {member.linkname!r}, outside the archive")
            name = target
        raise ArchiveError(f"{self.label}: {name}: too many levels of symbolic links")

    def has(self, name: str) -> bool:
        return name in self.members

    def open(self, name: str) -> BinaryIO:
        return self.tar.extractfile(self._resolve(name))  # type: ignore[return-value]

    def size(self, name: str) -> int:
        return self._resolve(name).size


class FolderStore:
    def __init__(self, path: Path, limits: ImportLimits):
        self.label = str(path)
        self.root = Path(os.path.realpath(path))
        self.limits = limits

    def _path(self, name: str) -> Path:
        clean = inside(name)
        real = Path(os.path.realpath(self.root / (clean or "..")))
        if clean is None or not real.is_relative_to(self.root):
            raise ArchiveError(f"{self.label}: {name}: a path outside the layout folder")
        if not real.is_file():
            raise ArchiveError(f"{self.label}: {name}: not in the layout")
        return real

    def has(self, name: str) -> bool:
        try:
            self._path(name)
        except ArchiveError:
            return False
        return True

    def open(self, name: str) -> BinaryIO:
        return open(self._path(name), "rb")

    def size(self, name: str) -> int:
        return self._path(name).stat().st_size


def open_store(path: Path, limits: ImportLimits) -> TarStore | FolderStore:
    if path.is_dir():
        return FolderStore(path, limits)
    if not path.is_file():
        raise ArchiveError(f"{path}: no such file or folder")
    if path.stat().st_size > limits.max_archive_bytes:
        raise ArchiveError(f"{path}: {path.stat().st_size} bytes, over the limit of {limits.max_archive_bytes}")
    return TarStore(path, limits)


def read_json(store, name: str):
    """A JSON file of the archive, bounded in size."""
    if store.size(name) > store.limits.max_json_bytes:
        raise ArchiveError(f"{store.label}: {name}: over {store.limits.max_json_bytes} bytes")
    with store.open(name) as f:
        try:
            return json.loads(f.read())
        except (ValueError, UnicodeDecodeError) as exc:
            raise ArchiveError(f"{store.label}: {name}: not JSON: {exc}") from None
