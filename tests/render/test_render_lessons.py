"""Every step of every real lesson renders, within the slide rules.

The example scenes are hand-built; this plays the course's lessons through
the whole pipeline (Dockerfile, build, shell, catalog, engine) and draws
every step in both languages. It takes a while, so it runs only with
``LAYERLAB_RENDER_LESSONS=1``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from render_rules import layout, problems

from app.render import scene_dot

pytestmark = pytest.mark.skipif(os.environ.get("LAYERLAB_RENDER_LESSONS") != "1",
                                reason="slow: set LAYERLAB_RENDER_LESSONS=1 to draw every lesson step")

LESSONS = sorted((Path(__file__).resolve().parents[2] / "lessons").glob("*.yaml"))


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_step_keeps_the_slide_rules(path: Path) -> None:
    """Fixed widths, no overlap, bands lined up, the op box above the step's
    box, no wider than the stack and its story: in both languages."""
    from app.lessons import player

    played = player.played(path)
    broken = []
    for frame in played.frames:
        for lang in ("en", "zh"):
            dot = scene_dot(frame.scene(lang, played.lesson.spec.kernel))
            broken += [f"step {frame.number} ({lang}): {p}" for p in problems(layout(dot), dot)]
    assert broken == []
