"""The union mount: read-only lower layers under one writable upper layer.

This is the engine's overlayfs. A RUN step writes through one (the layer being
built is the upper); a container writes through one (its container layer is
the upper). The semantics follow the kernel's overlayfs as Docker mounts it
(redirect_dir, metacopy and index off): see ../shared/reference, and the
differential tests that replay random operations on a real overlay mount.

Every public operation returns a ``Trace``; every failure raises an
``FSError`` subclass carrying the trace so far.

The read side (lookup of a path through the layers, and the reading calls)
is in lookup.py; this module is the write side: copy-up, whiteouts, opaque
directories, and every changing call.
"""

from __future__ import annotations

import posixpath
from typing import Callable, Iterable

from .errors import (
    AlreadyExists,
    Busy,
    CrossDevice,
    DirectoryNotEmpty,
    FSError,
    InvalidArgument,
    IsADirectory,
    NotADirectory,
    NotFound,
    PermissionDenied,
)
from . import bulk
from .layer import Dir, File, Inode, Node, Symlink, Whiteout, parent_of
from .lookup import UnionLookup, _fail, _Loc
from .trace import Change, CopyUp, Trace

WHITEOUT_PREFIX = ".wh."


class UnionFS(UnionLookup):
    """lowers[0] is the bottom (rootfs); ``upper`` is on top and writable.

    Lower layers must not change while a union over them exists.
    ``clock`` is the logical time stamped on what this union creates or
    touches: it advances by one per changing operation, so builds stay
    reproducible.
    """

    # ------------------------------------------------------------------ copy-up
    def _tick(self) -> int:
        self.clock += 1
        return self.clock

    def _copy_up_parents(self, path: str, trace: Trace) -> None:
        """Make every ancestor of ``path`` a directory in the upper layer,
        copying only metadata (mode, owner, mtime), never contents."""
        if path == "/":
            return
        ancestors = []
        if "//" in path or path.endswith("/"):  # (never from _resolve, which builds paths one name at a time)
            cur = parent_of(path)
            while cur != "/":
                ancestors.append(cur)
                cur = parent_of(cur)
            ancestors.reverse()
        else:
            cut = path.find("/", 1)
            while cut != -1:
                ancestors.append(path[:cut])
                cut = path.find("/", cut + 1)
        entries = self.upper.entries
        if all(anc in entries for anc in ancestors):
            return  # the common case (the second file of a directory): nothing to copy up
        stack = self._root_stack()
        for anc in ancestors:  # from the top down
            stack = self._child(anc, stack)
            layer, node = stack[0]
            if anc in self.upper.entries:
                continue
            self.upper.put(anc, Dir(node.mode, node.uid, node.gid, node.mtime))
            trace.copied_up.append(CopyUp(anc, layer, 0, "dir"))
            trace.change("C", anc)
            stack = ((self.upper_index, self.upper.entries[anc]),) + stack

    def _copy_up(self, loc: _Loc, trace: Trace) -> Node:
        """Bring the visible object at ``loc`` into the upper layer (whole file)."""
        layer, node = loc.stack[0]
        if layer == self.upper_index:
            return node
        self._copy_up_parents(loc.path, trace)
        if isinstance(node, File):
            copy: Node = File(node.inode.copy())
            size, kind = node.inode.size, "file"
        elif isinstance(node, Symlink):
            copy = Symlink(node.target, node.mode, node.uid, node.gid, node.mtime)
            size, kind = node.size, "symlink"
        else:
            copy = Dir(node.mode, node.uid, node.gid, node.mtime)
            size, kind = 0, "dir"
        self.upper.put(loc.path, copy)
        trace.copied_up.append(CopyUp(loc.path, layer, size, kind))
        trace.bytes_written += size
        trace.change("C", loc.path)
        return copy

    def _check_name(self, path: str, trace: Trace) -> None:
        if path[path.rfind("/") + 1:].startswith(WHITEOUT_PREFIX):  # the basename (a call less per file)
            raise _fail(PermissionDenied, path, trace,
                        "names starting with .wh. are whiteouts in an image layer; "
                        "such a file cannot exist in an image")

    def _create(self, loc: _Loc, node: Node, trace: Trace, inherit: bool = True, parents_ready: bool = False,
                fresh: bool = False) -> None:
        """Put a new object at a missing path (over a whiteout if there is one).

        ``parents_ready``: the caller knows every ancestor is in the upper layer already (bulk.py).
        ``fresh``: ``trace`` is a bulk add's summary, which records each new path without looking
        for it among the thousands before (what a trace of its own, absorbed, would add)."""
        self._check_name(loc.path, trace)
        parent = loc.parent_stack[0][1] if loc.parent_stack else None
        if inherit and isinstance(parent, Dir) and parent.mode & 0o2000:
            # A set-group-ID directory gives new entries its group, and new
            # subdirectories its set-group-ID bit (BSD group semantics).
            meta = node.inode if isinstance(node, File) else node
            meta.gid = parent.gid
            if isinstance(node, Dir):
                node.mode |= 0o2000
        if not parents_ready:
            self._copy_up_parents(loc.path, trace)
        if isinstance(node, Dir) and isinstance(self.upper.entries.get(loc.path), Whiteout):
            node.opaque = True  # rm -rf d && mkdir d: hide what is below
            trace.opaque_dirs.append(loc.path)
        self.upper.put(loc.path, node)
        letter = "C" if self._lower_positive(loc) else "A"
        if fresh:
            trace.changes.append(Change(letter, loc.path))
        else:
            trace.change(letter, loc.path)

    def _remove(self, loc: _Loc, trace: Trace) -> None:
        """Delete the object at ``loc``: a whiteout if a lower layer has the
        name, a plain removal from the upper layer otherwise."""
        self._copy_up_parents(loc.path, trace)
        self.upper.remove_subtree(loc.path)
        if self._lower_positive(loc):
            self.upper.put(loc.path, Whiteout())
            trace.whiteouts.append(loc.path)
        trace.change("D", loc.path)

    # ------------------------------------------------------------------ writing
    def write(self, path: str, data: bytes, append: bool = False, mode: int = 0o644) -> Trace:
        """open(O_WRONLY|O_CREAT|(O_APPEND or O_TRUNC)) + write(data)."""
        trace = Trace("append" if append else "write", path)
        loc = self._resolve(path, trace, True)
        node = loc.node
        if node is None:
            inode = Inode(bytes(data), mode=mode, mtime=self._tick())
            self._create(loc, File(inode), trace)
        elif isinstance(node, Dir):
            raise _fail(IsADirectory, path, trace)
        else:
            # Current kernels copy the whole file up, then truncate (4.x kernels
            # skipped the data copy for O_TRUNC; the result is the same).
            upper = self._copy_up(loc, trace)
            if not append and trace.copied_up and trace.copied_up[-1].path == loc.path:
                trace.note = "copied up whole, then truncated by the open (O_TRUNC)"
            inode = upper.inode
            new = (inode.read() + bytes(data)) if append else bytes(data)
            inode.set_data(new)
            inode.mtime = self._tick()
            if not any(c.path == loc.path for c in trace.changes):
                trace.change("C", loc.path)
        trace.bytes_written += len(data)
        return trace

    def truncate(self, path: str, size: int = 0) -> Trace:
        loc, trace = self._existing("truncate", path, True)
        node = loc.node
        if isinstance(node, Dir):
            raise _fail(IsADirectory, path, trace)
        if size < 0:
            raise _fail(InvalidArgument, path, trace)
        inode = self._copy_up(loc, trace).inode
        if inode.data is None:
            inode.size = size
        else:
            old = inode.data
            inode.set_data(old[:size] + bytes(max(0, size - len(old))))
        inode.mtime = self._tick()
        trace.change("C", loc.path)
        return trace

    def mkdir(self, path: str, parents: bool = False, mode: int = 0o755) -> Trace:
        trace = Trace("mkdir", path)
        if not parents:
            loc = self._resolve(path, trace, False)
            if loc.node is not None:
                raise _fail(AlreadyExists, path, trace)
            self._create(loc, Dir(mode, mtime=self._tick()), trace)
            return trace
        parts = [c for c in path.split("/") if c]
        prefix = ""
        for k, name in enumerate(parts):
            prefix += "/" + name
            loc = self._resolve(prefix, trace, False)
            if loc.node is None:
                self._create(loc, Dir(mode, mtime=self._tick()), trace)
                continue
            if isinstance(loc.node, Symlink):  # mkdir fails with EEXIST; use it if it leads to a dir
                try:
                    loc = self._resolve(prefix, Trace("stat", prefix), True)
                except FSError:
                    pass
            if not isinstance(loc.node, Dir):
                raise _fail(AlreadyExists if k == len(parts) - 1 else NotADirectory, prefix, trace)
        return trace

    def unlink(self, path: str) -> Trace:
        loc, trace = self._existing("unlink", path, False)
        if isinstance(loc.node, Dir):
            raise _fail(IsADirectory, path, trace)
        self._remove(loc, trace)
        return trace

    def rmdir(self, path: str) -> Trace:
        loc, trace = self._existing("rmdir", path, False)
        if not isinstance(loc.node, Dir):
            raise _fail(NotADirectory, path, trace)
        if loc.parent is None:
            raise _fail(Busy, path, trace)
        if self._names(loc.path, loc.stack):
            raise _fail(DirectoryNotEmpty, path, trace)
        self._remove(loc, trace)
        return trace

    def remove_tree(self, path: str) -> Trace:
        """``rm -r``: whatever is at ``path`` and everything below it."""
        loc, trace = self._existing("remove_tree", path, False)
        if loc.parent is None:
            raise _fail(Busy, path, trace)
        self._remove(loc, trace)
        return trace

    def rename(self, src: str, dst: str) -> Trace:
        """rename(2) through the union: no symlink followed at either end."""
        trace = Trace("rename", src, dst)
        # The kernel looks up both parents before the source itself, so a
        # bad destination directory wins over a missing source.
        sloc = self._resolve(src, trace, False)
        probes, found_in = trace.probes, trace.found_in
        dloc = self._resolve(dst, trace, False, record=False)
        trace.probes, trace.found_in = probes, found_in
        if sloc.node is None:
            raise _fail(NotFound, src, trace)
        snode, dnode = sloc.node, dloc.node
        if sloc.path == dloc.path:
            return trace
        is_dir = isinstance(snode, Dir)
        if sloc.parent is None or dloc.parent is None:
            raise _fail(Busy, src, trace)
        if is_dir and dloc.path.startswith(sloc.path + "/"):
            raise _fail(InvalidArgument, src, trace)
        if sloc.path.startswith(dloc.path + "/"):
            raise _fail(DirectoryNotEmpty, dst, trace)
        if dnode is not None:
            if isinstance(dnode, File) and isinstance(snode, File) and dnode.inode is snode.inode \
                    and dloc.layer == sloc.layer == self.upper_index:
                # Two names of one upper inode: rename(2) does nothing. (Two
                # lower names are two overlay inodes with index=off: it renames.)
                return trace
            if is_dir and not isinstance(dnode, Dir):
                raise _fail(NotADirectory, dst, trace)
            if not is_dir and isinstance(dnode, Dir):
                raise _fail(IsADirectory, dst, trace)
        if is_dir and sloc.stack[-1][0] < self.upper_index:
            trace.note = "overlayfs cannot move a directory that comes from an image layer (redirect_dir=off)"
            raise _fail(CrossDevice, src, trace)
        if dnode is not None and isinstance(dnode, Dir) and self._names(dloc.path, dloc.stack):
            raise _fail(DirectoryNotEmpty, dst, trace)
        self._check_name(dloc.path, trace)
        moved = self._copy_up(sloc, trace)
        self._copy_up_parents(dloc.path, trace)
        # Move the upper subtree of src to dst.
        prefix = sloc.path
        moving = [(prefix, moved)]
        todo = [prefix]
        while todo:
            d = todo.pop()
            for name in self.upper.children(d):
                child = posixpath.join(d, name)
                moving.append((child, self.upper.entries[child]))
                todo.append(child)
        self.upper.remove_subtree(dloc.path)
        self.upper.remove_subtree(prefix)
        for p, node in moving:
            self.upper.put(dloc.path + p[len(prefix):], node)
        if self._lower_positive(sloc):
            self.upper.put(sloc.path, Whiteout())
            trace.whiteouts.append(sloc.path)
        if is_dir and not moved.opaque and dloc.parent is not None:
            parent_stack = self._stack_of(dloc.parent)
            if parent_stack and parent_stack[-1][0] < self.upper_index:
                moved.opaque = True  # moved into a merged parent: hide what is below
                trace.opaque_dirs.append(dloc.path)
        trace.change("D", sloc.path)
        trace.change("C" if self._lower_positive(dloc) else "A", dloc.path)
        return trace

    def symlink(self, target: str, path: str) -> Trace:
        trace = Trace("symlink", path, target)
        loc = self._resolve(path, trace, False)
        if loc.node is not None:
            raise _fail(AlreadyExists, path, trace)
        self._create(loc, Symlink(target, mtime=self._tick()), trace)
        return trace

    def link(self, existing: str, new: str) -> Trace:
        """A hard link: the source is copied up first, then both names share
        the upper inode (lower names of it keep the old one: index=off)."""
        trace = Trace("link", existing, new)
        sloc = self._resolve(existing, trace, False)
        probes, found_in = trace.probes, trace.found_in
        if sloc.node is None:
            raise _fail(NotFound, existing, trace)
        dloc = self._resolve(new, trace, False, record=False)
        trace.probes, trace.found_in = probes, found_in
        if dloc.node is not None:
            raise _fail(AlreadyExists, new, trace)
        if isinstance(sloc.node, Dir):
            raise _fail(PermissionDenied, existing, trace, "hard links to directories are not allowed")
        self._check_name(dloc.path, trace)
        node = self._copy_up(sloc, trace)
        if isinstance(node, File):
            copy: Node = File(node.inode)
        else:
            copy = Symlink(node.target, node.mode, node.uid, node.gid, node.mtime)
        self._create(dloc, copy, trace, inherit=False)
        return trace

    def _setattr(self, op: str, path: str, change: Callable[[Node], None], follow: bool = True) -> Trace:
        loc, trace = self._existing(op, path, follow)
        if loc.parent is None and "/" not in self.upper.entries:
            _, node = loc.stack[0]
            self.upper.put("/", Dir(node.mode, node.uid, node.gid, node.mtime))
            trace.copied_up.append(CopyUp("/", loc.layer, 0, "dir"))
            node = self.upper.entries["/"]
        elif loc.parent is None:
            node = self.upper.entries["/"]
        else:
            node = self._copy_up(loc, trace)
        change(node)
        trace.change("C", loc.path)
        return trace

    @staticmethod
    def _meta(node: Node) -> object:
        return node.inode if isinstance(node, File) else node

    def chmod(self, path: str, mode: int) -> Trace:
        return self._setattr("chmod", path, lambda n: setattr(self._meta(n), "mode", mode & 0o7777))

    def chown(self, path: str, uid: int, gid: int, follow: bool = True) -> Trace:
        def change(n: Node) -> None:
            meta = self._meta(n)
            if uid >= 0:
                meta.uid = uid
            if gid >= 0:
                meta.gid = gid
            if isinstance(n, File):
                # Linux clears set-user-ID (and set-group-ID if group-executable)
                # on chown of a file, even when root does it.
                meta.mode &= ~0o4000
                if meta.mode & 0o010:
                    meta.mode &= ~0o2000
        return self._setattr("chown", path, change, follow)

    def touch(self, path: str) -> Trace:
        """``touch``: create an empty file, or copy up and stamp the mtime."""
        trace = Trace("touch", path)
        loc = self._resolve(path, trace, True)
        if loc.node is None:
            self._create(loc, File(Inode(b"", mtime=self._tick())), trace)
            return trace
        now = self._tick()
        return self._setattr("touch", path, lambda n: setattr(self._meta(n), "mtime", now))

    def open_rw(self, path: str) -> Trace:
        """open(O_RDWR) and close without writing: copied up all the same."""
        loc, trace = self._existing("open_rw", path, True)
        if isinstance(loc.node, Dir):
            raise _fail(IsADirectory, path, trace)
        self._copy_up(loc, trace)
        trace.change("C", loc.path)
        return trace

    def add_node(self, path: str, node: Node, *, probes: bool = True) -> Trace:
        """Put ``node`` at ``path`` (what COPY does), as OCI applies a tar
        entry: a directory onto a directory only replaces its attributes,
        anything else replaces what was there.

        ``probes=False``: the trace leaves out the search down the layers
        (``probes``, ``found_in``), for a caller that merges thousands of
        traces into one summary which never shows them (a package unpacked).
        """
        trace = Trace("add", path)
        self._add_at(self._resolve(path, trace, False, record=probes), node, trace)
        return trace

    def add_nodes(self, items: Iterable[tuple[str, Node]], *, keep_existing_dirs: bool = False,
                  op: str = "add") -> tuple[list[Node], Trace]:
        """``add_node`` for each of many (path, node) pairs, in order, with one summary trace.

        What a package unpack does (thousands of files); the result is exactly that of
        calling ``add_node(path, node, probes=False)`` for each, merged, only faster (bulk.py).
        ``keep_existing_dirs``: a directory whose path exists already is skipped (dpkg).
        Returns the nodes added and the trace (path "/"); an FSError carries the summary so far."""
        return bulk.add_nodes(self, items, keep_existing_dirs, op)

    def _add_at(self, loc: _Loc, node: Node, trace: Trace, parents_ready: bool = False) -> None:
        """The body of ``add_node`` once the path is resolved (without following a last symlink)."""
        old = loc.node
        if old is None:
            self._create(loc, node, trace, parents_ready=parents_ready)  # (which checks the name first)
            return
        self._check_name(loc.path, trace)
        if isinstance(old, Dir) and isinstance(node, Dir):
            if not parents_ready:
                self._copy_up_parents(loc.path, trace)
            cur = self.upper.entries.get(loc.path)
            node.opaque = node.opaque or (isinstance(cur, Dir) and cur.opaque)
            self.upper.put(loc.path, node)
            trace.change("C" if self._lower_positive(loc) else "A", loc.path)
        else:
            # What a copy on an overlay snapshot does: remove, then create
            # (so a directory replacing a lower file comes out opaque).
            self._remove(loc, trace)
            self._create(loc, node, trace)
