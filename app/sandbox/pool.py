"""A small pool of worker processes that run untrusted jobs under hard limits.

Why a process and not a thread: a simulated ``grep -E "^(a+)+$"`` spends its
time inside the C regular-expression engine, holding the interpreter lock; only
another process keeps the web server answering, and only the kernel (or a kill
from outside) can stop it. The pool is pebble's ProcessPool (maintained, and it
kills and replaces a worker whose task runs past its timeout); workers come
from a forkserver, so they start from a clean process, not a copy of a
multithreaded web server.

The pool is one single-worker pebble pool per worker ("slots"), so that a job can
be sent to the worker that already built its image (affinity.py): a worker's build
cache lives in its memory only.

Per job: RLIMIT_CPU is set to the worker's CPU time so far plus the limit
(the kernel sends SIGXCPU, whose default action ends the worker); the wall
time is pebble's timeout; the result is pickled in the worker (what the caller
already holds by reference, shared.py) and refused if it is larger than the output
limit. Per worker: RLIMIT_AS, set once at start.
"""

from __future__ import annotations

import atexit
import math
import multiprocessing
import os
import pickle
import resource
import signal
import threading
from concurrent.futures import CancelledError
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Sequence

from pebble import ProcessExpired, ProcessPool

from app.lessons import LessonError, Problem

from . import shared
from .affinity import Routes
from .limits import Limits

_pools: list[ProcessPool] = []  # one single-worker pool per slot
_waiting: list[int] = []  # jobs in flight per slot (scheduled, not yet done)
_imports: list[shared.Imports] = []  # per slot: the objects its worker sent, held for its next answers
_pool_key: tuple | None = None
_lock = threading.Lock()  # starting and stopping the slots
_waiting_lock = threading.Lock()  # the counts only: a done callback never waits for a pool being stopped
ROUTES = Routes()


def _forget_inherited_forkserver() -> None:
    """After a fork (a gunicorn worker of a ``--preload`` master), start our own forkserver.

    multiprocessing keeps one forkserver per process and checks it with ``waitpid``, which a forked
    child cannot do on its parent's child (ECHILD: the pool breaks, /play answered 500). The child drops
    its copy of the parent's handles; the parent's forkserver lives on for the parent."""
    from multiprocessing import forkserver

    server = forkserver._forkserver  # noqa: SLF001 - the module's own singleton; no public reset exists
    if server._forkserver_pid is None:
        return
    if server._forkserver_alive_fd is not None:
        try:
            os.close(server._forkserver_alive_fd)
        except OSError:
            pass
    server._forkserver_address = server._forkserver_alive_fd = server._forkserver_pid = None
    server._inherited_fds = None
    server._lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_inherited_forkserver)


class SandboxError(LessonError):
    """A job the sandbox stopped; a LessonError, so every caller shows it as a problem at file:line."""

    def __init__(self, message: str, file: str = "<job>", line: int = 1):
        self.message = message
        super().__init__([Problem(file, line, message)])


class LimitExceeded(SandboxError):
    """A job that ran over one named limit: ``limit`` is cpu, memory, wall or output; ``amount`` its setting."""

    UNITS = {"cpu": "s of CPU", "memory": "MB of memory", "wall": "s of wall-clock time", "output": "MB of result"}

    def __init__(self, limit: str, amount: float, description: str, file: str = "<job>", line: int = 1):
        self.limit, self.amount, self.description = limit, amount, description
        verb = "at" if limit in ("memory", "output") else "after"
        super().__init__(f"stopped {verb} {amount:g} {self.UNITS[limit]}: {description}", file, line)

    def __repr__(self) -> str:
        return f"LimitExceeded(limit={self.limit!r}, amount={self.amount!r})"


class WorkerDied(SandboxError):
    """The worker ended without an answer, for a reason that is not one of the limits."""


def _start_worker(memory_mb: int) -> None:
    """Initializer of every worker: its address space, for its whole life."""
    size = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size, size))


def _limit_cpu(seconds: int) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(usage.ru_utime + usage.ru_stime) + seconds
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _pack_error(exc: BaseException) -> tuple:
    """An exception as (class, args, attributes): the project's errors take keyword
    arguments their ``args`` do not hold, so plain pickling would lose them."""
    return type(exc), exc.args, dict(vars(exc))


def _unpack_error(packed: tuple) -> BaseException:
    cls, args, attributes = packed
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(attributes)
    return exc


def _in_worker(function: Callable, args: tuple, cpu_seconds: int, output_bytes: int,
               epoch: str | None = None, known: frozenset[int] = frozenset()) -> tuple[str, str | None, Any]:
    """Runs in the worker: the job, then its result pickled (what the caller holds by reference,
    shared.py) and measured before it goes back: (kind, this worker's epoch, payload)."""
    _limit_cpu(cpu_seconds)
    sent_from = None
    try:
        result = function(*args)
        kind, (sent_from, payload) = "ok", shared.dumps(result, epoch, known)
    except MemoryError:
        return "memory", None, None
    except Exception as exc:  # noqa: BLE001 - every error goes back to the caller, typed
        try:
            kind, payload = "error", pickle.dumps(_pack_error(exc), pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - an error that cannot travel: its text does
            kind, payload = "error", pickle.dumps(_pack_error(RuntimeError(repr(exc))))
    if len(payload) > output_bytes:
        return "output", None, len(payload)
    return kind, sent_from, payload


def _get_pools(limits: Limits) -> tuple[list[ProcessPool], list[int], list[shared.Imports]]:
    """This process's slots, started (or started again) for these limits, their jobs in flight and
    their tables of what each worker sent."""
    global _pools, _waiting, _imports, _pool_key
    key = (limits.workers, limits.memory_mb, os.getpid())
    with _lock:
        if _pools and _pool_key[2] != os.getpid():
            _pools = []  # inherited through a fork (gunicorn --preload): their threads stayed in the parent
            ROUTES.clear()
        if not _pools or _pool_key != key or not all(pool.active for pool in _pools):
            _stop_pools()
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["app.sandbox.jobs", "app.sandbox.warm_worker"])
            _pools = [ProcessPool(max_workers=1, initializer=_start_worker, initargs=(limits.memory_mb,),
                                  context=context) for _ in range(limits.workers)]
            _waiting = [0] * limits.workers
            _imports = [shared.Imports() for _ in range(limits.workers)]
            _pool_key = key
        return _pools, _waiting, _imports


def _stop_pools() -> None:
    """Stop this process's slots (the caller holds ``_lock``); their routes go with them."""
    global _pools
    if _pools and _pool_key[2] == os.getpid():
        for pool in _pools:
            pool.stop()
        for pool in _pools:
            pool.join()
    _pools = []
    ROUTES.clear()


def _schedule(limits: Limits, affinity: Sequence[str], *args: Any):
    """Send ``_in_worker(*args)`` to the slot the routes choose; count it in flight until it is done.

    Returns the future, the slot's table of what its worker sent (shared.py) and what that table
    held when the job left, which the caller keeps until it has read the answer."""
    pools, waiting, imports = _get_pools(limits)
    with _waiting_lock:
        slot = ROUTES.choose(affinity, waiting) if len(pools) > 1 else 0
        waiting[slot] += 1
    if affinity:
        ROUTES.remember(affinity, slot)
    epoch, held = imports[slot].held()
    future = pools[slot].schedule(_in_worker, args=(*args, epoch, frozenset(held)), timeout=limits.wall_seconds)

    def done(_future) -> None:
        with _waiting_lock:
            waiting[slot] -= 1  # the list of the pools it was sent to, even if those were replaced since

    future.add_done_callback(done)
    return future, pools[slot], imports[slot], (epoch, held)


def start_in_background(limits: Limits | None = None) -> threading.Thread:
    """Start the pool (its forkserver, which loads the catalog, and its workers) in a thread, now.

    A fresh web worker calls this at its first request, so that the pool is up by
    the time a student opens a lesson step, instead of that step waiting for it.
    Never in a process that forks afterwards (gunicorn's --preload master): the
    pool belongs to the process that starts it (see ``_get_pools``).
    """
    thread = threading.Thread(target=_warm_up, args=(limits or Limits.from_env(),), name="sandbox-warm-up",
                              daemon=True)
    thread.start()
    return thread


def _warm_up(limits: Limits) -> None:
    try:
        for future in [pool.schedule(int, args=("1",)) for pool in _get_pools(limits)[0]]:
            future.result()
    except Exception:  # noqa: BLE001 - the first job will start the pool itself and report the problem
        pass


@atexit.register
def shutdown() -> None:
    """Stop the workers (at exit, or when a test wants a fresh pool)."""
    with _lock:
        _stop_pools()


class _PoolStopped(Exception):
    """The pool a job went to was stopped (``shutdown``, a restart for other limits) before it answered."""


POLL_SECONDS = 1.0


def _answer(future, pool: ProcessPool):
    """The job's answer; pebble leaves the future of a job in flight unresolved when its pool stops,
    so the wait looks at the pool once a second instead of waiting forever."""
    while True:
        try:
            return future.result(timeout=POLL_SECONDS)
        except CancelledError:  # a job not started yet when its pool stopped
            raise _PoolStopped() from None
        except FutureTimeout:
            if future.done():  # the job's own wall limit: pebble set the TimeoutError
                raise
            if not pool.active:
                raise _PoolStopped() from None


def run(function: Callable, *args: Any, limits: Limits | None = None,
        description: str = "the job did not finish", where: tuple[str, int] = ("<job>", 1),
        affinity: Sequence[str] = ()) -> Any:
    """``function(*args)`` in a worker under ``limits``; its result, or its error raised here.

    ``function`` must be importable by name (a module-level function); ``description``
    says what did not finish, for the message of a LimitExceeded; ``where`` is the
    file and line that message is reported at; ``affinity`` the digests of the job's
    input prefixes (``affinity.prefixes``), so that it goes to the worker that built most of it.
    """
    limits = limits or Limits.from_env()
    future, pool, imports, (sent_epoch, held) = _schedule(limits, affinity, function, args, limits.cpu_seconds,
                                                          limits.output_bytes)
    file, line = where
    try:
        kind, epoch, payload = _answer(future, pool)
    except _PoolStopped:
        raise WorkerDied(f"the sandbox stopped before the job finished: {description}", file, line) from None
    except FutureTimeout:
        raise LimitExceeded("wall", limits.wall_seconds, description, file, line) from None
    except ProcessExpired as exc:
        if exc.exitcode == -signal.SIGXCPU:
            raise LimitExceeded("cpu", limits.cpu_seconds, description, file, line) from None
        raise WorkerDied(f"the worker ended with status {exc.exitcode}: {description}", file, line) from None
    except BrokenProcessPool:  # workers that cannot even start: the next call builds a new pool
        shutdown()
        raise WorkerDied(f"the sandbox's workers could not start: {description}", file, line) from None
    if kind == "memory":
        raise LimitExceeded("memory", limits.memory_mb, description, file, line)
    if kind == "output":
        raise LimitExceeded("output", limits.output_mb, description, file, line)
    if kind == "error":
        raise _unpack_error(pickle.loads(payload))
    try:
        return imports.loads(epoch, payload, sent_epoch, held)
    except pickle.UnpicklingError as exc:  # a reference this process cannot resolve: never a 500
        imports.clear()
        raise WorkerDied(f"the worker's answer could not be read ({exc}): {description}", file, line) from None
