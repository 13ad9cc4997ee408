"""Every step of every real lesson renders, within the slide rules.

The example scenes are hand-built; this plays the course's lessons through
the whole pipeline (Dockerfile, build, shell, catalog, engine) and draws
every step in both languages. It takes about a minute, so it runs only with
``LAYERLAB_RENDER_LESSONS=1``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import graphviz
import pytest

from app.render import scene_dot
from app.render.style import WIDTH

pytestmark = pytest.mark.skipif(os.environ.get("LAYERLAB_RENDER_LESSONS") != "1",
                                reason="slow: set LAYERLAB_RENDER_LESSONS=1 to draw every lesson step")

LESSONS = sorted((Path(__file__).resolve().parents[2] / "lessons").glob("*.yaml"))


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_step_draws_with_fixed_widths_and_no_overlap(path: Path) -> None:
    from app.lessons import player

    played = player.played(path)
    for frame in played.frames:
        for lang in ("en", "zh"):
            dot = scene_dot(frame.scene(lang, played.lesson.spec.kernel))
            data = json.loads(graphviz.pipe("dot", "json", dot.encode("utf-8"), quiet=True))
            boxes = {}
            for obj in data["objects"]:
                if "pos" in obj:
                    x, y = map(float, obj["pos"].split(","))
                    w, h = float(obj["width"]) * 72, float(obj["height"]) * 72
                    boxes[obj["name"]] = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
            where = f"{path.stem} step {frame.number} ({lang})"
            widths = {n: round(b[2] - b[0]) for n, b in boxes.items() if n.startswith(("i_", "c_"))}
            assert set(widths.values()) <= {WIDTH}, (where, widths)
            names = sorted(boxes)
            for i, a in enumerate(names):
                for b in names[i + 1:]:
                    p, q = boxes[a], boxes[b]
                    assert not (p[0] < q[2] - 0.5 and q[0] < p[2] - 0.5 and p[1] < q[3] - 0.5
                                and q[1] < p[3] - 0.5), (where, a, b)
