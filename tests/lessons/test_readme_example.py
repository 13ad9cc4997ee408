"""The lesson example in README.md is a lesson that plays: the README tells the truth."""

from pathlib import Path

from app.lessons import load_lesson
from app.lessons.player import play

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_lesson_example_plays(tmp_path):
    text = README.read_text()
    start = text.index("```yaml\n") + len("```yaml\n")
    (tmp_path / "example.yaml").write_text(text[start:text.index("```", start)])
    played = play(load_lesson(tmp_path / "example.yaml"))
    assert [f.kind for f in played.frames] == ["build", "build", "run", "exec", "show"]
