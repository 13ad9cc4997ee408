"""The issue's hostile Dockerfiles, through the commands: stopped by a named limit
(set low here), a clear message at the file, exit 1, and the next command works."""

from __future__ import annotations

import pytest

from app.cli import main

from test_server_stays_up import BUSY_LESSON, BUSY_RUN

REDOS = 'FROM debian:bookworm\nRUN echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa! | grep -E "^(a+)+$"\n'
BUSY = "FROM debian:bookworm\n" + f"{BUSY_RUN}\n" * 20  # inside every simulator limit, minutes of CPU
DOUBLING = "FROM debian:bookworm\nRUN a=x; while true; do a=$a$a; done\n"


@pytest.fixture(autouse=True)
def low_limits(monkeypatch):
    monkeypatch.setenv("LAYERLAB_CPU_SECONDS", "2")
    monkeypatch.setenv("LAYERLAB_MEMORY_MB", "500")
    monkeypatch.setenv("LAYERLAB_WORKERS", "1")


def build(tmp_path, capsys, text: str) -> tuple[int, str]:
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    status = main(["build", str(path)])
    return status, capsys.readouterr().err.strip()


def test_the_redos_line_finishes_with_grep_s_answer(tmp_path, capsys):
    status, err = build(tmp_path, capsys, REDOS)  # RE2: linear time, no match, grep's status 1
    assert status == 1
    assert err.startswith(f"{tmp_path}/Dockerfile:2:1: RUN failed: ")
    assert err.endswith("did not complete successfully: exit code: 1")


def test_a_long_build_is_stopped_by_the_cpu_limit(tmp_path, capsys):
    status, err = build(tmp_path, capsys, BUSY)
    assert status == 1
    assert err == f"{tmp_path}/Dockerfile:1: stopped after 2 s of CPU: building {tmp_path}/Dockerfile did not finish"
    assert build(tmp_path, capsys, "FROM scratch\n")[0] == 0  # a new worker serves the next build


def test_a_doubling_variable_is_stopped_inside_the_simulator_before_the_memory_limit(tmp_path, capsys):
    status, err = build(tmp_path, capsys, DOUBLING)
    assert status == 1
    assert err == (f"{tmp_path}/Dockerfile:2:1: RUN failed: layerlab stopped this RUN: "
                   "the variable a grew past 16777216 bytes (limit max_string_bytes)")
    assert build(tmp_path, capsys, "FROM scratch\n")[0] == 0


def test_check_reports_the_stuck_lesson_at_its_file(tmp_path, capsys):
    (tmp_path / "busy.yaml").write_text(BUSY_LESSON)
    assert main(["check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path}/busy.yaml:1: stopped after 2 s of CPU: building and playing lesson 'busy' did not finish" in err
