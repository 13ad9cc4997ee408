"""The one recording filesystem: every call a command makes on the union, with its trace.

Why one: the diagram draws the traces a RUN recorded and nothing else, so a
call that reaches the ``UnionFS`` without being recorded is a change the
student never sees. The shell's commands, its redirections and builtins, and
the package tools (``ctx.fs`` in ``packages.run(argv, ctx)``) all call the
union through a ``RecordingFS``; nothing else in app/shell or app/catalog
holds the union itself.

How: each method is the engine method of the same name, typed, with the
engine's two return shapes (a ``Trace``, or a value and a ``Trace``) brought
to one, ``Recorded(value, trace)``, in one place (``_run``). The trace is
recorded whether the call succeeds or fails: a failing engine call raises a
named ``FSError`` subclass (``NotFound``, ``IsADirectory``... with the errno a
kernel would give, as PyFilesystem2's ``fs.errors`` and pyfakefs do) that
carries the trace of the search that ended in the error, and the recorder
records that trace before the error reaches the command. The engine's
``LimitExceeded`` ends the RUN (``LimitReached``).

Looks are not drawn: ``peek_stat``, ``peek_read``, ``peek_listdir``, ``exists``
and ``walk`` answer "is it there, what is in it" for a command deciding what
to do (``mkdir -p`` checking a parent, dpkg reading its status file on every
command); drawing them would bury the copy-ups and whiteouts the lesson is
about. Everything that changes the tree, and every read a command makes on
the student's behalf (``cat``, ``<``, ``source``), is recorded.

Batches: a package manager touches thousands of files; inside
``with fs.batch("unpack", label) as summary:`` every trace is merged into one
summary trace (its ``changes`` list every path, like ``docker diff``), which
is recorded when the block ends, failed or not.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Generic, Iterable, Iterator, TypeVar

from app.engine import FSError, LimitExceeded, Trace

if TYPE_CHECKING:  # pragma: no cover
    from app.engine import UnionFS
    from app.engine.layer import Layer, Node
    from app.engine.union import Stat

T = TypeVar("T")


class LimitReached(Exception):
    """A safety limit ended the RUN; the message says which and how to fix it."""


@dataclass(slots=True)
class Recorded(Generic[T]):
    """What one engine call gave: its value (None for a pure change) and its trace."""

    value: T
    trace: Trace | None


def _changed(trace: Trace) -> Recorded[None]:
    return Recorded(None, trace)


def _valued(result: "tuple[T, Trace]") -> Recorded[T]:
    return Recorded(result[0], result[1])


def merge_trace(into: Trace, trace: Trace) -> None:
    """Add what ``trace`` did to the summary ``into`` (no de-duplication: thousands of files)."""
    into.absorb(trace)


class RecordingFS:
    """The union as a command sees it: same operations, every trace recorded through ``sink``."""

    def __init__(self, union: "UnionFS", sink: Callable[[Trace], None],
                 max_path_bytes: int = 1 << 62, max_file_bytes: int = 1 << 62):
        self._union = union
        self._sink = sink
        self._batches: list[Trace] = []
        self._max_path, self._max_file = max_path_bytes, max_file_bytes

    def _check_paths(self, *paths: str) -> None:
        """A path past PATH_MAX ends the RUN before the engine builds thousands of folders."""
        for path in paths:
            if len(path) > self._max_path:
                raise LimitReached(f"a path of {len(path)} bytes ({path[:40]}...) is longer than "
                                   f"{self._max_path} bytes (limit max_path_bytes)")

    def _check_size(self, path: str, size: int) -> None:
        if size > self._max_file:
            raise LimitReached(f"{path} would hold {size} bytes, more than {self._max_file} "
                               f"(limit max_file_bytes)")

    # -- the one place a call meets the union -----------------------------------------
    def _keep(self, trace: Trace | None) -> None:
        if trace is None:
            return
        if self._batches:
            merge_trace(self._batches[-1], trace)
        else:
            self._sink(trace)

    def _run(self, call: Callable[[], Recorded[T]]) -> T:
        try:
            done = call()
        except LimitExceeded as exc:
            raise LimitReached(exc.message) from exc
        except FSError as exc:
            self._keep(exc.trace)
            raise
        self._keep(done.trace)
        return done.value

    @contextmanager
    def batch(self, op: str, note: str = "") -> Iterator[Trace]:
        """Merge every trace made inside the block into one summary trace (path "/")."""
        summary = Trace(op, "/", note=note)
        self._batches.append(summary)
        try:
            yield summary
        finally:
            self._batches.pop()
            self._keep(summary)

    # -- facts about the union (not engine calls) ---------------------------------------
    @property
    def clock(self) -> int:
        """The union's logical time (what ``date`` and ``chage`` print, never the host's)."""
        return self._union.clock

    @property
    def upper(self) -> "Layer":
        return self._union.upper

    # -- looks, not drawn ---------------------------------------------------------------
    def peek_stat(self, path: str, follow: bool = True) -> "Stat | None":
        try:
            return self._union.stat(path, follow)[0]
        except FSError:
            return None

    def peek_read(self, path: str) -> bytes | None:
        try:
            return self._union.read(path)[0]
        except FSError:
            return None

    def peek_listdir(self, path: str) -> list[str] | None:
        try:
            return self._union.listdir(path)[0]
        except FSError:
            return None

    def peek_readlink(self, path: str) -> str | None:
        try:
            return self._union.readlink(path)[0]
        except FSError:
            return None

    def exists(self, path: str, follow: bool = True) -> bool:
        return self._union.exists(path, follow)

    def walk(self, path: str = "/") -> "list[tuple[str, Stat]]":
        """The merged tree below ``path``; raises NotFound if it is missing (a look: not drawn)."""
        return self._union.walk(path)

    # -- reads, recorded ----------------------------------------------------------------
    def read(self, path: str) -> bytes:
        return self._run(lambda: _valued(self._union.read(path)))

    def readlink(self, path: str) -> str:
        return self._run(lambda: _valued(self._union.readlink(path)))

    def listdir(self, path: str) -> list[str]:
        return self._run(lambda: _valued(self._union.listdir(path)))

    # -- changes, recorded --------------------------------------------------------------
    def write(self, path: str, data: bytes, append: bool = False, mode: int = 0o644) -> None:
        self._check_paths(path)
        before = self.peek_stat(path) if append else None
        self._check_size(path, len(data) + (before.size if before is not None else 0))
        self._run(lambda: _changed(self._union.write(path, data, append=append, mode=mode)))

    def truncate(self, path: str, size: int = 0) -> None:
        self._check_paths(path)
        self._run(lambda: _changed(self._union.truncate(path, size)))

    def mkdir(self, path: str, parents: bool = False, mode: int = 0o755) -> None:
        self._check_paths(path)
        self._run(lambda: _changed(self._union.mkdir(path, parents=parents, mode=mode)))

    def unlink(self, path: str) -> None:
        self._run(lambda: _changed(self._union.unlink(path)))

    def rmdir(self, path: str) -> None:
        self._run(lambda: _changed(self._union.rmdir(path)))

    def remove_tree(self, path: str) -> None:
        self._run(lambda: _changed(self._union.remove_tree(path)))

    def rename(self, src: str, dst: str) -> None:
        self._check_paths(dst)
        self._run(lambda: _changed(self._union.rename(src, dst)))

    def symlink(self, target: str, path: str) -> None:
        self._check_paths(target, path)
        self._run(lambda: _changed(self._union.symlink(target, path)))

    def link(self, existing: str, new: str) -> None:
        self._check_paths(new)
        self._run(lambda: _changed(self._union.link(existing, new)))

    def chmod(self, path: str, mode: int) -> None:
        self._run(lambda: _changed(self._union.chmod(path, mode)))

    def chown(self, path: str, uid: int, gid: int, follow: bool = True) -> None:
        self._run(lambda: _changed(self._union.chown(path, uid, gid, follow=follow)))

    def touch(self, path: str) -> None:
        self._run(lambda: _changed(self._union.touch(path)))

    def open_rw(self, path: str) -> None:
        """Open for writing without changing the bytes: the copy-up a real open(O_RDWR) makes."""
        self._run(lambda: _changed(self._union.open_rw(path)))

    def add_nodes(self, items: "Iterable[tuple[str, Node]]", keep_existing_dirs: bool = False) -> "list[Node]":
        """``add_node`` for many pairs (a package unpacked) as one engine call and one trace; the nodes added."""
        return self._run(lambda: _valued(self._union.add_nodes(items, keep_existing_dirs=keep_existing_dirs)))

    def add_node(self, path: str, node: "Node", bytes_written: int | None = None,
                 note: str | None = None) -> None:
        """Put ``node`` at ``path``.

        ``bytes_written``: for a file whose size is known and whose bytes are not
        (a download, an archive); ``note``: why its bytes are placeholders.
        """
        def call() -> Recorded[None]:
            trace = self._union.add_node(path, node, probes=not self._batches)  # a batch's summary has no probes
            if bytes_written is not None:
                trace.bytes_written = bytes_written
            if note is not None:
                trace.note = note
            return _changed(trace)
        self._run(call)
