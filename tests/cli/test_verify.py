"""`layerlab verify`: every bundled lesson agrees with the kernel's overlayfs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.verify import overlay_available
from app.lessons import LESSONS_DIR, lesson_files

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.kernel


def _need_overlay():
    ok, reason = overlay_available()
    if not ok:
        pytest.skip(f"overlayfs cannot be mounted here: {reason}")


@pytest.mark.parametrize("lesson", lesson_files(LESSONS_DIR), ids=lambda p: p.stem)
def test_verify_passes_on_every_bundled_lesson(lesson):
    _need_overlay()
    result = subprocess.run([sys.executable, "-m", "app.cli", "verify", str(lesson)],
                            cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 differ" in result.stdout


def test_verify_finds_a_difference_when_the_simulation_is_wrong(tmp_path, monkeypatch):
    """The check can fail: tamper with one simulated layer and verify must say DIFFERS."""
    _need_overlay()
    from app.build import build
    from app.engine import File, Inode
    from app.verify import check_build

    result = build("FROM debian:bookworm\nRUN echo one > /one\n")
    top = result.image.layers[-1]
    top.frozen = False
    top.put("/one", File(Inode(b"two\n")))
    checks = check_build(result, "Dockerfile")
    [run] = [c for c in checks if c.text.startswith("RUN")]
    assert run.verdict == "differs"
    assert any("/one" in line for line in run.details)


@pytest.mark.parametrize("text,message", [
    ("FROM debian:bookworm\nRUN false\n", ":2:1: RUN failed"),
    ("", ":1:1: file with no instructions"),
    ("FROM scratch\n\xff\n", ":1:1: cannot read"),
])
def test_verify_of_a_dockerfile_that_does_not_build_says_where(tmp_path, text, message):
    _need_overlay()
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_bytes(text.encode("latin-1"))
    result = subprocess.run([sys.executable, "-m", "app.cli", "verify", str(dockerfile)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{dockerfile}{message}"), result.stderr


def test_verify_places_an_inline_dockerfile_step_at_its_line_of_the_lesson_file(tmp_path):
    _need_overlay()
    lesson = tmp_path / "tiny.yaml"
    lesson.write_text(
        "id: tiny\ntitle: {en: T, zh: T}\nsummary: {en: S, zh: S}\n"
        "images:\n  - name: app\n    dockerfile: |\n      FROM debian:bookworm\n      RUN echo hi > /hi\n"
        "steps:\n  - build: app\n"
    )
    result = subprocess.run([sys.executable, "-m", "app.cli", "verify", str(lesson)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"agrees    {lesson}:8 [app]: RUN echo hi > /hi" in result.stdout


@pytest.mark.skipif(not os.environ.get("LAYERLAB_SLOW_VERIFY"), reason="waits for the kernel run's 60 s timeout; set LAYERLAB_SLOW_VERIFY=1")
def test_an_endless_loop_the_simulator_stops_is_listed_not_a_traceback(tmp_path):
    _need_overlay()
    lesson = tmp_path / "loop.yaml"
    lesson.write_text(
        "id: loop\ntitle: {en: T, zh: T}\nsummary: {en: S, zh: S}\n"
        "images:\n  - name: app\n    dockerfile: |\n      FROM debian:bookworm\n"
        "steps:\n  - run: c\n    image: app\n  - exec: 'while true; do :; done'\n    in: c\n"
    )
    result = subprocess.run([sys.executable, "-m", "app.cli", "verify", str(lesson)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stderr
    assert f"sim-only  {lesson}:11: $ while true" in result.stdout
    assert "did not finish in 60 s" in result.stdout
