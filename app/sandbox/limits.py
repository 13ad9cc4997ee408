"""The limits a sandboxed job runs under, as named settings read from the environment.

Each limit is enforced by the operating system or from outside the worker, never
by the job itself: a runaway regular expression inside C code cannot check a clock.

=====================  =======  ==================================================
environment variable   default  what it bounds
=====================  =======  ==================================================
LAYERLAB_CPU_SECONDS   60       CPU time of one job (RLIMIT_CPU: SIGXCPU kills it)
LAYERLAB_MEMORY_MB     2048     address space of a worker (RLIMIT_AS)
LAYERLAB_WALL_SECONDS  120      wall-clock time of one job (killed by the pool)
LAYERLAB_OUTPUT_MB     256      size of a job's pickled result, checked in the worker
LAYERLAB_WORKERS       2        worker processes in the pool
=====================  =======  ==================================================

The defaults let the bundled lessons (the largest plays in about 9 s of CPU and
9 MB of result) pass on a slow shared machine; a public playground sets them lower.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

ENV = {
    "cpu_seconds": "LAYERLAB_CPU_SECONDS",
    "memory_mb": "LAYERLAB_MEMORY_MB",
    "wall_seconds": "LAYERLAB_WALL_SECONDS",
    "output_mb": "LAYERLAB_OUTPUT_MB",
    "workers": "LAYERLAB_WORKERS",
}


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 60
    memory_mb: int = 2048
    wall_seconds: float = 120.0
    output_mb: float = 256.0
    workers: int = 2

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Limits":
        """The defaults, overridden by any LAYERLAB_* variable that is set (a bad value is an error)."""
        environ = os.environ if environ is None else environ
        values = {}
        for name, var in ENV.items():
            raw = environ.get(var, "").strip()
            if not raw:
                continue
            kind = type(getattr(cls, name))
            try:
                value = kind(raw)
            except ValueError:
                raise ValueError(f"{var}={raw!r}: expected a number") from None
            if value <= 0:
                raise ValueError(f"{var}={raw!r}: must be greater than 0")
            values[name] = value
        return cls(**values)

    @property
    def output_bytes(self) -> int:
        return int(self.output_mb * 1024 * 1024)
