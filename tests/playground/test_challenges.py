"""Challenges: goals checked on what was built and run, and check holding the author's solution to them."""

from __future__ import annotations

import os
import textwrap

import pytest

from app.lessons import LessonError
from app.playground.challenges import challenge_files, grade_state, load_challenge, verify
from app.playground.play import play_state

TINY = """\
challenge: tiny
title: {en: Tiny, zh: 小}
task: {en: Do it, zh: 做}
start:
  dockerfile: |
    FROM scratch
    COPY hello /
    COPY hello /again
  context: {hello: "hi\\n"}
goals:
  - at_most_layers: 1
  - has_file: /hello
solution:
  dockerfile: |
    %s
  context: {hello: "hi\\n"}
"""


def write(tmp_path, text, name="tiny.yaml"):
    path = tmp_path / "challenges" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


# Installing emacs is the one slow build (about 8 s): `layerlab check` in tests/cli verifies it anyway.
HEAVY = () if os.environ.get("LAYERLAB_ALL_CHALLENGES") else ("fix-apt-get-update",)


def test_every_bundled_challenge_starts_short_of_its_goal_and_its_solution_reaches_it():
    paths = challenge_files()
    assert len(paths) == 3
    for path in paths:
        challenge = load_challenge(path)
        assert challenge.spec.title.zh and challenge.spec.task.zh and challenge.spec.hints
        assert all(h.en and h.zh for h in challenge.spec.hints)
        if challenge.id not in HEAVY:
            assert verify(challenge, play_state) == [], path.name


def test_a_solution_that_misses_the_goal_is_an_error_at_its_line(tmp_path):
    path = write(tmp_path, TINY % "FROM scratch\n    COPY hello /\n    COPY hello /x")
    [problem] = verify(load_challenge(path), play_state)
    assert problem.line == 13 and "solution: does not reach the goal 'at most 1 layers' (the goal at line 11)" \
        in problem.message and "now 2 layer(s)" in problem.message


def test_the_goal_follows_the_image_not_the_text(tmp_path):
    challenge = load_challenge(write(tmp_path, TINY % "FROM scratch\n    COPY hello /"))
    assert verify(challenge, play_state) == []
    start = [r.met for r in grade_state(challenge, play_state(challenge.state("start")))]
    assert start == [True, False, True]  # builds; two layers; has /hello


def test_a_container_goal_with_the_image_unchanged(tmp_path):
    text = TINY.replace("  - at_most_layers: 1\n  - has_file: /hello\n",
                        "  - container_file: {path: /hello, contains: bye}\n  - image_unchanged: true\n")
    solved = text % "FROM scratch\n    COPY hello /\n    COPY hello /again"
    good = load_challenge(write(tmp_path, solved + '  commands: ["echo bye > /hello"]\n', "a.yaml"))
    assert verify(good, play_state) == []
    rebuilt = load_challenge(write(tmp_path, text % "FROM scratch\n    COPY hello /", "b.yaml"))
    messages = [p.message for p in verify(rebuilt, play_state)]
    assert any("a container's /hello says 'bye'" in m and "no container is running" in m for m in messages)
    assert any("the image is the starting one" in m for m in messages)


def test_a_bad_goal_is_an_error_at_its_line(tmp_path):
    path = write(tmp_path, TINY.replace("  - has_file: /hello", "  - has_files: /hello") % "FROM scratch")
    with pytest.raises(LessonError) as info:
        load_challenge(path)
    assert [p.line for p in info.value.problems] == [12]
