"""The real server (waitress, in its own process) keeps answering while a worker of
its sandbox is busy; the busy lesson ends with the CPU limit.

The issue's ReDoS line now finishes at once (RE2); what keeps a worker busy here is
a lesson that stays inside every limit of the simulator (each RUN's 9,000 loop turns
are under max_loop_iterations) but whose whole build costs far more CPU than the
sandbox allows: the simulator's limits bound each RUN, the sandbox bounds the job."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

BUSY_RUN = "RUN i=0; while [ $i -lt 9000 ]; do i=$((i+1)); done"
BUSY_LESSON = """\
id: busy
title: {en: Busy, zh: Busy}
summary: {en: a build inside every simulator limit that needs minutes of CPU, zh: x}
images:
  - name: stuck
    dockerfile: |
      FROM debian:bookworm
""" + "".join(f"      {BUSY_RUN}\n" for _ in range(20)) + """\
steps:
  - build: stuck
"""

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture()
def server(tmp_path):
    (tmp_path / "busy.yaml").write_text(BUSY_LESSON)
    port = _free_port()
    env = {**os.environ, "LAYERLAB_CPU_SECONDS": "4", "LAYERLAB_WALL_SECONDS": "300", "LAYERLAB_WORKERS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--lessons", str(tmp_path)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):  # until it listens (or died)
        if proc.poll() is not None:
            pytest.fail(f"the server did not start: {proc.stderr.read().decode()}")
        try:
            _get(base + "/static/app.css", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:  # in case the server does not stop on SIGTERM
        proc.kill()
        proc.wait()


def test_static_files_answer_within_a_second_while_a_worker_is_stuck(server):
    stuck: dict = {}
    thread = threading.Thread(target=lambda: stuck.update(answer=_get(server + "/lessons/busy/1", timeout=300)))
    thread.start()
    time.sleep(1)  # let the worker get into the build (setup, not a measurement)
    for _ in range(5):
        status, body = _get(server + "/static/app.css", timeout=1)  # a 1 s client timeout
        assert status == 200 and body
    assert thread.is_alive()  # the lesson was still being played while the static files answered
    thread.join(timeout=300)
    status, body = stuck["answer"]
    assert status == 422
    assert "busy.yaml:1: stopped after 4 s of CPU: building and playing busy.yaml did not finish" in body
    status, _ = _get(server + "/static/app.css", timeout=1)  # the worker was replaced; the server is fine
    assert status == 200
