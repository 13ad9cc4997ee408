"""Questions before a step: every answer comes from the played step, never from the lesson file.

The same ``ask:`` over two Dockerfiles must get two different right answers;
a question its step cannot answer is an error at the line of its ``ask:``.
"""

from __future__ import annotations

import textwrap

import pytest

from app.lessons import LessonError, lesson_files, load_lesson
from app.lessons.player import play
from app.lessons.questions import grade

LESSON = """\
id: quiz
title: {{en: Quiz, zh: 测验}}
summary: {{en: A quiz, zh: 测验}}
images:
  - name: app
    dockerfile: |
{dockerfile}
    context:
      hello: {{size: {size}}}
steps:
  - build: app
    instruction: {instruction}
    ask: {{kind: {build_kind}}}
  - run: c1
    image: app
  - exec: {command}
    in: c1
    ask: {{kind: {exec_kind}}}
"""


def lesson(tmp_path, *, dockerfile, size=100, instruction=2, build_kind="layer", command="cat /hello",
           exec_kind="read", name="quiz.yaml"):
    text = LESSON.format(dockerfile=textwrap.indent(textwrap.dedent(dockerfile), " " * 6), size=size,
                         instruction=instruction, build_kind=build_kind, command=command, exec_kind=exec_kind)
    path = tmp_path / name
    path.write_text(text)
    return path


def questions(path):
    played = play(load_lesson(path))
    return [f.question for f in played.frames if f.question is not None]


def test_the_read_question_follows_the_layer_that_holds_the_file(tmp_path):
    once = questions(lesson(tmp_path, dockerfile="FROM scratch\nCOPY hello /\n", name="a.yaml"))[1]
    again = questions(lesson(tmp_path, dockerfile="FROM scratch\nCOPY hello /\nCOPY hello /\n", name="b.yaml"))[1]
    assert once.answer == ("0",)  # the only layer
    assert again.answer == ("1",)  # the later COPY's copy hides the first one
    assert "layer 1: found" in again.why.en
    assert grade(again, ["1"]).right and not grade(again, ["0"]).right


def test_the_layer_question_follows_the_instruction(tmp_path):
    copy = questions(lesson(tmp_path, dockerfile="FROM scratch\nCOPY hello /\nENV A=1\n", name="a.yaml"))[0]
    env = questions(lesson(tmp_path, dockerfile="FROM scratch\nCOPY hello /\nENV A=1\n", instruction=3,
                           name="b.yaml"))[0]
    assert copy.answer == ("yes",) and env.answer == ("no",)
    assert "ENV changes only the image's configuration" in env.why.en


def test_the_size_question_follows_the_context_and_takes_a_tolerance(tmp_path):
    small = questions(lesson(tmp_path, dockerfile="FROM scratch\nCOPY hello /\n", size=2_000_000,
                             build_kind="size", name="a.yaml"))[0]
    big = questions(lesson(tmp_path, dockerfile="FROM scratch\nCOPY hello /\nCOPY hello /again\n", size=5_000_000,
                           instruction=3, build_kind="size", name="b.yaml"))[0]
    assert (small.unit, small.exact, big.exact) == ("MB", 2.0, 10.0)  # every layer counts
    assert grade(big, ["10.9"]).right and not grade(big, ["11.1"]).right  # 10% by default
    assert not grade(small, ["5"]).right
    assert grade(big, ["lots"]).problem == "not a number" and not grade(big, ["nan"]).right
    assert not grade(big, [""]).answered  # "show the answer": no grade


def test_the_diff_question_follows_the_command(tmp_path):
    dockerfile = "FROM scratch\nCOPY hello /\n"
    added = questions(lesson(tmp_path, dockerfile=dockerfile, command="echo hi > /new", exec_kind="diff",
                             name="a.yaml"))[1]
    deleted = questions(lesson(tmp_path, dockerfile=dockerfile, command="rm /hello", exec_kind="diff",
                               name="b.yaml"))[1]
    assert added.answer == ("A /new",) and deleted.answer == ("D /hello",)
    assert {"C /new", "C /hello"} <= {c.value for c in added.choices + deleted.choices}  # computed decoys
    assert grade(added, ["A /new"]).right
    assert not grade(added, ["A /new", "C /new"]).right  # every line, and only those
    assert grade(added, ["X /etc"]).problem  # not a choice: refused, never an error


@pytest.mark.parametrize("build_kind, exec_kind, line, wanted", [
    ("read", "read", 15, "ask: read: a read question asks about a command in a container"),
    ("layer", "layer", 20, "ask: layer: a layer question asks about a Dockerfile instruction"),
    ("layer", "size", 20, "ask: size: a size question asks about an image after a build or show step"),
])
def test_a_question_its_step_cannot_answer_is_an_error_at_its_line(tmp_path, build_kind, exec_kind, line, wanted):
    path = lesson(tmp_path, dockerfile="FROM scratch\nCOPY hello /\n", build_kind=build_kind, exec_kind=exec_kind)
    with pytest.raises(LessonError) as info:
        play(load_lesson(path))
    [problem] = info.value.problems
    assert problem.line == line and problem.message.startswith(wanted), str(problem)


def test_a_read_question_on_a_command_that_reads_nothing_is_an_error(tmp_path):
    path = lesson(tmp_path, dockerfile="FROM scratch\nCOPY hello /\n", command="echo hi > /new")
    with pytest.raises(LessonError) as info:
        play(load_lesson(path))
    assert [str(p).split(": ", 1)[1] for p in info.value.problems] == [
        "ask: read: the step's command makes no read of any file"]


def test_check_reports_a_question_and_a_challenge_at_their_lines(tmp_path, capsys):
    """One check run (it starts the sandbox once) for a lesson and a challenge."""
    from app.cli import main

    path = lesson(tmp_path, dockerfile="FROM scratch\nCOPY hello /\n", build_kind="read")
    challenge = tmp_path / "challenges" / "tiny.yaml"
    challenge.parent.mkdir()
    challenge.write_text(CHALLENGE)
    assert main(["check", str(path), str(challenge)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:15: ask: read:" in err
    assert f"{challenge}:7: solution: does not reach the goal 'at most 1 layers' (the goal at line 6)" in err


CHALLENGE = (  # one goal, and a solution that still makes two layers
    'challenge: tiny\ntitle: {en: T, zh: T}\ntask: {en: T, zh: T}\n'
    'start: {dockerfile: "FROM scratch\\nCOPY hello /\\nCOPY hello /x\\n", context: {hello: hi}}\n'
    'goals:\n  - at_most_layers: 1\n'
    'solution: {dockerfile: "FROM scratch\\nCOPY hello /\\nCOPY hello /y\\n", context: {hello: hi}}\n')


def test_every_bundled_lesson_asks_a_question_in_both_languages():
    for path in lesson_files():
        spec = load_lesson(path).spec
        assert any(step.ask for step in spec.steps), f"{path.name} asks nothing"
    # the bundled questions are computed when check plays them (tests/cli); here one of them, in full
    played = play(load_lesson(next(p for p in lesson_files() if p.name.startswith("04-"))))
    [diff, read] = [f.question for f in played.frames if f.question]
    assert read.answer == ("1",)  # c2 has no whiteout of its own: the first RUN's layer 1 serves the file
    assert set(diff.answer) == {"C /etc", "C /etc/motd", "C /srv", "C /srv/www", "D /srv/www/index.html",
                                "C /tmp", "A /tmp/notes.txt"}
    assert all(q.prompt.zh and q.why.zh and q.prompt.en != q.prompt.zh for q in (read, diff))
