"""The issue's hostile Dockerfiles, through the commands: stopped by a named limit
(set low here), a clear message at the file, exit 1, and the next command works."""

from __future__ import annotations

import pytest

from app.cli import main

from test_server_stays_up import REDOS_LESSON

REDOS = 'FROM debian:bookworm\nRUN echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa! | grep -E "^(a+)+$"\n'
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


def test_the_redos_line_is_stopped_by_the_cpu_limit(tmp_path, capsys):
    status, err = build(tmp_path, capsys, REDOS)
    assert status == 1
    assert err == f"{tmp_path}/Dockerfile:1: stopped after 2 s of CPU: building {tmp_path}/Dockerfile did not finish"
    assert build(tmp_path, capsys, "FROM scratch\n")[0] == 0  # a new worker serves the next build


def test_a_doubling_variable_is_stopped_by_the_memory_limit(tmp_path, capsys):
    status, err = build(tmp_path, capsys, DOUBLING)
    assert status == 1
    assert err == f"{tmp_path}/Dockerfile:1: stopped at 500 MB of memory: building {tmp_path}/Dockerfile did not finish"
    assert build(tmp_path, capsys, "FROM scratch\n")[0] == 0


def test_check_reports_the_stuck_lesson_at_its_file(tmp_path, capsys):
    (tmp_path / "redos.yaml").write_text(REDOS_LESSON)
    assert main(["check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path}/redos.yaml:1: stopped after 2 s of CPU: building and playing lesson 'redos' did not finish" in err
