"""The read side of the union mount: how a path is found through the layers.

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

``UnionLookup`` resolves paths (symlinks, ``..``), records the probes a trace
shows, and answers the reading calls (stat, read, readlink, listdir, walk);
``union.UnionFS`` adds the writing ones on top of it.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Sequence

from .errors import FSError, InvalidArgument, IsADirectory, NotADirectory, NotFound, TooManyLinks
from .layer import Dir, File, Layer, Node, Symlink, Whiteout, parent_of
from .trace import Probe, Trace

MAX_SYMLINK_HOPS = 40  # the kernel's MAXSYMLINKS

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
            return kids.get(path[path.rfind("/") + 1:], ())  # the basename
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



class UnionLookup:
    """Lookups and reads through ``lowers`` (bottom first) and ``upper`` (on top).

    The base of ``UnionFS``, which documents the arguments; not used alone.
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
            last = not todo  # (todo never holds "" or ".": both are dropped above)
            child = cur + "/" + name if cur != "/" else "/" + name  # posixpath.join, without its checks
            stack = self._child(child, cur_stack)
            node = stack[0][1] if stack else None
            if not last and type(node) is Dir:  # the common case, a directory on the way: go on down
                crumbs.append((cur, cur_stack))
                cur, cur_stack = child, stack
                continue
            loc = _Loc(child, cur, cur_stack, stack)
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

    def _existing(self, op: str, path: str, follow: bool) -> tuple[_Loc, Trace]:
        """Resolve ``path`` for the operation ``op``: ENOENT if nothing is there."""
        trace = Trace(op, path)
        loc = self._resolve(path, trace, follow)
        if loc.node is None:
            raise _fail(NotFound, path, trace)
        return loc, trace

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
        loc, trace = self._existing("read", path, True)
        node = loc.node
        if isinstance(node, Dir):
            raise _fail(IsADirectory, path, trace)
        data = node.inode.read()
        trace.bytes_read = len(data)
        return data, trace

    def readlink(self, path: str) -> tuple[str, Trace]:
        loc, trace = self._existing("readlink", path, False)
        node = loc.node
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
        loc, trace = self._existing("listdir", path, True)
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
