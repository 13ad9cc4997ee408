"""A process forked after the pool started (a gunicorn worker of a ``--preload`` master) runs jobs too.

Before the fix the child's first job broke the pool: multiprocessing's forkserver belonged to the parent,
and checking it with ``waitpid`` failed with ECHILD, so /play answered 500 under gunicorn --preload."""

from __future__ import annotations

import os
import select
import signal

from app.sandbox import pool


def test_a_forked_child_starts_its_own_forkserver_and_runs_a_job():
    assert pool.run(int, "6") == 6  # the parent's pool and forkserver are up
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child: one job, its answer down the pipe, and out (never back into pytest)
        signal.alarm(60)
        try:
            answer = repr(pool.run(int, "7")).encode()
        except BaseException as exc:  # noqa: BLE001 - reported to the parent as text
            answer = f"{type(exc).__name__}: {exc}".encode()
        os.write(write_end, answer)
        pool.shutdown()
        os._exit(0)
    os.close(write_end)
    ready, _, _ = select.select([read_end], [], [], 90)
    answer = os.read(read_end, 4096).decode() if ready else "no answer within 90 s"
    os.close(read_end)
    os.waitpid(child, 0)
    assert answer == "7"
