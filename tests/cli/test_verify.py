"""`layerlab verify`: every bundled lesson agrees with the kernel's overlayfs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.engine.kernel import overlay_available
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
    from app.cli import verify_cmd
    from app.engine import File, Inode

    result = build("FROM debian:bookworm\nRUN echo one > /one\n")
    top = result.image.layers[-1]
    top.frozen = False
    top.put("/one", File(Inode(b"two\n")))
    checks = verify_cmd.check_build(result, "Dockerfile")
    [run] = [c for c in checks if c.text.startswith("RUN")]
    assert run.verdict == "differs"
    assert any("/one" in line for line in run.details)
