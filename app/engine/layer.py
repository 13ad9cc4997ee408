"""Layers: one changeset each, as the OCI image spec defines a layer.

A layer maps absolute paths to nodes. A node is what a tar entry of that layer
would hold: a directory (possibly opaque), a regular file (an inode, so two
paths can share it: a hard link), a symbolic link, or a whiteout that hides the
same path in the layers below.

Why inodes: overlayfs and tar both know hard links; a write through one name
must show through the other while both live in the same layer, and a copy-up
of one name must break the link with the lower name (Docker mounts with
index=off). Sharing one ``Inode`` object between paths gives exactly that.

A layer is writable until ``freeze()``; image layers are frozen, the one layer
a RUN step or a container writes to is not.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field
from typing import Iterator, Literal, Union

from .errors import ReadOnly

ZERO_CHUNK = bytes(1 << 16)


def _zeros_sha256(size: int, _cache: dict[int, str] = {}) -> str:
    """sha256 of ``size`` zero bytes (contents the catalog does not carry)."""
    if size not in _cache:
        h = hashlib.sha256()
        left = size
        while left > 0:
            n = min(left, len(ZERO_CHUNK))
            h.update(ZERO_CHUNK[:n])
            left -= n
        _cache[size] = h.hexdigest()
    return _cache[size]


@dataclass(eq=False)
class Inode:
    """A regular file's contents and metadata, shared by its hard links.

    ``data`` is None for a file whose size is known but whose bytes are not
    (files from the package catalog): it reads as ``size`` zero bytes.
    """

    data: bytes | None = b""
    size: int = 0
    mode: int = 0o644
    uid: int = 0
    gid: int = 0
    mtime: int = 0

    def __post_init__(self) -> None:
        if self.data is not None:
            self.size = len(self.data)
        self._sha_of: object = None
        self._sha: str = ""

    @property
    def sha256(self) -> str:
        """Content hash, cached until ``data`` is replaced (bytes never change
        in place, so identity of the bytes object is a safe cache key)."""
        if self.data is None:
            return _zeros_sha256(self.size)
        if self._sha_of is not self.data:
            self._sha = hashlib.sha256(self.data).hexdigest()
            self._sha_of = self.data
        return self._sha

    def set_data(self, data: bytes | None, size: int | None = None) -> None:
        """Replace the contents (a write): every hard link sees the change."""
        self.data = data
        self.size = len(data) if data is not None else (size or 0)

    def read(self) -> bytes:
        return self.data if self.data is not None else bytes(self.size)

    def copy(self) -> "Inode":
        """A new inode with the same contents and metadata: what copy-up makes."""
        return Inode(self.data, self.size, self.mode, self.uid, self.gid, self.mtime)


@dataclass(eq=False)
class File:
    inode: Inode
    type: Literal["file"] = "file"

    @property
    def mode(self) -> int:
        return self.inode.mode

    @property
    def size(self) -> int:
        return self.inode.size


@dataclass(eq=False)
class Dir:
    mode: int = 0o755
    uid: int = 0
    gid: int = 0
    mtime: int = 0
    opaque: bool = False
    type: Literal["dir"] = "dir"
    size: int = 0


@dataclass(eq=False)
class Symlink:
    target: str
    mode: int = 0o777
    uid: int = 0
    gid: int = 0
    mtime: int = 0
    type: Literal["symlink"] = "symlink"

    @property
    def size(self) -> int:
        return len(self.target.encode())


@dataclass(eq=False)
class Whiteout:
    """Marks a path deleted: hides it in every layer below, and is itself invisible."""

    type: Literal["whiteout"] = "whiteout"
    mode: int = 0
    size: int = 0


Node = Union[File, Dir, Symlink, Whiteout]


def normalize(path: str) -> str:
    """Absolute, normalized path: ``etc//motd/`` -> ``/etc/motd``."""
    path = posixpath.normpath("/" + path)
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    return path


def parent_of(path: str) -> str:
    """``dirname`` (``/`` for a top-level name): the common case, a normalized path, without its checks."""
    cut = path.rfind("/")
    if cut > 0 and path[cut - 1] != "/" and cut != len(path) - 1:
        return path[:cut]
    return posixpath.dirname(path) or "/"


@dataclass(eq=False)
class Layer:
    """One changeset: path -> node, with a child index for fast listings."""

    entries: dict[str, Node] = field(default_factory=dict)
    frozen: bool = False
    _children: dict[str, set[str]] = field(default_factory=dict, repr=False)
    # inode -> number of paths in this layer naming it (hard links).
    _links: dict[Inode, int] = field(default_factory=dict, repr=False)
    # The diff_id once computed for a frozen layer (see tarball.py).
    _tar_digest: str | None = field(default=None, repr=False, compare=False)
    # Lookup caches of unions whose top lower is this (frozen) layer (see union.py).
    _union_cache: dict = field(default_factory=dict, repr=False, compare=False)
    # ``size`` once computed for a frozen layer (every narration of a build step asks for it).
    _frozen_size: int | None = field(default=None, repr=False, compare=False)
    _frozen_items: list | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        items, self.entries = self.entries, {}
        frozen, self.frozen = self.frozen, False
        for path, node in items.items():
            self.put(path, node)
        self.frozen = frozen

    # -- reading ---------------------------------------------------------------
    def get(self, path: str) -> Node | None:
        return self.entries.get(path)

    def nlink(self, inode: Inode) -> int:
        """How many names this layer gives ``inode`` (st_nlink of a file)."""
        return self._links.get(inode, 0)

    def children(self, path: str) -> set[str]:
        """Names stored directly under ``path`` in this layer (whiteouts included)."""
        return self._children.get(path, set())

    def parent_dirs(self) -> set[str]:
        """Paths something is stored under in this layer (implicit parents too, / too):
        the child index's keys, without a walk of every path."""
        return {path for path, kids in self._children.items() if kids}

    def __contains__(self, path: str) -> bool:
        return path in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.entries))

    def __len__(self) -> int:
        return len(self.entries)

    def items(self) -> list[tuple[str, Node]]:
        """(path, node) sorted by path; sorted once for a frozen layer (drawing a step sorts its layers)."""
        if not self.frozen:
            return sorted(self.entries.items())
        if self._frozen_items is None:
            self._frozen_items = sorted(self.entries.items())
        return list(self._frozen_items)

    @property
    def size(self) -> int:
        """Bytes this layer stores, as ``docker history`` counts them: each
        inode's contents once, plus symlink targets. Kept once the layer is
        frozen: its entries cannot change then, and their inodes are never
        written in place (a write copies the file up into another layer)."""
        if self.frozen and self._frozen_size is not None:
            return self._frozen_size
        seen: set[int] = set()
        total = 0
        for node in self.entries.values():
            if isinstance(node, File):
                if id(node.inode) not in seen:
                    seen.add(id(node.inode))
                    total += node.inode.size
            elif isinstance(node, Symlink):
                total += node.size
        if self.frozen:
            self._frozen_size = total
        return total

    # -- writing ---------------------------------------------------------------
    def _check_writable(self, path: str) -> None:
        if self.frozen:
            raise ReadOnly(path)

    def put(self, path: str, node: Node) -> None:
        self._check_writable(path)
        old = self.entries.get(path)
        if isinstance(old, File):
            self._unlink_inode(old.inode)
        self.entries[path] = node
        if isinstance(node, File):
            self._links[node.inode] = self._links.get(node.inode, 0) + 1
        # Register the name under its parent, and implicit parents (a layer
        # may hold /a/b/c without /a/b: the directory is implied) up the tree.
        while path != "/":
            parent = parent_of(path)
            kids = self._children.setdefault(parent, set())
            name = path[path.rfind("/") + 1:]  # posixpath.basename, without its call (29,000 files a build)
            if name in kids:
                break
            kids.add(name)
            if parent in self.entries:
                break
            path = parent

    def _unlink_inode(self, inode: Inode) -> None:
        n = self._links.get(inode, 0) - 1
        if n > 0:
            self._links[inode] = n
        else:
            self._links.pop(inode, None)

    def remove(self, path: str) -> None:
        self._check_writable(path)
        old = self.entries.pop(path, None)
        if isinstance(old, File):
            self._unlink_inode(old.inode)
        # Unregister the name unless it stays as an implicit directory; an
        # implicit parent left with no children disappears as well.
        while old is not None and path != "/" and not self._children.get(path):
            kids = self._children.get(parent_of(path))
            if kids is not None:
                kids.discard(posixpath.basename(path))
            path = parent_of(path)
            if path in self.entries:
                break

    def remove_subtree(self, path: str) -> None:
        """Drop ``path`` and everything stored below it in this layer."""
        for name in list(self.children(path)):
            self.remove_subtree(posixpath.join(path, name))
        self._children.pop(path, None)
        self.remove(path)

    def freeze(self) -> "Layer":
        self.frozen = True
        return self

    def __getstate__(self) -> dict:
        """Pickled without the lookup caches: ``_union_cache`` is keyed by the ids of layers in this
        process, which name other objects (or none) in the process that unpickles it."""
        state = dict(self.__dict__)
        state["_union_cache"], state["_frozen_items"] = {}, None
        return state
