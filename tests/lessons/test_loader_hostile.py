"""Lesson files written by an attacker (issue 9): YAML bombs, paths out of the lesson's
folder, unreadable files, ids the router would not serve. Each is a problem of that
lesson at file:line; `check` answers, and every other lesson and page keeps working."""

from __future__ import annotations

import os
import shutil

import pytest

from app import create_app
from app.cli import main
from app.lessons import LESSONS_DIR, LessonError, load_lesson

HEADER = "id: {id}\ntitle: {{en: T, zh: T}}\nsummary: {{en: S, zh: S}}\n"
STEPS = "steps:\n  - build: app\n"


def lesson(id_="evil", images="images:\n  - name: app\n    dockerfile: |\n      FROM scratch\n", steps=STEPS):
    return HEADER.format(id=id_) + images + steps


def billion_laughs() -> str:
    """The issue's alias bomb: 9 levels of 9 aliases (a billion "lol"s once expanded)."""
    lines = ['x0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        lines.append(f"x{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 9) + "]")
    return HEADER.format(id="laughs") + "\n".join(lines) + "\n" + STEPS


def problems_of(path) -> list[str]:
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    return [str(p) for p in info.value.problems]


@pytest.fixture()
def folder(tmp_path):
    shutil.copy(LESSONS_DIR / "01-hello-world.yaml", tmp_path / "01-hello-world.yaml")
    return tmp_path


def site(folder):
    return create_app({"TESTING": True, "LAYERLAB_LESSONS": str(folder)}).test_client()


def check(capsys, *paths) -> tuple[int, str]:
    status = main(["check", *map(str, paths)])
    return status, capsys.readouterr().err


def test_the_billion_laughs_fails_fast_at_its_first_anchor(folder, capsys):
    bomb = folder / "laughs.yaml"
    bomb.write_text(billion_laughs())
    expected = f"{bomb}:4:5: YAML: anchors (&a0) are not allowed in a lesson; write the value out"
    assert problems_of(bomb) == [expected]
    status, err = check(capsys, bomb)
    assert status == 1 and expected in err
    client = site(folder)
    index = client.get("/")
    assert index.status_code == 200
    assert "anchors (&amp;a0) are not allowed" in index.get_data(as_text=True)
    assert client.get("/lessons/hello-world/1").status_code == 200


def test_an_anchor_with_its_alias_is_refused_at_the_anchor(tmp_path):
    path = tmp_path / "alias.yaml"
    path.write_text(lesson() + "extra: !!str &name x\nmore: *name\n")
    assert problems_of(path) == [f"{path}:10:14: YAML: anchors (&name) are not allowed in a lesson; write the value out"]


def test_nesting_deeper_than_the_limit_is_refused_at_its_line(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text(lesson() + "deep: " + "[" * 25 + "]" * 25 + "\n")
    assert problems_of(path) == [f"{path}:10: YAML: nested more than 20 levels deep"]


def test_a_lesson_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(lesson() + "# " + "x" * 2_000_000 + "\n")
    assert problems_of(path) == [f"{path}:1: cannot read lesson: larger than 1024 KiB"]


@pytest.mark.parametrize("key, value, message", [
    ("dockerfile_file", "../outside/Dockerfile", "dockerfile_file: ../outside/Dockerfile leaves the lesson's folder"),
    ("dockerfile_file", "/etc/hostname", "dockerfile_file: /etc/hostname is an absolute path"),
    ("dockerfile_file", "link-to-hostname", "dockerfile_file: link-to-hostname leaves the lesson's folder"),
    ("dockerfile_file", "link-to-mem", "dockerfile_file: link-to-mem leaves the lesson's folder"),
    ("context_dir", "/etc", "context_dir: /etc is an absolute path"),
    ("context_dir", "../..", "context_dir: ../.. leaves the lesson's folder"),
])
def test_paths_that_leave_the_lessons_folder_are_errors_at_their_line(folder, key, value, message):
    (folder.parent / "outside").mkdir(exist_ok=True)
    (folder.parent / "outside" / "Dockerfile").write_text("FROM scratch\n")
    (folder / "link-to-hostname").symlink_to("/etc/hostname")
    (folder / "link-to-mem").symlink_to("/proc/self/mem")
    dockerfile = f"    {key}: {value}\n" + ("" if key == "dockerfile_file" else "    dockerfile: 'FROM scratch'\n")
    path = folder / "evil.yaml"
    path.write_text(lesson(images="images:\n  - name: app\n" + dockerfile))
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}:6: {message}")
    assert site(folder).get("/lessons/hello-world/1").status_code == 200


def test_a_fifo_or_a_folder_as_dockerfile_file_is_a_problem_not_a_hang(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "folder").mkdir()
    for name in ("fifo", "folder"):
        path = tmp_path / f"{name}.yaml"
        path.write_text(lesson(images=f"images:\n  - name: app\n    dockerfile_file: {name}\n"))
        assert problems_of(path) == [f"{path}:6: dockerfile_file: cannot read {name}: not a regular file"]


@pytest.mark.parametrize("make", ["mem", "fifo", "dangling"])
def test_an_unreadable_lesson_file_is_a_problem_of_that_lesson_only(folder, capsys, make):
    path = folder / "02-unreadable.yaml"
    if make == "mem":
        path.symlink_to("/proc/self/mem")
    elif make == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(folder / "nowhere")
    why = {"mem": "Input/output error", "fifo": "not a regular file", "dangling": "No such file or directory"}[make]
    expected = f"{path}:1: cannot read lesson: {why}"
    assert problems_of(path) == [expected]
    status, err = check(capsys, folder)
    assert status == 1 and err.splitlines()[0] == expected
    client = site(folder)
    index = client.get("/")
    assert index.status_code == 200 and "02-unreadable.yaml" in index.get_data(as_text=True)
    assert client.get("/lessons/hello-world/1").status_code == 200
    assert client.get("/lessons/hello-world/1.svg").status_code == 200


def test_ids_check_accepts_are_ids_the_router_serves(folder, capsys):
    long_ok, too_long = "a" * 64, "b" * 90
    (folder / "long.yaml").write_text(lesson(id_=long_ok))
    (folder / "too-long.yaml").write_text(lesson(id_=too_long))
    assert main(["check", str(folder / "long.yaml")]) == 0
    status, err = check(capsys, folder / "too-long.yaml")
    assert status == 1
    assert f"too-long.yaml:1: id: an id is 1 to 64 characters of a-z, 0-9 and '-'" in err
    client = site(folder)
    assert client.get(f"/lessons/{long_ok}/1").status_code == 200
    assert client.get(f"/lessons/{too_long}/1").status_code == 404


def test_a_step_number_with_a_newline_is_not_a_step(folder):
    client = site(folder)
    assert client.get("/lessons/hello-world/1").status_code == 200
    assert client.get("/lessons/hello-world/1%0A").status_code == 404
    assert client.get("/lessons/hello-world/1.svg%0A").status_code == 404
