"""Jobs that misbehave on purpose, one per limit; module-level so a worker can import them."""

from __future__ import annotations

import time


def spin() -> None:
    while True:
        pass


def allocate(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def huge_result(megabytes: int) -> bytes:
    return b"x" * (megabytes * 1024 * 1024)


def answer() -> int:
    return 42


def fail_with(exc: Exception) -> None:
    raise exc
