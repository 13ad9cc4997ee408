"""BuildKit's own parser and lexer test data must come out exactly as BuildKit's tests demand.

The data is read from ../shared/conformance/buildkit (or $LAYERLAB_SHARED), never
copied into the project; /work/shared/conformance/README.md describes the formats.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.dockerfile.errors import DockerfileError
from app.dockerfile.lexer import Lexer, ShellWordError
from app.dockerfile.parser import dump, parse


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "surrogateescape")


@pytest.fixture(scope="module")
def buildkit(shared_dir: Path) -> Path:
    root = shared_dir / "conformance" / "buildkit"
    if not root.is_dir():
        pytest.skip(f"no BuildKit corpus at {root}")
    return root



def test_every_positive_case_dumps_byte_for_byte(buildkit: Path):
    cases = sorted(p for p in (buildkit / "parser" / "testfiles").iterdir() if p.is_dir())
    assert len(cases) >= 33
    mismatches = []
    for case in cases:
        expected = _read(case / "result")
        got = dump(parse(_read(case / "Dockerfile"), filename=str(case / "Dockerfile"))) + "\n"
        if got != expected:
            mismatches.append(case.name)
    assert mismatches == []


@pytest.mark.parametrize("case, message", [
    ("empty_dockerfile", "file with no instructions"),
    ("only_comments", "file with no instructions"),
    ("env_no_value", "ENV must have two arguments"),
    ("shykes-nested-json", "when using JSON array syntax, arrays must be comprised of strings only"),
])
def test_every_negative_case_fails_with_buildkits_message(buildkit: Path, case: str, message: str):
    path = buildkit / "parser" / "testfiles-negative" / case / "Dockerfile"
    with pytest.raises(DockerfileError) as caught:
        parse(_read(path))
    assert caught.value.message == message


def test_no_negative_case_is_left_unchecked(buildkit: Path):
    names = {p.name for p in (buildkit / "parser" / "testfiles-negative").iterdir() if p.is_dir()}
    assert names == {"empty_dockerfile", "only_comments", "env_no_value", "shykes-nested-json"}


def test_line_numbers_of_the_testfile_line_case(buildkit: Path):
    result = parse(_read(buildkit / "parser" / "testfile-line" / "Dockerfile"))
    assert [(n.cmd, n.start_line, n.end_line) for n in result.nodes] == [
        ("from", 5, 5), ("env", 11, 12), ("run", 17, 31)]


ENV_VAR_TEST_ENV = {"PWD": "/home", "SHELL": "bash", "KOREAN": "한국어", "NULL": ""}


def _env_var_cases(path: Path) -> list[tuple[str, str, str]]:
    cases = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("#") or not line.strip():
            continue
        platform, word, expected = (field.strip() for field in line.strip().split("|"))
        cases.append((platform, word, expected))
    return cases


def test_env_var_test_expands_as_listed(buildkit: Path):
    cases = _env_var_cases(buildkit / "shell" / "envVarTest")
    assert len(cases) == 230
    wrong = []
    for platform, word, expected in cases:
        # U cases run on Unix, W cases on Windows (case-insensitive names); we run both kinds.
        lexer = Lexer("\\", case_insensitive=platform == "W")
        try:
            got = lexer.process_word(word, ENV_VAR_TEST_ENV)
        except ShellWordError:
            got = "error"
        if got != expected:
            wrong.append((word, got, expected))
    assert wrong == []


def test_words_test_splits_as_listed(buildkit: Path):
    env: dict[str, str] = {}
    checked = 0
    wrong = []
    for line in (buildkit / "shell" / "wordsTest").read_text(encoding="utf-8").split("\n"):
        if line.startswith("#") or line == "":
            continue
        if line.startswith("ENV "):
            name, value = line[4:].lstrip(" ").split("=", 1)
            env[name] = value
            continue
        word, expected = line.split("|")
        try:
            got = Lexer("\\").process_words(word.strip(), env)
        except ShellWordError:
            got = ["error"]
        checked += 1
        if got != expected.lstrip(" ").split(","):
            wrong.append((word, got))
    assert checked == 24 and wrong == []


def test_lexer_errors_carry_buildkits_wording():
    with pytest.raises(ShellWordError, match=r'failed to process "\$\{FOO:=x\}": unsupported modifier \(:=\)'):
        Lexer().process_word("${FOO:=x}", {})
