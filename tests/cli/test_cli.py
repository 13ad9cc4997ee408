"""The layerlab command, run as an instructor runs it."""

from __future__ import annotations

import json
from pathlib import Path

from cli_inprocess import layerlab  # in this process: no 1-3 s of a new Python per run

ROOT = Path(__file__).resolve().parents[2]




def test_check_passes_on_the_bundled_lessons():
    result = layerlab("check")
    assert result.returncode == 0, result.stderr
    assert "all good" in result.stdout


def test_check_reports_a_broken_dockerfile_with_file_and_line(tmp_path):
    lesson = tmp_path / "broken.yaml"
    lesson.write_text(
        "id: broken\n"
        "title: {en: Broken, zh: 坏}\n"
        "summary: {en: x, zh: y}\n"
        "images:\n"
        "  - name: app\n"
        "    dockerfile: |\n"
        "      FROM debian:bookworm\n"
        "      RUN echo hi\n"
        "      FORM scratch\n"
        "steps:\n"
        "  - build: app\n"
    )
    result = layerlab("check", str(lesson))
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{lesson}:9:"), first
    assert "FORM" in first and "FROM" in first


def test_render_writes_svg_and_png(tmp_path):
    svg, png = tmp_path / "s.svg", tmp_path / "s.png"
    assert layerlab("render", "container-layer", "--step", "5", "-o", str(svg)).returncode == 0
    assert svg.read_text().lstrip().startswith("<svg")
    assert layerlab("render", "container-layer", "--step", "5", "--format", "png", "-o", str(png)).returncode == 0
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_render_rejects_a_step_out_of_range():
    result = layerlab("render", "hello-world", "--step", "99", "-o", "-")
    assert result.returncode == 1 and "out of range" in result.stderr


def test_build_json_of_hello_world(tmp_path):
    (tmp_path / "hello").write_text("hi\n")
    (tmp_path / "Dockerfile").write_text('FROM scratch\nCOPY hello /\nCMD ["/hello"]\n')
    result = layerlab("build", str(tmp_path / "Dockerfile"), "--json")
    assert result.returncode == 0, result.stderr
    image = json.loads(result.stdout)
    assert [layer["empty_layer"] for layer in image["layers"]] == [False, True]
    [entry] = [e for e in image["layers"][0]["entries"] if e["path"] == "/hello"]
    assert entry["type"] == "file" and entry["size"] == 3 and entry["mode"] == "0644"
    assert image["layers"][0]["diff_id"].startswith("sha256:")
    assert image["layers"][1]["diff_id"] is None
    assert [m["path"] for m in image["merged"] if m["type"] == "file"] == ["/hello"]


def test_render_to_a_folder_that_does_not_exist_is_a_message_not_a_traceback(tmp_path):
    result = layerlab("render", "hello-world", "--step", "1", "-o", str(tmp_path / "no" / "s.svg"))
    assert result.returncode == 1
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr


def test_build_with_a_context_folder_that_does_not_exist_fails(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY hello /\n")
    result = layerlab("build", str(tmp_path / "Dockerfile"), "--context", str(tmp_path / "nothere"))
    assert result.returncode == 1 and "build context folder not found" in result.stderr


def test_check_reports_two_lessons_with_one_id(tmp_path):
    original = ROOT / "lessons" / "01-hello-world.yaml"
    (tmp_path / "copy.yaml").write_text(original.read_text())
    result = layerlab("check", str(original), str(tmp_path / "copy.yaml"))
    assert result.returncode == 1
    assert f"{tmp_path / 'copy.yaml'}:2: id: 'hello-world' is already the id of" in result.stderr


def test_check_finds_yml_lessons_and_refuses_a_folder_without_any(tmp_path):
    (tmp_path / "hello.yml").write_text((ROOT / "lessons" / "01-hello-world.yaml").read_text())
    result = layerlab("check", str(tmp_path))
    assert result.returncode == 0 and "1 lesson(s)" in result.stdout, result.stderr
    (tmp_path / "empty").mkdir()
    result = layerlab("check", str(tmp_path / "empty"))
    assert result.returncode == 1 and "no lesson files" in result.stderr
