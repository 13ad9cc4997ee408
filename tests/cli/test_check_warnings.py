"""`layerlab check` warns where a lesson shows what docker build would not make:
exit 0 with the warnings printed at their file:line, exit 1 with --strict."""

from __future__ import annotations

from pathlib import Path

from cli_inprocess import Ran, layerlab  # in this process: no 1-3 s of a new Python per run

ROOT = Path(__file__).resolve().parents[2]

# The context is marked partial, as a Dockerfile pasted from elsewhere is: a missing COPY source is then a
# flagged placeholder (and a warning), not the build error Docker gives.
HEAD = "id: warn\ntitle: {en: Warn, zh: 警告}\nsummary: {en: x, zh: y}\nimages:\n  - name: app\n    context_partial: true\n    dockerfile: |\n"


def check(tmp_path: Path, dockerfile: list[str], *flags: str) -> Ran:
    lesson = tmp_path / "warn.yaml"
    lesson.write_text(HEAD + "".join(f"      {line}\n" for line in dockerfile) + "steps:\n  - build: app\n")
    return layerlab("check", *flags, str(lesson))


def warnings(result: Ran) -> list[str]:
    return [line for line in result.stderr.splitlines() if ": warning: " in line]


def test_an_editor_and_a_missing_context_file_are_two_warnings_at_their_lines(tmp_path):
    result = check(tmp_path, ["FROM debian:bookworm", "RUN nano /etc/motd", "COPY requirements.txt /app/"])
    assert result.returncode == 0, result.stderr
    found = warnings(result)
    assert len(found) == 2, result.stderr
    assert found[0].startswith(f"{tmp_path / 'warn.yaml'}:9: warning:") and "nano, an editor" in found[0]
    assert found[1].startswith(f"{tmp_path / 'warn.yaml'}:10: warning:") and "missing from the build context" in found[1]
    assert "2 warning(s)" in result.stdout and "all good" not in result.stdout


def test_strict_makes_warnings_errors(tmp_path):
    result = check(tmp_path, ["FROM debian:bookworm", "RUN make install"], "--strict")
    assert result.returncode == 1
    assert "not simulated: make install" in warnings(result)[0]
    assert "--strict" in result.stderr


def test_an_unknown_base_image_warns(tmp_path):
    result = check(tmp_path, ["FROM example/not-in-the-catalog:1", "RUN true"])
    assert result.returncode == 0
    assert ":8: warning:" in warnings(result)[0] and "layerlab images" in warnings(result)[0]


def test_a_lesson_simulated_in_full_is_all_good(tmp_path):
    result = check(tmp_path, ["FROM debian:bookworm", "RUN dd if=/dev/zero of=/big bs=1M count=50",
                              "RUN rm /big"], "--strict")
    assert result.returncode == 0, result.stderr
    assert warnings(result) == [] and "all good" in result.stdout
