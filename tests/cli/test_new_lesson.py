"""`layerlab new`: a starter lesson with one step of each kind, in the languages asked for, that passes check."""

from __future__ import annotations

import pytest

from app.lessons import load_lesson
from app.lessons.model import STEP_KINDS

from cli_inprocess import layerlab


@pytest.mark.parametrize("langs", ["en,zh", "en"])
def test_the_starter_passes_check_with_a_step_of_each_kind(tmp_path, langs):
    made = layerlab("new", "my-first", "--lessons", tmp_path, "--languages", langs)
    assert made.returncode == 0, made.stderr
    path = tmp_path / "my-first.yaml"
    checked = layerlab("check", "--strict", path)
    assert checked.returncode == 0, checked.stderr
    assert "all good" in checked.stdout
    lesson = load_lesson(path)
    assert lesson.id == "my-first" and lesson.spec.languages == langs.split(",")
    kinds = {kind for step in lesson.spec.steps for kind in STEP_KINDS if hasattr(step, kind)}
    assert kinds == set(STEP_KINDS)
    text = path.read_text(encoding="utf-8")
    assert ("zh:" in text) == (langs == "en,zh") and "\\u" not in text
    # every key of the starter is explained: a comment on its line (or on the line of its block)
    for line in text.splitlines():
        if line.strip().startswith(("id:", "order:", "languages:", "images:", "steps:", "- name:", "dockerfile:",
                                    "context:", "- build:", "instruction:", "- run:", "image:", "- exec:", "in:",
                                    "- show:", "containers:")):
            assert " # " in line, line


def test_new_refuses_to_overwrite_a_file_or_reuse_an_id(tmp_path):
    (tmp_path / "mine.yaml").write_text("my own work")
    refused = layerlab("new", "mine", "--lessons", tmp_path)
    assert refused.returncode == 1 and "exists" in refused.stderr
    assert (tmp_path / "mine.yaml").read_text() == "my own work"
    assert layerlab("new", "first", "--lessons", tmp_path).returncode == 0
    (tmp_path / "first.yaml").rename(tmp_path / "01-renamed.yaml")
    again = layerlab("new", "first", "--lessons", tmp_path)
    assert again.returncode == 1 and "already has the id 'first'" in again.stderr
    assert not (tmp_path / "first.yaml").exists()
    bad = layerlab("new", "My Lesson", "--lessons", tmp_path)
    assert bad.returncode == 1 and "cannot be a lesson id" in bad.stderr
