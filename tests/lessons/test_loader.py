"""Lesson files: what an instructor writes, and the errors they get back, with lines."""

from __future__ import annotations

import textwrap

import pytest

from app.lessons import LessonError, load_lesson
from app.lessons.player import play

GOOD = """\
id: tiny
title: {en: Tiny, zh: 小}
summary: {en: A tiny lesson, zh: 一个小课}
images:
  - name: app
    dockerfile: |
      FROM scratch
      COPY hello /
    context:
      hello: "hi"
steps:
  - build: app
  - run: c1
    image: app
  - exec: cat /hello
    in: c1
"""


def write(tmp_path, text, name="lesson.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def problems(path):
    with pytest.raises(LessonError) as info:
        play(load_lesson(path))
    return [(p.line, p.message) for p in info.value.problems]


def test_a_good_lesson_loads_and_plays(tmp_path):
    played = play(load_lesson(write(tmp_path, GOOD)))
    kinds = [f.kind for f in played.frames]
    assert kinds == ["build", "build", "run", "exec"]
    assert played.frames[-1].output == "hi"


def test_a_yaml_syntax_error_has_its_line(tmp_path):
    path = write(tmp_path, GOOD.replace("  - run: c1", "  - run: [c1"))
    [(line, message)] = problems(path)
    assert message.startswith("YAML:")
    assert line >= 12


def test_an_unknown_key_is_an_error_at_its_line(tmp_path):
    path = write(tmp_path, GOOD.replace("    image: app", "    image: app\n    imagee: app"))
    assert (15, "steps.1: unknown key 'imagee' (did you mean 'image'?)") in problems(path)


def test_a_missing_title_language_is_reported(tmp_path):
    path = write(tmp_path, GOOD.replace("title: {en: Tiny, zh: 小}", "title: {en: Tiny}"))
    [(line, message)] = problems(path)
    assert line == 2 and message.startswith("title: has no zh: text") and "languages: [en]" in message


def test_a_step_with_no_kind_is_reported(tmp_path):
    path = write(tmp_path, GOOD.replace("  - exec: cat /hello\n    in: c1\n", "  - say: {en: x, zh: y}\n"))
    [(line, message)] = problems(path)
    assert line == 15 and "exactly one of: build, run, exec, show" in message


def test_a_dockerfile_error_points_at_the_lesson_line(tmp_path):
    path = write(tmp_path, GOOD.replace("COPY hello /", "COPPY hello /"))
    [(line, message)] = problems(path)
    assert line == 8  # line 2 of the Dockerfile, which starts on line 7 of the file
    assert "line 2" in message and "COPPY" in message


def test_a_step_naming_a_missing_image_is_reported(tmp_path):
    path = write(tmp_path, GOOD.replace("    image: app", "    image: ap"))
    assert (13, "run: no image named 'ap' in images") in problems(path)


def test_exec_in_a_container_that_was_never_started(tmp_path):
    path = write(tmp_path, GOOD.replace("    in: c1", "    in: c9"))
    assert (15, "exec: no container named 'c9' was started by an earlier run step") in problems(path)


def test_a_failing_run_is_reported_at_its_dockerfile_line(tmp_path):
    path = write(tmp_path, GOOD.replace("COPY hello /", "RUN false"))
    [(line, message)] = problems(path)
    assert line == 8 and "RUN failed" in message


def test_every_step_snapshot_is_independent(tmp_path):
    text = GOOD + "  - exec: rm /hello\n    in: c1\n"
    played = play(load_lesson(write(tmp_path, text)))
    before, after = played.frames[3], played.frames[4]
    assert len(before.containers[0].upper) == 0
    assert after.containers[0].upper.get("/hello").type == "whiteout"


def test_dockerfile_and_context_can_be_files_beside_the_lesson(tmp_path):
    (tmp_path / "examples" / "site").mkdir(parents=True)
    (tmp_path / "examples" / "site" / "index.html").write_text("<h1>hi</h1>\n")
    (tmp_path / "examples" / "site.Dockerfile").write_text("FROM scratch\nCOPY index.html /srv/\n")
    text = GOOD.replace(
        '    dockerfile: |\n      FROM scratch\n      COPY hello /\n    context:\n      hello: "hi"\n',
        "    dockerfile_file: examples/site.Dockerfile\n    context_dir: examples/site\n",
    ).replace("cat /hello", "cat /srv/index.html")
    played = play(load_lesson(write(tmp_path, text)))
    assert played.frames[-1].output == "<h1>hi</h1>\n"


def test_a_dockerfile_file_error_points_into_that_file(tmp_path):
    (tmp_path / "bad.Dockerfile").write_text("FROM scratch\n\nCOPPY a /\n")
    text = GOOD.replace(
        '    dockerfile: |\n      FROM scratch\n      COPY hello /\n', "    dockerfile_file: bad.Dockerfile\n")
    with pytest.raises(LessonError) as info:
        play(load_lesson(write(tmp_path, text)))
    [problem] = info.value.problems
    assert problem.file.endswith("bad.Dockerfile") and problem.line == 3


def test_an_instruction_past_the_end_is_reported_at_its_step(tmp_path):
    path = write(tmp_path, GOOD.replace("  - build: app\n", "  - build: app\n    instruction: 99\n"))
    assert problems(path) == [(12, "build: app: instruction 99 is past the end: the build has 2 step(s)")]


def test_a_build_step_with_nothing_left_to_show_is_reported(tmp_path):
    path = write(tmp_path, GOOD.replace("  - build: app\n", "  - build: app\n  - build: app\n"))
    assert problems(path) == [(13, "build: app: every instruction is already shown by an earlier step")]


def test_an_unknown_target_stage_points_at_the_target_key(tmp_path):
    path = write(tmp_path, GOOD.replace("  - name: app\n", "  - name: app\n    target: nope\n"))
    assert problems(path) == [(6, "target: target stage 'nope' could not be found")]


def test_the_say_of_a_build_of_every_instruction_goes_on_its_first_step(tmp_path):
    path = write(tmp_path, GOOD.replace("  - build: app\n", "  - build: app\n    say: {en: Mine, zh: 我的}\n"))
    first, second = play(load_lesson(path)).frames[:2]
    assert first.say.en == "Mine" and first.say.zh == "我的"
    assert second.say.en.startswith("`COPY` copied files")


@pytest.mark.parametrize("value", ['""', '"FROM scratch\\nCOPPY hello /"'])
def test_a_one_line_dockerfile_error_points_at_the_dockerfile_key(tmp_path, value):
    text = GOOD.replace("    dockerfile: |\n      FROM scratch\n      COPY hello /\n", f"    dockerfile: {value}\n")
    assert [line for line, _ in problems(write(tmp_path, text))] == [6]


def test_two_containers_with_one_name_are_reported(tmp_path):
    path = write(tmp_path, GOOD.replace("  - exec: cat /hello\n", "  - run: c1\n    image: app\n  - exec: cat /hello\n"))
    assert problems(path) == [
        (15, "run: a container named 'c1' was already started at line 13 (docker run --name refuses a name in use)")]
