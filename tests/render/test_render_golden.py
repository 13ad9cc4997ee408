"""The DOT text of every example scene, compared exactly with a golden file.

DOT first, as Online Python Tutor shows its data before the picture: a change
in what a step draws shows up here as a readable diff. Regenerate after an
intended change with ``LAYERLAB_UPDATE_GOLDEN=1 pytest tests/render`` and
read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.render import scene_dot
from render_examples import EXAMPLES

GOLDEN = Path(__file__).with_name("golden")
UPDATE = os.environ.get("LAYERLAB_UPDATE_GOLDEN") == "1"

CASES = [(name, "en") for name in EXAMPLES] + [
    ("read_after_whiteout", "zh"), ("shared_layer", "zh"), ("build_run", "zh")]


@pytest.mark.parametrize("name,lang", CASES, ids=[f"{n}.{lang}" for n, lang in CASES])
def test_dot_matches_golden_file(name: str, lang: str) -> None:
    scene = EXAMPLES[name]()
    scene.lang = lang
    dot = scene_dot(scene)
    path = GOLDEN / f"{name}.{lang}.dot"
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"no golden file {path.name}: run with LAYERLAB_UPDATE_GOLDEN=1 to create it")
        path.write_text(dot, encoding="utf-8")
    assert dot == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_same_scene_gives_same_text(name: str) -> None:
    """Deterministic: two scenes built alike (new objects, new ids) draw alike."""
    assert scene_dot(EXAMPLES[name]()) == scene_dot(EXAMPLES[name]())


def test_every_example_has_a_golden_file_and_no_stale_ones() -> None:
    expected = {f"{n}.{lang}.dot" for n, lang in CASES}
    present = {p.name for p in GOLDEN.glob("*.dot")}
    assert present == expected
