"""The lesson list's step counts come from the files alone, and agree with playing the lesson."""

from __future__ import annotations

import pytest

from app.lessons import LESSONS_DIR, load_lesson
from app.lessons.player import play
from app.lessons.summary import step_count

MULTI_STAGE = """\
id: summary-multi
title: {en: Multi, zh: 多}
summary: {en: x, zh: y}
images:
  - name: app
    target: final
    dockerfile: |
      FROM scratch AS unused
      COPY a /a
      FROM scratch AS build
      COPY a /a
      COPY a /b
      FROM scratch AS final
      COPY --from=build /a /a
      CMD ["/a"]
    context:
      a: {size: 10}
steps:
  - build: app
    instruction: 2
  - build: app
  - run: c
    image: app
  - exec: ls /
    in: c
  - show: [app]
"""


def write(tmp_path, text):
    path = tmp_path / "lesson.yaml"
    path.write_text(text)
    return load_lesson(path)


@pytest.mark.parametrize("name", ["01-hello-world.yaml", "04-container-layer.yaml"])
def test_a_bundled_lesson_counts_as_many_steps_as_it_plays(name):
    lesson = load_lesson(LESSONS_DIR / name)
    assert step_count(lesson) == len(play(lesson).frames)


def test_only_the_stages_the_target_needs_count_and_shown_instructions_are_not_counted_twice(tmp_path):
    lesson = write(tmp_path, MULTI_STAGE)
    # build: FROM + 2 COPY; final: FROM + COPY + CMD -> 6 build steps; instruction 2 shown first,
    # then 3..6; then run, exec, show
    assert step_count(lesson) == 1 + 4 + 3
    assert step_count(lesson) == len(play(lesson).frames)


@pytest.mark.parametrize("change, why", [
    ("    instruction: 2\n", "    instruction: 7\n"),  # past the end of the build
    ("    instruction: 2\n  - build: app\n", "    instruction: 7\n"),  # ... as the image's last build step
    ("    instruction: 2\n  - build: app\n", "  - build: app\n"),  # every instruction already shown
    ("COPY a /b", "COPPY a /b"),  # a Dockerfile that does not parse
    ("    target: final", "    target: nowhere"),  # an unknown target
    ("    image: app\n", "    image: nothing\n"),  # a step naming a missing image
])
def test_a_lesson_the_files_show_cannot_play_has_no_count(tmp_path, change, why):
    assert step_count(write(tmp_path, MULTI_STAGE.replace(change, why))) is None
