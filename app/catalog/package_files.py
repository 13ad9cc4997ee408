"""File work the package tools share, done through the command's recording filesystem.

A package manager touches thousands of files. Every single operation goes
through ``ctx.fs``, the shell's ``RecordingFS`` (so copy-up, whiteouts and
merged directories are real, and every trace is recorded, failed calls
included), but the diagram gets one summary trace per batch ("unpack
nginx-common: 212 files", ``ctx.fs.batch``) instead of one per file; the few
operations worth seeing on their own (the copy-up of /var/lib/dpkg/status, a
deleted cache) are recorded one by one. A summary trace's ``path`` is "/" and
its ``note`` says what it was ("nginx-common 1.22.1-9: 212 entries, 1234567
bytes"); its ``changes`` list every path, like ``docker diff``.

This module records nothing itself: it is the package tools' vocabulary
(write a text, make parents, add catalog rows) over the one recorder.
"""

from __future__ import annotations

import posixpath
from typing import Any, Iterable

from app.engine.errors import NotFound
from app.engine.layer import Dir, File, Inode, Symlink

from .trees import nodes_from_rows


class PackageFiles:
    """Files touched on behalf of one package-tool command (``ctx`` is the shell's)."""

    def __init__(self, ctx: Any):
        self.fs = ctx.fs  # the RecordingFS: every call below is recorded by it

    # -- looks (not drawn: a package database is consulted on every command) -------
    def read_text(self, path: str) -> str | None:
        """Contents of ``path``, or None if missing."""
        data = self.fs.peek_read(path)
        return None if data is None else data.decode("utf-8", "surrogateescape")

    def exists(self, path: str) -> bool:
        return self.fs.exists(path, follow=False)

    def listdir(self, path: str) -> list[str]:
        return self.fs.peek_listdir(path) or []

    # -- single changes ------------------------------------------------------------
    def write(self, path: str, text: str | bytes, append: bool = False, mode: int = 0o644) -> None:
        data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
        self.mkdirs(posixpath.dirname(path))
        self.fs.write(path, data, append=append, mode=mode)

    def mkdirs(self, path: str, mode: int = 0o755) -> None:
        if path in ("", "/") or self.exists(path):
            return
        self.fs.mkdir(path, parents=True, mode=mode)

    def unlink(self, path: str) -> bool:
        """Remove ``path`` if it is there (the failed attempt is recorded all the same)."""
        try:
            self.fs.unlink(path)
            return True
        except NotFound:
            return False

    def remove_tree(self, path: str) -> None:
        if self.exists(path):
            self.fs.remove_tree(path)

    def add_sized(self, path: str, size: int, mode: int = 0o644, mtime: int = 0) -> None:
        """A file whose size is known and whose bytes are not (a .deb, a cache)."""
        self.mkdirs(posixpath.dirname(path))
        self.fs.add_node(path, File(Inode(None, size, mode, 0, 0, mtime)))

    # -- batches, one summary trace ------------------------------------------------
    def add_rows(self, rows: Iterable[list], label: str, contents: dict[str, str] | None = None,
                 keep_existing_dirs: bool = True, make_parents: bool = False) -> tuple[int, int]:
        """Add catalog rows through the union; return (entries added, bytes).

        ``make_parents``: rows may lack their directories (files maintainer
        scripts made): create missing ones first, as the script's mkdir did.
        """
        with self.fs.batch("unpack") as summary:
            if make_parents:
                count, nbytes = self._add_one_by_one(rows, contents, keep_existing_dirs)
            else:  # one engine call for the whole package (app/engine/bulk.py)
                added = self.fs.add_nodes(nodes_from_rows(rows, contents), keep_existing_dirs=keep_existing_dirs)
                count, nbytes = len(added), sum(_stored_bytes(node) for node in added)
            summary.bytes_written = nbytes
            summary.note = f"{label}: {count} entries, {nbytes} bytes"
        return count, nbytes

    def _add_one_by_one(self, rows: Iterable[list], contents: dict[str, str] | None,
                        keep_existing_dirs: bool) -> tuple[int, int]:
        """Rows that may lack their directories: each missing parent made first, as the script's mkdir did.

        The rows between two such mkdirs go into the union in one bulk call (app/engine/bulk.py), which
        is ``add_node`` for each of them, in the same order: a maintainer script's thousands of
        outputs (emacs byte-compiles 2,000 files) cost one lookup of their folder, not one per file."""
        count = nbytes = 0
        known_dirs: set[str] = set()
        batch: list[tuple[str, Any]] = []

        def flush() -> None:
            nonlocal count, nbytes
            if batch:
                added = self.fs.add_nodes(batch, keep_existing_dirs=keep_existing_dirs)
                count += len(added)
                nbytes += sum(_stored_bytes(node) for node in added)
                batch.clear()

        for path, node in nodes_from_rows(rows, contents):
            parent = posixpath.dirname(path)
            if parent not in known_dirs:
                flush()
                if not self.exists(parent):
                    self.fs.mkdir(parent, parents=True)
                known_dirs.add(parent)
            batch.append((path, node))
        flush()
        return count, nbytes

    def remove_paths(self, paths: Iterable[str], label: str) -> int:
        """Delete files (not directories) that exist; then directories left empty."""
        dirs, removed = [], 0
        with self.fs.batch("remove") as summary:
            for path in paths:
                st = self.fs.peek_stat(path, follow=False)
                if st is None:
                    continue
                if st.type == "dir":
                    dirs.append(path)
                    continue
                self.fs.unlink(path)
                removed += 1
            for path in sorted(dirs, key=lambda p: -p.count("/")):
                if self.exists(path) and not self.listdir(path):
                    self.fs.rmdir(path)
            summary.note = f"{label}: {removed} files removed"
        return removed


def _stored_bytes(node: Any) -> int:
    """What an entry adds to an unpack's byte count: a file's size, a symlink's target."""
    if isinstance(node, File):
        return node.inode.size
    return node.size if isinstance(node, Symlink) else 0
