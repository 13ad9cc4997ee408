"""Twenty common authoring mistakes, each with the file:line(:column) and the words a newcomer can act on."""

from __future__ import annotations

import pytest

from app.lessons import LessonError, load_lesson

GOOD = """\
id: x
title: {en: X, zh: X}
summary: {en: S, zh: S}
images:
  - name: one
    dockerfile: |
      FROM scratch
steps:
  - build: one
    say: {en: "a", zh: "b"}
"""

# (name, what the mistake replaces in GOOD, where, the message)
MISTAKES = [
    ("indented one space less", ("    say:", "   say:"), "10:4",
     "YAML: this line is indented less than the key above it — check the spaces (keys of one mapping line up)"),
    ("indented two spaces more", ("    say:", "      say:"), "10:10",
     "YAML: this line is indented more than the key above it, which already has a value — check the spaces "
     "(keys of one mapping line up)"),
    ("a tab", ("    say:", "\tsay:"), "10:1",
     "YAML: this line is indented with a tab; YAML indents with spaces only — replace the tab with spaces"),
    ("a colon in a plain value", ('    say: {en: "a", zh: "b"}', "    say:\n      en: Note: this\n      zh: b"), "11:15",
     'YAML: a \': \' inside a value — put the value in quotes, e.g. en: "Note: this"'),
    ("no space after a colon", ("id: x", "id:x"), "2:6",
     "YAML: a ':' with no space after it on the line above — write 'key: value'"),
    ("a quote not closed", ('"a"', '"a'), "10:24",
     "YAML: this {…} or […] is not closed where YAML expects it — a quote or bracket is missing, or a value with "
     "',' or ':' needs quotes"),
    ("a key twice", ("summary: {en: S, zh: S}", "summary: {en: S, zh: S}\ntitle: {en: Y, zh: Y}"), "4:1",
     "YAML: the key 'title' appears twice in one mapping; keep one"),
    ("say as a plain string", ('say: {en: "a", zh: "b"}', 'say: "only english"'), "10",
     'steps.0.say: a plain text is for a one-language course; write say: {en: "…", zh: "…"}, or declare '
     "languages: [en] at the top of the lesson"),
    ("say without zh", (', zh: "b"', ""), "10",
     'steps.0.say: has no zh: text, and this lesson is taught in en, zh (languages: [en, zh]); add zh: "…", or '
     "declare languages: [en]"),
    ("say as a list", ('say: {en: "a", zh: "b"}', "say:\n      - en: a"), "10",
     'steps.0.say: must be a mapping of languages, e.g. say: {en: "…", zh: "…"}, or write say: "…" in a '
     "one-language course (languages: [en] at the top)"),
    ("a misspelt key", ("    say:", "    sya:"), "10", "steps.0: unknown key 'sya' (did you mean 'say'?)"),
    ("no id", ("id: x\n", ""), "1", "missing required key 'id'"),
    ("an id with capitals and spaces", ("id: x", "id: My Lesson"), "1",
     "id: an id is 1 to 64 characters of a-z, 0-9 and '-', not starting with '-'"),
    ("a step of two kinds", ("  - build: one", "  - build: one\n    run: c1"), "9",
     "steps.0: a step needs exactly one of: build, run, exec, show, rebuild"),
    ("exec without in", ("  - build: one", "  - exec: ls"), "9", "steps.0: missing required key 'in'"),
    ("steps without their dashes", ("  - build: one\n    say", "  build: one\n  say"), "8",
     "steps: must be a list, one step per line starting with '- ', e.g. '  - build: app'"),
    ("a file mode not in octal", ("      FROM scratch", '      FROM scratch\n    context:\n      a: {size: 3, mode: "755a"}'),
     "9", "images.0.context.a.mode: '755a' is not a file mode; write it in octal, in quotes, e.g. mode: \"0755\""),
    ("instruction 0", ("  - build: one", "  - build: one\n    instruction: 0"), "10",
     "steps.0.instruction: must be 1 or more (steps and instructions count from 1)"),
    ("order not a number", ("id: x", "id: x\norder: first"), "2", "order: must be a whole number, not 'first'"),
    ("no steps at all", ("steps:\n  - build: one\n    say: {en: \"a\", zh: \"b\"}\n", "steps: []\n"), "8",
     "steps: a lesson needs at least one step"),
    ("a language layerlab does not speak", ("id: x", "id: x\nlanguages: [fr]"), "2",
     "languages.0: 'fr' is not a language layerlab speaks (en, zh)"),
]


@pytest.mark.parametrize("name, change, where, message", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_a_mistake_gets_its_line_and_words(tmp_path, name, change, where, message):
    old, new = change
    assert old in GOOD, name
    path = tmp_path / "lesson.yaml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    assert [str(p) for p in info.value.problems] == [f"{path}:{where}: {message}"]


def test_the_good_lesson_loads():
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "good.yaml"
        path.write_text(GOOD, encoding="utf-8")
        assert load_lesson(path).id == "x"


def test_a_one_language_course_needs_no_zh(tmp_path):
    path = tmp_path / "en.yaml"
    path.write_text("languages: [en]\n" + GOOD.replace("{en: X, zh: X}", '"X"').replace("{en: S, zh: S}", "S")
                    .replace('{en: "a", zh: "b"}', '"only english"'), encoding="utf-8")
    lesson = load_lesson(path)
    assert lesson.spec.languages == ["en"]
    say = lesson.spec.steps[0].say
    assert say.get("en") == say.get("zh") == "only english"
    assert lesson.spec.title.get("zh") == "X"


def test_a_chinese_only_course(tmp_path):
    path = tmp_path / "zh.yaml"
    path.write_text("languages: [zh]\n" + GOOD.replace('{en: "a", zh: "b"}', '"只有中文"').replace("{en: X, zh: X}", "标题")
                    .replace("{en: S, zh: S}", "{zh: 摘要}"), encoding="utf-8")
    lesson = load_lesson(path)
    assert lesson.spec.steps[0].say.get("en") == "只有中文"
    assert lesson.spec.summary.get("en") == "摘要"


def test_the_problem_shows_its_line_with_a_caret(tmp_path):
    path = tmp_path / "lesson.yaml"
    path.write_text(GOOD.replace("    say:", "   say:"), encoding="utf-8")
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    assert info.value.problems[0].excerpt() == '   say: {en: "a", zh: "b"}\n   ^'
