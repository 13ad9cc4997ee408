"""Imported once by the pool's forkserver: the catalog loaded there, before any worker forks from it.

Why an import and not a job: every worker starts as a fork of the forkserver,
so what the forkserver holds each worker has at once, shared copy-on-write.
``multiprocessing`` lets the forkserver do one thing before its first fork:
import the modules named in ``set_forkserver_preload``. This is one of them;
importing it builds a small Debian image with apt, which loads the Debian base
layer, the package index and the package names (what a worker's first build
paid for otherwise). A failure here only leaves the worker cold.
"""

from __future__ import annotations

WARM_DOCKERFILE = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y less\n"


def warm() -> bool:
    """Build the small image once; True if it built (nothing it builds is kept)."""
    from app.runtime import Runtime

    try:
        return not Runtime().build(WARM_DOCKERFILE, {}, tag="warm-up").failed
    except Exception:  # noqa: BLE001 - a cold worker is slower, never wrong
        return False


WARMED = warm()
