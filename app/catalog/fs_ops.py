"""File operations of the package tools, recorded for the diagram without drowning it.

A package manager touches thousands of files. Every single operation goes
through the engine (so copy-up, whiteouts and merged directories are real),
but the diagram gets one summary ``Trace`` per batch ("unpack nginx-common:
212 files") instead of one per file; the few operations worth seeing on
their own (the copy-up of /var/lib/dpkg/status, a deleted cache) are
recorded one by one. A summary trace's ``path`` is "/" and its ``note`` says
what it was ("nginx-common 1.22.1-9: 212 entries, 1234567 bytes"); its
``changes`` list every path, like ``docker diff``.
"""

from __future__ import annotations

import posixpath
from typing import Any, Iterable

from app.engine.errors import FSError, NotFound
from app.engine.layer import Dir, File, Inode, Node, Symlink
from app.engine.trace import Trace

from .trees import nodes_from_rows


class Ops:
    """Engine calls made on behalf of one package-tool command (``ctx`` is the shell's)."""

    def __init__(self, ctx: Any):
        self.ctx = ctx
        self.fs = ctx.fs

    # -- single, recorded operations ----------------------------------------------
    def record(self, trace: Trace | None) -> None:
        if trace is not None:
            self.ctx.record(trace)

    def read_text(self, path: str) -> str | None:
        """Contents of ``path``, or None if missing (reads are not drawn)."""
        try:
            data, _ = self.fs.read(path)
        except FSError:
            return None
        return data.decode("utf-8", "surrogateescape")

    def exists(self, path: str) -> bool:
        try:
            return self.fs.exists(path, follow=False)
        except FSError:
            return False

    def listdir(self, path: str) -> list[str]:
        try:
            return self.fs.listdir(path)[0]
        except FSError:
            return []

    def write(self, path: str, text: str | bytes, append: bool = False, mode: int = 0o644) -> None:
        data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
        self.mkdirs(posixpath.dirname(path))
        self.record(self.fs.write(path, data, append=append, mode=mode))

    def mkdirs(self, path: str, mode: int = 0o755) -> None:
        if path in ("", "/") or self.exists(path):
            return
        self.record(self.fs.mkdir(path, parents=True, mode=mode))

    def unlink(self, path: str) -> bool:
        try:
            self.record(self.fs.unlink(path))
            return True
        except NotFound:
            return False

    def remove_tree(self, path: str) -> None:
        if self.exists(path):
            self.record(self.fs.remove_tree(path))

    def add_sized(self, path: str, size: int, mode: int = 0o644, mtime: int = 0) -> None:
        """A file whose size is known and whose bytes are not (a .deb, a cache)."""
        self.mkdirs(posixpath.dirname(path))
        self.record(self.fs.add_node(path, File(Inode(None, size, mode, 0, 0, mtime))))

    # -- batches, one summary trace ------------------------------------------------
    def add_rows(self, rows: Iterable[list], label: str, contents: dict[str, str] | None = None,
                 keep_existing_dirs: bool = True, make_parents: bool = False) -> tuple[int, int]:
        """Add catalog rows through the union; return (entries added, bytes).

        ``make_parents``: rows may lack their directories (files maintainer
        scripts made): create missing ones first, as the script's mkdir did.
        """
        summary = Trace("unpack", "/", note="")
        count = nbytes = 0
        known_dirs: set[str] = set()
        for path, node in nodes_from_rows(rows, contents):
            parent = posixpath.dirname(path)
            if make_parents and parent not in known_dirs:
                if not self.exists(parent):
                    self._merge(summary, self.fs.mkdir(parent, parents=True))
                known_dirs.add(parent)
            if isinstance(node, Dir) and keep_existing_dirs and self.exists(path):
                continue  # dpkg leaves an existing directory alone
            self._merge(summary, self.fs.add_node(path, node))
            count += 1
            if isinstance(node, File):
                nbytes += node.inode.size
            elif isinstance(node, Symlink):
                nbytes += node.size
        summary.bytes_written = nbytes
        summary.note = f"{label}: {count} entries, {nbytes} bytes"
        self.record(summary)
        return count, nbytes

    def remove_paths(self, paths: Iterable[str], label: str) -> int:
        """Delete files (not directories) that exist; then directories left empty."""
        summary = Trace("remove", "/")
        dirs, removed = [], 0
        for path in paths:
            try:
                st, _ = self.fs.stat(path, follow=False)
            except FSError:
                continue
            if st.type == "dir":
                dirs.append(path)
                continue
            self._merge(summary, self.fs.unlink(path))
            removed += 1
        for path in sorted(dirs, key=lambda p: -p.count("/")):
            if self.exists(path) and not self.listdir(path):
                self._merge(summary, self.fs.rmdir(path))
        summary.note = f"{label}: {removed} files removed"
        self.record(summary)
        return removed

    @staticmethod
    def _merge(into: Trace, t: Trace) -> None:
        into.copied_up.extend(t.copied_up)
        into.whiteouts.extend(t.whiteouts)
        into.opaque_dirs.extend(t.opaque_dirs)
        into.changes.extend(t.changes)  # no de-duplication: O(n) for thousands of files
        into.bytes_written += t.bytes_written
