"""`layerlab parse`: the JSON shape documented in docs/cli-parse.md, and errors as FILE:LINE:COLUMN."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def layerlab(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture
def dockerfile(tmp_path: Path):
    def write(text: str) -> str:
        path = tmp_path / "Dockerfile"
        path.write_text(text, encoding="utf-8")
        return str(path)
    return write


def test_json_has_buildkits_field_names_one_object_per_instruction(dockerfile):
    path = dockerfile("FROM debian:bookworm-slim AS base\nCOPY --chmod=755 <<EOF /usr/local/bin/hi\n"
                      "echo hi\nEOF\nENV A=1 \\\n    B=\"x y\"\nONBUILD RUN make\n")
    done = layerlab("parse", path, "--json")
    assert done.returncode == 0, done.stderr
    objects = json.loads(done.stdout)
    assert [set(o) for o in objects] == [{"cmd", "sub_cmd", "json", "original", "start_line", "end_line",
                                           "flags", "value", "heredocs"}] * 4
    copy, env, onbuild = objects[1], objects[2], objects[3]
    assert copy["flags"] == ["--chmod=755"]
    assert copy["value"] == ["<<EOF", "/usr/local/bin/hi"]
    assert (copy["start_line"], copy["end_line"]) == (2, 4)
    assert copy["heredocs"][0]["name"] == "EOF" and copy["heredocs"][0]["content"] == "echo hi\n"
    assert env["value"] == ["A", "1", "B", '"x y"'] and env["original"] == 'ENV A=1     B="x y"'
    assert (onbuild["cmd"], onbuild["sub_cmd"], onbuild["value"]) == ("onbuild", "run", ["make"])


def test_without_json_it_prints_buildkits_tree_dump(dockerfile):
    done = layerlab("parse", dockerfile('FROM a\nCMD ["x", "y"]\nENV k v w\n'))
    assert done.stdout == '(from "a")\n(cmd "x" "y")\n(env "k" "v w" "")\n'


def test_an_error_is_file_line_column_message_and_exit_one(dockerfile):
    path = dockerfile("FROM a\nRUN true\nFORM b\n")
    done = layerlab("parse", path, "--json")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines()[0] == f"{path}:3:1: unknown instruction: FORM (did you mean FROM?)"


def test_a_missing_file_is_an_error_too(tmp_path: Path):
    done = layerlab("parse", str(tmp_path / "nope"), "--json")
    assert done.returncode == 1
    assert done.stderr.startswith(f"{tmp_path / 'nope'}:1:1: cannot read the Dockerfile")
