"""The `rebuild:` step: a lesson builds an image again after an edit, and each row of the
diagram says CACHED or built again, as docker build's cache would (app/build/cache_keys.py)."""

from __future__ import annotations

import textwrap

import pytest

from app.lessons import LessonError
from app.lessons.loader import load_lesson
from app.lessons.player import diagram, play, played
from app.lessons.loader import LESSONS_DIR

LESSON = """\
id: rebuild-probe
languages: [en]
title: {en: probe}
summary: {en: probe}
images:
  - name: app
    build_args: {V: "1"}
    dockerfile: |
      FROM busybox:1.36
      ARG V
      COPY a.txt /a
      RUN echo $V > /v
      COPY b.txt /b
    context:
      a.txt: "a\\n"
      b.txt: "b\\n"
steps:
  - build: app
    instruction: 5
"""


def lesson(tmp_path, steps: str):
    path = tmp_path / "probe.yaml"
    path.write_text(LESSON + textwrap.indent(textwrap.dedent(steps), "  "))
    return load_lesson(path)


def test_the_build_cache_lesson_reuses_pip_only_when_reordered():
    frames = played(LESSONS_DIR / "09-build-cache.yaml").frames
    slow, fast = frames[1], frames[3]
    assert slow.cached == [None, True, True, False, False, None]  # COPY . . and pip install run again
    assert fast.cached == [None, True, True, True, True, False, None]  # only the last COPY . .
    assert "#5 [5/6] RUN pip install --break-system-packages -r requirements.txt\n#5 CACHED" in fast.output
    svg = diagram(played(LESSONS_DIR / "09-build-cache.yaml"), 4, "en", "svg")
    svg = svg.decode() if isinstance(svg, bytes) else svg
    assert svg.count(">CACHED</text>") == 4 and svg.count(">built again</text>") == 1


def test_an_edit_to_a_file_and_to_a_build_arg(tmp_path):
    played_lesson = play(lesson(tmp_path, """\
      - rebuild: app
        context: {b.txt: "changed\\n"}
      - rebuild: app
        build_args: {V: "2"}
    """))
    by_file, by_arg = played_lesson.frames[1], played_lesson.frames[2]
    assert by_file.cached == [None, None, True, True, False]  # FROM, ARG, COPY a, RUN, COPY b
    assert by_arg.cached == [None, None, True, False, False]
    assert by_arg.command == "docker build -t app ." and "2 step(s) CACHED" not in by_arg.say.en


def test_an_edited_dockerfile(tmp_path):
    played_lesson = play(lesson(tmp_path, """\
      - rebuild: app
        dockerfile: |
          FROM busybox:1.36
          ARG V
          COPY a.txt /a
          RUN echo $V > /v
          RUN echo more
          COPY b.txt /b
    """))
    assert played_lesson.frames[1].cached == [None, None, True, True, False, False]


def test_a_rebuild_of_an_unknown_image(tmp_path):
    with pytest.raises(LessonError, match="rebuild: no image named 'nope' in images"):
        play(lesson(tmp_path, "  - rebuild: nope\n"))


def test_a_rebuild_whose_dockerfile_does_not_parse(tmp_path):
    with pytest.raises(LessonError, match="rebuild: app: .*FROM"):
        play(lesson(tmp_path, "  - rebuild: app\n    dockerfile: |\n      RUN echo no from\n"))
