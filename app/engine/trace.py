"""Traces: what one engine operation did, step by step, for the diagram.

The renderer draws a trace and nothing else: the search down the layers (and
where it stopped), the copy-up with its source layer and size, the whiteout,
the new entry. Layer indexes count from 0 at the bottom (the rootfs); the
writable upper layer of a union has index ``len(lowers)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ProbeResult = Literal["miss", "found", "dir", "whiteout", "opaque", "hidden"]


@dataclass
class Probe:
    """One look into one layer for one path during a top-down search.

    result: ``miss`` (nothing there), ``found`` (a file or symlink: the search
    stops), ``dir`` (a directory: merged with lower ones, search goes on),
    ``whiteout`` (the path is deleted here: the search stops, not found),
    ``opaque`` (an opaque directory: lower layers are not searched),
    ``hidden`` (below a whiteout or a non-directory: never looked at).
    """

    layer: int
    path: str
    result: ProbeResult


@dataclass
class CopyUp:
    path: str
    from_layer: int
    size: int
    kind: str = "file"  # "file", "dir" (parent directory, metadata only), "symlink"


@dataclass
class Change:
    """A line of ``docker diff``: A added, C changed, D deleted."""

    letter: Literal["A", "C", "D"]
    path: str


@dataclass
class Trace:
    op: str
    path: str
    path2: str | None = None
    probes: list[Probe] = field(default_factory=list)
    found_in: int | None = None
    copied_up: list[CopyUp] = field(default_factory=list)
    whiteouts: list[str] = field(default_factory=list)
    opaque_dirs: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    bytes_read: int = 0
    bytes_written: int = 0
    error: str | None = None  # errno name, e.g. "ENOENT", when the operation failed
    note: str = ""

    def absorb(self, trace: "Trace | None") -> None:
        """Add what ``trace`` did to this summary (no de-duplication: thousands of files)."""
        if trace is None:
            return
        self.copied_up.extend(trace.copied_up)
        self.whiteouts.extend(trace.whiteouts)
        self.opaque_dirs.extend(trace.opaque_dirs)
        self.changes.extend(trace.changes)
        self.bytes_written += trace.bytes_written

    def change(self, letter: Literal["A", "C", "D"], path: str) -> None:
        for seen in self.changes:  # a loop, not any(): a package unpack calls this 29,000 times
            if seen.path == path and seen.letter == letter:
                return
        self.changes.append(Change(letter, path))
