"""The union mount: read-only lower layers under one writable upper layer.

This is the engine's overlayfs. A RUN step writes through one (the layer being
built is the upper); a container writes through one (its container layer is
the upper). The semantics follow the kernel's overlayfs as Docker mounts it
(redirect_dir, metacopy and index off): see ../shared/reference, and the
differential tests that replay random operations on a real overlay mount.

Every public operation returns a ``Trace``; every failure raises an
``FSError`` subclass carrying the trace so far.

How a lookup works (the kernel's rule, ``fs/overlayfs/namei.c``): a name is
looked up only in the layers where its parent is a directory taking part in
the merge. Going down those layers, a whiteout stops the search, a
non-directory is the answer (unless a directory was already found above it:
"non-directories are always opaque"), a directory joins the merge and an
opaque directory ends it. The result for one path is its *stack*: the
``(layer index, node)`` pairs, top first, that make up what the path shows.

Why a cache for the lower layers only: image layers never change, so their
stacks are computed once per path and shared by every union over the same
frozen layers (a build page renders per request); the upper layer changes on
every write and is always consulted directly.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Callable, Sequence

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
    TooManyLinks,
)
from .layer import Dir, File, Inode, Layer, Node, Symlink, Whiteout, parent_of
from .trace import CopyUp, Probe, Trace

MAX_SYMLINK_HOPS = 40  # the kernel's MAXSYMLINKS
WHITEOUT_PREFIX = ".wh."

# A directory a layer does not list but implies (it holds entries below it).
_IMPLICIT_DIR = Dir()

Stack = tuple[tuple[int, Node], ...]


@dataclass
class Stat:
    """What ``stat``/``lstat`` sees through the union."""

    path: str
    type: str  # "file" | "dir" | "symlink"
    mode: int
    size: int
    uid: int
    gid: int
    mtime: int
    layer: int  # index of the layer the visible object comes from
    target: str | None = None
    sha256: str | None = None
    nlink: int = 1


@dataclass
class _Loc:
    """A resolved path: where it is (no symlinks left in it) and what it shows."""

    path: str
    parent: str | None  # None for "/"
    parent_stack: Stack
    stack: Stack

    @property
    def node(self) -> Node | None:
        return self.stack[0][1] if self.stack else None

    @property
    def layer(self) -> int | None:
        return self.stack[0][0] if self.stack else None


def _node_in(layer: Layer, path: str) -> Node | None:
    node = layer.entries.get(path)
    if node is None and layer._children.get(path):
        return _IMPLICIT_DIR
    return node


class _LowerIndex:
    """Memoized stacks of the (frozen) lower layers.

    Two caches, because access comes in two shapes: a lookup of one path
    (a build touching a few files per directory) scans that path in the
    layers of its parent's stack; a listing (or a walk) reads the
    directory's entries in each of those layers once, which gives the stack
    of every child at the cost of the entries stored, not names x layers.
    """

    def __init__(self, lowers: Sequence[Layer]):
        self.lowers = tuple(lowers)
        root: Stack = tuple(
            (i, _node_in(layer, "/") or _IMPLICIT_DIR) for i, layer in reversed(list(enumerate(lowers)))
        )
        self.stacks: dict[str, Stack] = {"/": root}
        self.kids: dict[str, dict[str, Stack]] = {}
        # Whole merged walks of these layers alone (an image's merged view).
        self.walks: dict[str, list] = {}

    def stack(self, path: str) -> Stack:
        found = self.stacks.get(path)
        if found is not None:
            return found
        parent = parent_of(path)
        kids = self.kids.get(parent)
        if kids is not None:
            return kids.get(posixpath.basename(path), ())
        pstack = self.stack(parent)
        found = _scan(self.lowers, path, pstack) if pstack and isinstance(pstack[0][1], Dir) else ()
        self.stacks[path] = found
        return found

    def children(self, path: str) -> dict[str, Stack]:
        """name -> stack of every visible child of directory ``path``."""
        found = self.kids.get(path)
        if found is None:
            stack = self.stack(path)
            found = _scan_dir(self.lowers, path, stack) if stack and isinstance(stack[0][1], Dir) else {}
            self.kids[path] = found
        return found


def _scan(layers: Sequence[Layer], path: str, parent: Stack) -> Stack:
    """Top-down search of ``path`` in the layers where its parent merges."""
    found: list[tuple[int, Node]] = []
    for i, _ in parent:
        node = _node_in(layers[i], path)
        if node is None:
            continue
        if isinstance(node, Whiteout):
            break
        if isinstance(node, Dir):
            found.append((i, node))
            if node.opaque:
                break
            continue
        if not found:
            found.append((i, node))
        break
    return tuple(found)


def _scan_dir(layers: Sequence[Layer], path: str, dir_stack: Stack) -> dict[str, Stack]:
    """The lookup rule for all children of one merged directory at once."""
    stacks: dict[str, list[tuple[int, Node]]] = {}
    done: set[str] = set()
    for i, _ in dir_stack:
        layer = layers[i]
        for name in layer.children(path):
            if name in done:
                continue
            node = _node_in(layer, posixpath.join(path, name))
            if node is None:
                continue
            if isinstance(node, Whiteout):
                done.add(name)
            elif isinstance(node, Dir):
                stacks.setdefault(name, []).append((i, node))
                if node.opaque:
                    done.add(name)
            else:
                if name not in stacks:
                    stacks[name] = [(i, node)]
                done.add(name)
    return {name: tuple(found) for name, found in stacks.items()}


def _lower_index(lowers: Sequence[Layer]) -> _LowerIndex:
    """The index of these lowers, shared by every union over the same frozen
    layers; kept on the top layer, so it goes away with the image."""
    if not lowers or not all(layer.frozen for layer in lowers):
        return _LowerIndex(lowers)
    key = tuple(id(layer) for layer in lowers)  # ids stay valid: the index holds the layers
    cache = lowers[-1]._union_cache
    index = cache.get(key)
    if index is None:
        index = cache[key] = _LowerIndex(lowers)
    return index


def _fail(error: type[FSError], path: str, trace: Trace, message: str | None = None) -> FSError:
    exc = error(path, message, trace)
    trace.error = exc.code
    return exc


class UnionFS:
    """lowers[0] is the bottom (rootfs); ``upper`` is on top and writable.

    Lower layers must not change while a union over them exists.
    ``clock`` is the logical time stamped on what this union creates or
    touches: it advances by one per changing operation, so builds stay
    reproducible.
    """

    def __init__(self, lowers: Sequence[Layer], upper: Layer | None = None, clock: int = 0):
        self.lowers: tuple[Layer, ...] = tuple(lowers)
        self.upper: Layer = upper if upper is not None else Layer()
        self.upper_index: int = len(self.lowers)
        self.layers: tuple[Layer, ...] = self.lowers + (self.upper,)
        self.clock = clock
        self._lower = _lower_index(self.lowers)

    # ------------------------------------------------------------------ lookup
    def _root_stack(self) -> Stack:
        top = _node_in(self.upper, "/") or _IMPLICIT_DIR
        return ((self.upper_index, top),) + self._lower.stack("/")

    def _child(self, path: str, parent_stack: Stack) -> Stack:
        """Stack of ``path`` given its parent's (a merged directory's) stack."""
        n = self.upper_index
        stack: tuple[tuple[int, Node], ...] = ()
        if parent_stack[0][0] == n:
            node = _node_in(self.upper, path)
            if isinstance(node, Whiteout):
                return ()
            if node is not None:
                if not isinstance(node, Dir) or node.opaque:
                    return ((n, node),)
                stack = ((n, node),)
        if parent_stack[-1][0] < n:
            low = self._lower.stack(path)
            if stack:
                if low and isinstance(low[0][1], Dir):
                    stack = stack + low
            else:
                stack = low
        return stack

    def _lower_positive(self, loc: _Loc) -> bool:
        """Does a lower layer hold something at this path (kernel's
        ``ovl_lower_positive``)? Then deleting it needs a whiteout."""
        if loc.parent is None:
            return bool(self.lowers)
        if loc.parent_stack[-1][0] >= self.upper_index:
            return False
        return bool(self._lower.stack(loc.path))

    def _probes(self, loc: _Loc) -> list[Probe]:
        candidates = {i for i, _ in loc.parent_stack} if loc.parent is not None else None
        probes: list[Probe] = []
        stopped = False
        dir_above = False
        for i in range(self.upper_index, -1, -1):
            node = _node_in(self.layers[i], loc.path)
            if stopped or (candidates is not None and i not in candidates):
                # Not looked at: "hidden" if something is there, else a plain miss.
                probes.append(Probe(i, loc.path, "miss" if node is None else "hidden"))
                continue
            if node is None:
                result = "miss"
            elif isinstance(node, Whiteout):
                result, stopped = "whiteout", True
            elif isinstance(node, Dir):
                result = "opaque" if node.opaque else "dir"
                stopped = node.opaque
                dir_above = True
            elif dir_above:
                result, stopped = "hidden", True
            else:
                result, stopped = "found", True
            probes.append(Probe(i, loc.path, result))
        return probes

    def _resolve(self, path: str, trace: Trace, follow: bool, *, record: bool = True) -> _Loc:
        """Walk ``path`` component by component through the union.

        Symlinks in the middle are always followed, the last one only when
        ``follow``; ``..`` climbs the physical path walked so far, as the
        kernel does. A missing last component is not an error here (the
        caller creates it or raises ENOENT).
        """
        if not path.startswith("/"):
            raise _fail(InvalidArgument, path, trace, "paths must be absolute")
        must_dir = path.endswith("/") and path.strip("/") != ""
        todo = [c for c in path.split("/") if c not in ("", ".")]
        todo.reverse()  # a stack: next component at the end
        crumbs: list[tuple[str, Stack]] = []
        cur, cur_stack = "/", self._root_stack()
        hops = 0
        while todo:
            name = todo.pop()
            if name == "..":
                if crumbs:
                    cur, cur_stack = crumbs.pop()
                continue
            last = all(c == "." for c in todo)
            child = posixpath.join(cur, name)
            stack = self._child(child, cur_stack)
            loc = _Loc(child, cur, cur_stack, stack)
            node = loc.node
            if isinstance(node, Symlink) and (not last or follow or must_dir):
                hops += 1
                if hops > MAX_SYMLINK_HOPS:
                    if record:
                        trace.probes = self._probes(loc)
                    raise _fail(TooManyLinks, path, trace)
                target = [c for c in node.target.split("/") if c not in ("", ".")]
                if node.target.startswith("/"):
                    crumbs.clear()
                    cur, cur_stack = "/", self._root_stack()
                todo.extend(reversed(target))
                continue
            if last:
                if record:
                    trace.probes = self._probes(loc)
                    trace.found_in = loc.layer
                if must_dir and node is not None and not isinstance(node, Dir):
                    raise _fail(NotADirectory, path, trace)
                return loc
            if node is None:
                if record:
                    trace.probes = self._probes(loc)
                raise _fail(NotFound, path, trace)
            if not isinstance(node, Dir):
                if record:
                    trace.probes = self._probes(loc)
                raise _fail(NotADirectory, path, trace)
            crumbs.append((cur, cur_stack))
            cur, cur_stack = child, stack
        loc = _Loc(cur, parent_of(cur) if cur != "/" else None,
                   crumbs[-1][1] if crumbs else (), cur_stack)
        if record:
            trace.found_in = loc.layer
            if loc.parent is not None:
                trace.probes = self._probes(loc)
        return loc

    def _stack_of(self, path: str) -> Stack:
        """Stack of a physical path (no symlinks in it), walked from the root."""
        stack = self._root_stack()
        cur = "/"
        for name in path.split("/"):
            if not name:
                continue
            cur = posixpath.join(cur, name)
            stack = self._child(cur, stack)
            if not stack:
                return ()
        return stack

    # ------------------------------------------------------------------ stat
    def _stat(self, loc: _Loc) -> Stat:
        layer, node = loc.stack[0]
        if isinstance(node, File):
            ino = node.inode
            return Stat(loc.path, "file", ino.mode, ino.size, ino.uid, ino.gid, ino.mtime, layer,
                        sha256=ino.sha256, nlink=max(1, self.layers[layer].nlink(ino)))
        if isinstance(node, Symlink):
            return Stat(loc.path, "symlink", node.mode, node.size, node.uid, node.gid, node.mtime,
                        layer, target=node.target)
        return Stat(loc.path, "dir", node.mode, 0, node.uid, node.gid, node.mtime, layer)

    def stat(self, path: str, follow: bool = True) -> tuple[Stat, Trace]:
        trace = Trace("stat" if follow else "lstat", path)
        loc = self._resolve(path, trace, follow)
        if not loc.stack:
            raise _fail(NotFound, path, trace)
        return self._stat(loc), trace

    def lstat(self, path: str) -> tuple[Stat, Trace]:
        return self.stat(path, follow=False)

    def exists(self, path: str, follow: bool = True) -> bool:
        try:
            self.stat(path, follow)
        except FSError:
            return False
        return True

    def read(self, path: str) -> tuple[bytes, Trace]:
        trace = Trace("read", path)
        loc = self._resolve(path, trace, True)
        node = loc.node
        if node is None:
            raise _fail(NotFound, path, trace)
        if isinstance(node, Dir):
            raise _fail(IsADirectory, path, trace)
        data = node.inode.read()
        trace.bytes_read = len(data)
        return data, trace

    def readlink(self, path: str) -> tuple[str, Trace]:
        trace = Trace("readlink", path)
        loc = self._resolve(path, trace, False)
        node = loc.node
        if node is None:
            raise _fail(NotFound, path, trace)
        if not isinstance(node, Symlink):
            raise _fail(InvalidArgument, path, trace)
        return node.target, trace

    def _names(self, path: str, stack: Stack) -> list[tuple[str, str, Stack]]:
        """Merged directory listing: (name, child path, child stack), sorted."""
        names: set[str] = set()
        if stack[0][0] == self.upper_index:
            names.update(self.upper.children(path))
        if stack[-1][0] < self.upper_index:
            names.update(self._lower.children(path))
        out = []
        for name in sorted(names):
            child = posixpath.join(path, name)
            cstack = self._child(child, stack)
            if cstack:
                out.append((name, child, cstack))
        return out

    def listdir(self, path: str) -> tuple[list[str], Trace]:
        trace = Trace("listdir", path)
        loc = self._resolve(path, trace, True)
        if loc.node is None:
            raise _fail(NotFound, path, trace)
        if not isinstance(loc.node, Dir):
            raise _fail(NotADirectory, path, trace)
        return [name for name, _, _ in self._names(loc.path, loc.stack)], trace

    def walk(self, path: str = "/") -> list[tuple[str, Stat]]:
        """The whole merged tree below ``path`` (symlinks not followed), sorted."""
        cacheable = not self.upper.entries and self.lowers and all(l.frozen for l in self.lowers)
        if cacheable and path in self._lower.walks:
            return list(self._lower.walks[path])
        trace = Trace("walk", path)
        loc = self._resolve(path, trace, True, record=False)
        if loc.node is None:
            raise _fail(NotFound, path, trace)
        out: list[tuple[str, Stat]] = []
        if loc.path != "/":
            out.append((loc.path, self._stat(loc)))
        if not isinstance(loc.node, Dir):
            return out
        todo = [(loc.path, loc.stack)]
        while todo:
            dpath, dstack = todo.pop()
            for _, child, cstack in self._names(dpath, dstack):
                out.append((child, self._stat(_Loc(child, dpath, dstack, cstack))))
                if isinstance(cstack[0][1], Dir):
                    todo.append((child, cstack))
        out.sort(key=lambda item: item[0])
        if cacheable:
            self._lower.walks[path] = list(out)
        return out

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
        cur = parent_of(path)
        while cur != "/":
            ancestors.append(cur)
            cur = parent_of(cur)
        stack = self._root_stack()
        for anc in reversed(ancestors):
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
        if posixpath.basename(path).startswith(WHITEOUT_PREFIX):
            raise _fail(PermissionDenied, path, trace,
                        "names starting with .wh. are whiteouts in an image layer; "
                        "such a file cannot exist in an image")

    def _create(self, loc: _Loc, node: Node, trace: Trace, inherit: bool = True) -> None:
        """Put a new object at a missing path (over a whiteout if there is one)."""
        self._check_name(loc.path, trace)
        parent = loc.parent_stack[0][1] if loc.parent_stack else None
        if inherit and isinstance(parent, Dir) and parent.mode & 0o2000:
            # A set-group-ID directory gives new entries its group, and new
            # subdirectories its set-group-ID bit (BSD group semantics).
            meta = node.inode if isinstance(node, File) else node
            meta.gid = parent.gid
            if isinstance(node, Dir):
                node.mode |= 0o2000
        self._copy_up_parents(loc.path, trace)
        if isinstance(node, Dir) and isinstance(self.upper.entries.get(loc.path), Whiteout):
            node.opaque = True  # rm -rf d && mkdir d: hide what is below
            trace.opaque_dirs.append(loc.path)
        self.upper.put(loc.path, node)
        trace.change("C" if self._lower_positive(loc) else "A", loc.path)

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
        trace = Trace("truncate", path)
        loc = self._resolve(path, trace, True)
        node = loc.node
        if node is None:
            raise _fail(NotFound, path, trace)
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
        trace = Trace("unlink", path)
        loc = self._resolve(path, trace, False)
        if loc.node is None:
            raise _fail(NotFound, path, trace)
        if isinstance(loc.node, Dir):
            raise _fail(IsADirectory, path, trace)
        self._remove(loc, trace)
        return trace

    def rmdir(self, path: str) -> Trace:
        trace = Trace("rmdir", path)
        loc = self._resolve(path, trace, False)
        if loc.node is None:
            raise _fail(NotFound, path, trace)
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
        trace = Trace("remove_tree", path)
        loc = self._resolve(path, trace, False)
        if loc.node is None:
            raise _fail(NotFound, path, trace)
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
        trace = Trace(op, path)
        loc = self._resolve(path, trace, follow)
        if loc.node is None:
            raise _fail(NotFound, path, trace)
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
        trace = Trace("open_rw", path)
        loc = self._resolve(path, trace, True)
        if loc.node is None:
            raise _fail(NotFound, path, trace)
        if isinstance(loc.node, Dir):
            raise _fail(IsADirectory, path, trace)
        self._copy_up(loc, trace)
        trace.change("C", loc.path)
        return trace

    def add_node(self, path: str, node: Node) -> Trace:
        """Put ``node`` at ``path`` (what COPY does), as OCI applies a tar
        entry: a directory onto a directory only replaces its attributes,
        anything else replaces what was there."""
        trace = Trace("add", path)
        loc = self._resolve(path, trace, False)
        self._check_name(loc.path, trace)
        old = loc.node
        if old is None:
            self._create(loc, node, trace)
            return trace
        if isinstance(old, Dir) and isinstance(node, Dir):
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
        return trace
