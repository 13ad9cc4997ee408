"""Docker's build cache, by content: the same parent, the same instruction, the same inputs => the same step.

BuildKit reuses a step when its parent is the same cached step, the
instruction text is the same and (for COPY and ADD) the context files it
reads are the same; so a rebuild after editing the last line of a Dockerfile
builds only that line. Here a step's key is a hash of exactly those things
(plus what else changes an instruction's result in this simulator: the build
arguments, the tag, and whether an earlier step left files unknown). COPY, ADD
and RUN --mount read the whole context into their key (a RUN without --mount reads none of it), which is stricter than
BuildKit (it hashes only the files a source names) and never wrong.

A ``BuildCache`` is a bounded LRU of (step, state after) kept in memory by
whoever owns it (the playground keeps one per worker process). Steps are
reused as they are: handlers never change what they are given, and layers are
frozen, so sharing them between builds is safe.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

from .results import BuildStep
from .state import BuildWide, StageState

READS_CONTEXT = ("COPY", "ADD", "RUN")


@dataclass
class BuildCache:
    """A bounded LRU of built steps by content key; ``hits`` and ``misses`` count lookups."""

    size: int = 512
    hits: int = 0
    misses: int = 0
    _entries: OrderedDict = field(default_factory=OrderedDict)

    def __len__(self) -> int:
        return len(self._entries)

    def step(self, key: str, build: Callable[[], tuple[BuildStep, StageState]]) -> tuple[BuildStep, StageState]:
        """The cached step for ``key``, or ``build()``'s, kept for next time."""
        if key in self._entries:
            self._entries.move_to_end(key)
            self.hits += 1
            return self._entries[key]
        self.misses += 1
        value = build()
        if not value[0].error:  # a failed step is built again: its error may depend on nothing cached
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value


def key_hash(*parts: object) -> str:
    """sha256 of the parts' reprs, NUL-separated: one cache key (cache_keys.py shares it)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def context_digest(wide: BuildWide) -> str:
    return key_hash(sorted((path, repr(entry)) for path, entry in wide.context.items()))


def from_key(ref: str, name: str, wide: BuildWide, stage_keys: dict[str, str]) -> str:
    """A FROM step: the base reference (or the earlier stage's key it starts from) and the tag."""
    return key_hash("FROM", ref, stage_keys.get(ref.lower()), name, wide.escape, sorted(wide.global_args.items()))


def instruction_key(parent: str, inst, wide: BuildWide, stage_keys: dict[str, str], context: str) -> str:
    """One instruction after ``parent``: its text, and the inputs it may read."""
    keyword = inst.keyword.upper()
    reads = context if keyword in READS_CONTEXT and (keyword != "RUN" or getattr(inst, "mounts", None)) else None
    return key_hash(parent, keyword, inst.original, reads, sorted(stage_keys.items()) if reads else None,
                 sorted(wide.build_args.items()), wide.unknowns_so_far, wide.context_partial)
