"""What a worker sent before goes back by reference: frozen layers and built steps cross the pipe once.

Why: a follow-up playground state (the last Dockerfile line edited, one command typed) reuses
almost every step of the worker's build cache, and the web process already holds those steps and
their layers from the previous answer. Pickled again in full, the seed's layered Dockerfile made an
8.9 MB answer: 0.3 s to pickle and 0.5 s to unpickle for a job that took 2 ms.

How: the worker numbers each shareable object the first time it sends it (a *token*) and remembers
it while the worker keeps it (a weak reference: the table keeps nothing alive); the web process
keeps what it received under the same numbers, one table per worker. With every job the web process sends the numbers it holds; the worker's pickler
writes a held object as its number (pickle's ``persistent_id``), and any other shareable object in
full with its number, which the web process then keeps. Shareable: what cannot change once built,
a frozen ``Layer``, a ``BuildStep`` (the build cache hands the same step to every build, see
app/build/cache.py) and the lists such a step holds (a frame of a lesson shares its step's traces).

The worker's table is a bounded LRU of ``KEPT`` objects, held weakly; the web process's holds
what it received weakly too, so each side's memory is what it keeps anyway (the worker's build
cache, the web process's kept pages). A worker that is replaced starts a new *epoch*
(a random name), and the web process drops what it kept from the old one: numbers never cross
epochs, so a number always means the object it meant when it was sent.
"""

from __future__ import annotations

import copyreg
import io
import os
import pickle
import threading
import weakref
from collections import OrderedDict
from typing import Any, Callable

from app.build.results import BuildStep
from app.engine import Layer
from app.lessons.player import Frame

KEPT = 4096  # objects in a worker's table: some eight times what the 512 steps of its build cache refer to


class Exports:
    """A worker's table: id of each object sent -> (a way to the object, its token); and the parts of
    each step (its lists and its output) -> (the step, the attribute), for the frames that hold them.

    It keeps nothing alive: a shared object is held weakly, and its entry goes when the worker
    drops the object (so an id is never taken for another object's)."""

    def __init__(self) -> None:
        self.epoch = os.urandom(8).hex()
        self._by_id: OrderedDict[int, tuple[Callable[[], object], int]] = OrderedDict()
        self._parts: dict[int, tuple[Callable[[], object], str]] = {}
        self._next = 0

    def token(self, obj: object) -> tuple[int, bool]:
        """``obj``'s token, and whether it is new (given now: the object is sent in full)."""
        found = self._by_id.get(id(obj))
        if found is not None and found[0]() is obj:
            self._by_id.move_to_end(id(obj))
            return found[1], False
        ids = [id(obj)]
        if type(obj) is BuildStep:
            ids += [id(value) for value in vars(obj).values() if type(value) in (list, str) and value]
        ref = weakref.ref(obj, lambda _, ids=ids: self._forget(ids))
        self._next += 1
        self._by_id[id(obj)] = (ref, self._next)
        if type(obj) is BuildStep:
            for attr, value in vars(obj).items():
                if type(value) in (list, str) and value:
                    self._parts[id(value)] = (ref, attr)
        while len(self._by_id) > KEPT:
            self._by_id.popitem(last=False)
        return self._next, True

    def owner(self, value: object) -> tuple[object, str] | None:
        """(step, attribute) if ``value`` is that attribute of a step sent before."""
        found = self._parts.get(id(value))
        if found is None:
            return None
        step = found[0]()
        return (step, found[1]) if step is not None and getattr(step, found[1], None) is value else None

    def _forget(self, ids: list[int]) -> None:
        self._by_id.pop(ids[0], None)
        for key in ids[1:]:
            self._parts.pop(key, None)

    def __len__(self) -> int:
        return len(self._by_id)


_exports: tuple[int, Exports] | None = None


def exports() -> Exports:
    """This worker's table, made in the worker itself (a forked copy of another's would share its epoch)."""
    global _exports
    if _exports is None or _exports[0] != os.getpid():
        _exports = (os.getpid(), Exports())
    return _exports[1]


# -- the worker's side: reductions of the shared types ------------------------------
def _state(obj: object) -> dict:
    return obj.__getstate__() if type(obj) is Layer else dict(vars(obj))


class _Pickler(pickle.Pickler):
    """pickle's C pickler with reductions for three types only (its dispatch table: no Python call for
    any other object, so a cold answer pickles as fast as plain pickle)."""

    def __init__(self, file, table: Exports, known: frozenset[int]):
        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        self.table, self.known = table, known
        self.dispatch_table = copyreg.dispatch_table.copy()
        self.dispatch_table.update({Layer: self._shared, BuildStep: self._shared, Frame: self._frame})

    def _shared(self, obj: Any):
        if type(obj) is Layer and not obj.frozen:  # a writable layer can change: always in full
            return copyreg.__newobj__, (Layer,), _state(obj)
        token, new = self.table.token(obj)
        if token in self.known and not new:
            return _held, (token,)
        return _received, (token, type(obj), _state(obj))

    def _frame(self, frame: Frame):
        """A frame whose traces or output are its build step's refers to them through the step."""
        state, borrowed = dict(vars(frame)), {}
        for attr, value in state.items():
            found = self.table.owner(value) if type(value) in (list, str) and value else None
            if found is not None:
                borrowed[attr] = found
        for attr in borrowed:
            state[attr] = None
        return _frame_with, (state, borrowed)


def dumps(value: object, epoch: str | None, known: frozenset[int]) -> tuple[str, bytes]:
    """``value`` pickled in the worker: (this worker's epoch, the bytes); ``known`` counts only if
    ``epoch`` is this worker's."""
    table = exports()
    buffer = io.BytesIO()
    _Pickler(buffer, table, known if epoch == table.epoch else frozenset()).dump(value)
    return table.epoch, buffer.getvalue()


# -- the web process's side -----------------------------------------------------------
_reading = threading.local()  # the table, epoch and held objects of the answer this thread unpickles


def _received(token: int, cls: type, state: dict) -> object:
    obj = cls.__new__(cls)
    obj.__dict__.update(state)
    _reading.table.keep(token, obj, _reading.epoch)
    return obj


def _held(token: int) -> object:
    return _reading.table.resolve(token, _reading.epoch, _reading.held)


def _frame_with(state: dict, borrowed: dict) -> Frame:
    frame = Frame.__new__(Frame)
    frame.__dict__.update(state)
    for attr, (step, step_attr) in borrowed.items():
        setattr(frame, attr, getattr(step, step_attr))
    return frame


class Imports:
    """The web process's table for one worker: token -> object received, for that worker's epoch.

    Held weakly: an object stays as long as a kept answer (a page's cache) holds it, and a job in
    flight holds the snapshot it was sent with (``held``). So the table never keeps more than the
    answers the web process keeps anyway."""

    def __init__(self) -> None:
        self.epoch: str | None = None
        self._objects: weakref.WeakValueDictionary[int, object] = weakref.WeakValueDictionary()
        self._lock = threading.Lock()

    def held(self) -> tuple[str | None, dict[int, object]]:
        """What to send with a job: the epoch and the objects held now (kept by the caller until the
        answer is read, so that no number it sent can be dropped meanwhile)."""
        with self._lock:
            return self.epoch, dict(self._objects)

    def loads(self, epoch: str, payload: bytes, sent_epoch: str | None, held: dict[int, object]) -> object:
        """An answer of the worker of ``epoch`` to a job sent with ``held``, taken under ``sent_epoch``.

        An answer from another epoch than the job was sent under comes from a worker that replaced
        the old one: the table moves to it. An answer of the epoch it was sent under, when the table
        has moved on meanwhile, comes from a worker already replaced: it reads from its own snapshot
        and leaves the table alone. Numbers are only ever resolved within their own epoch."""
        if epoch != sent_epoch:
            held = {}  # the snapshot names the old worker's objects
            with self._lock:
                if self.epoch != epoch:
                    self.epoch, self._objects = epoch, weakref.WeakValueDictionary()
        _reading.table, _reading.epoch, _reading.held = self, epoch, held
        try:
            return pickle.loads(payload)
        except (KeyError, AttributeError, TypeError) as exc:
            raise pickle.UnpicklingError(f"the answer could not be read: {exc!r}") from None
        finally:
            _reading.table = _reading.epoch = _reading.held = None

    def resolve(self, token: int, epoch: str, held: dict[int, object]) -> object:
        if token in held:
            return held[token]
        with self._lock:
            found = self._objects.get(token) if epoch == self.epoch else None
        if found is None:
            raise pickle.UnpicklingError(f"the worker referred to object {token}, which this process does not hold")
        return found

    def keep(self, token: int, obj: object, epoch: str) -> None:
        with self._lock:
            if epoch == self.epoch:  # an answer of a worker replaced since keeps nothing for the new one
                self._objects[token] = obj

    def clear(self) -> None:
        with self._lock:
            self.epoch, self._objects = None, weakref.WeakValueDictionary()

    def __len__(self) -> int:
        return len(self._objects)
