"""Which worker a job goes to: the one that already built the longest prefix of its input.

Why: each worker keeps its build cache in its own memory (nothing is shared between
processes, let alone machines). A follow-up state (the last Dockerfile line edited,
one more command) that lands on a worker that never built the image builds it from
scratch: 4.6 s for the seed's Dockerfile under load, against 2 ms on the worker that
built it. So the process that owns the pool remembers, for its recent jobs, digests of
their inputs' prefixes (a head such as the tag, then the Dockerfile one line more at a
time, then the whole input with the context) and the worker each went to; a job goes to
the worker holding its longest known prefix, unless that worker's queue is much longer
than another's, else to the least busy worker.

The web tier stays stateless: a page is still a pure function of its URL; this only
decides which of this process's workers computes it (another process or machine just
builds it once in its own worker).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Iterable, Sequence

PREFIXES_PER_JOB = 64  # a long Dockerfile records every n-th line's prefix, so one job cannot flush the table
WAIT_BEHIND = 4  # follow a known prefix unless its worker has this many more jobs in flight than the least busy


def prefixes(head: Iterable[object], lines: Sequence[str], tail: Iterable[object] = ()) -> list[str]:
    """Digests of the input's prefixes, shortest first: ``head``, then each line added, then ``tail``.

    Two inputs share a digest exactly when they share that prefix (a Dockerfile edited
    on line 4 shares the digests of lines 1-3 with the one before)."""
    digest = hashlib.sha256()
    for part in head:
        digest.update(repr(part).encode() + b"\0")
    found = [digest.hexdigest()]
    step = max(1, -(-len(lines) // PREFIXES_PER_JOB))
    for number, line in enumerate(lines, 1):
        digest.update(line.encode("utf-8", "surrogatepass") + b"\n")
        if number % step == 0 or number == len(lines):
            found.append(digest.hexdigest())
    for part in tail:
        digest.update(repr(part).encode() + b"\0")
    found.append(digest.hexdigest())
    return found


class Routes:
    """Prefix digest -> the worker (slot number) the last job with that prefix went to; a bounded LRU."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._slots: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    def choose(self, digests: Sequence[str], waiting: Sequence[int]) -> int:
        """The slot for a job with these prefix digests, given each slot's jobs in flight."""
        least = min(range(len(waiting)), key=waiting.__getitem__)
        with self._lock:
            for digest in reversed(digests):
                slot = self._slots.get(digest)
                if slot is not None and slot < len(waiting):
                    return slot if waiting[slot] - waiting[least] < WAIT_BEHIND else least
        return least

    def remember(self, digests: Sequence[str], slot: int) -> None:
        """The job with these digests went to ``slot``: later jobs sharing a prefix follow it."""
        with self._lock:
            for digest in digests:
                self._slots[digest] = slot
                self._slots.move_to_end(digest)
            while len(self._slots) > self.size:
                self._slots.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._slots.clear()
