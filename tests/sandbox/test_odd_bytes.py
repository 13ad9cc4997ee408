"""Any bytes, never a 500: file names with byte 0xff or control characters, and command
output with invalid UTF-8, on the step page, its SVG (well-formed XML) and PNG, in
`layerlab render` and in `layerlab build --json`."""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET

import pytest

from app import create_app
from app.cli import main

RUNS = [
    """touch "/f-$(printf '\\377')" """,
    """touch "/c-$(printf 'a\\001b\\033[31mred\\tx')" """,
    """printf 'out:\\377\\n' """,
    """mkdir "/d-$(printf '\\376\\177')" && printf 'x\\200y' > "/d-$(printf '\\376\\177')/v-$(printf '\\002')" """,
]
DOCKERFILE = "FROM debian:bookworm\n" + "".join(f"RUN {run.strip()}\n" for run in RUNS)
LESSON = """\
id: odd
title: {en: Odd bytes, zh: Odd bytes}
summary: {en: names and output that are not UTF-8, zh: x}
images:
  - name: odd
    dockerfile: |
""" + "".join(f"      {line}\n" for line in DOCKERFILE.splitlines()) + """\
steps:
""" + "".join(f"  - build: odd\n    instruction: {n}\n" for n in range(1, len(RUNS) + 2))


@pytest.fixture(scope="module")
def lessons(tmp_path_factory):
    folder = tmp_path_factory.mktemp("odd")
    (folder / "odd.yaml").write_text(LESSON)
    return folder


@pytest.fixture(scope="module")
def client(lessons):
    return create_app({"TESTING": True, "LAYERLAB_LESSONS": str(lessons)}).test_client()


@pytest.mark.parametrize("step", range(2, len(RUNS) + 2))
def test_the_step_page_svg_and_png_answer(client, step):
    page = client.get(f"/lessons/odd/{step}")
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    svg = client.get(f"/lessons/odd/{step}.svg")
    assert svg.status_code == 200
    ET.fromstring(svg.get_data())  # well-formed XML, whatever the names
    png = client.get(f"/lessons/odd/{step}.png")
    assert png.status_code == 200 and png.get_data().startswith(b"\x89PNG")


def test_names_and_output_are_shown_escaped_as_ls_b_does(client):
    svg = html.unescape(client.get("/lessons/odd/2.svg").get_data(as_text=True))
    assert "/f-\\377" in svg
    svg = html.unescape(client.get("/lessons/odd/3.svg").get_data(as_text=True))
    assert "/c-a\\001b\\033[31mred\\tx" in svg
    page = html.unescape(client.get("/lessons/odd/4").get_data(as_text=True))
    assert "out:\\377" in page and "\ufffd" not in page


def test_cli_render_writes_svg_and_png(lessons, tmp_path, capsys):
    for step in range(2, len(RUNS) + 2):
        out = tmp_path / f"step{step}.svg"
        assert main(["render", str(lessons / "odd.yaml"), "--step", str(step), "-o", str(out)]) == 0
        ET.fromstring(out.read_bytes())
        png = tmp_path / f"step{step}.png"
        assert main(["render", str(lessons / "odd.yaml"), "--step", str(step), "-o", str(png)]) == 0
        assert png.read_bytes().startswith(b"\x89PNG")


def test_build_json_is_valid_json_with_escaped_names(tmp_path, capsys):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    assert main(["build", "--json", str(tmp_path / "Dockerfile")]) == 0
    out = capsys.readouterr().out
    out.encode("utf-8")  # no lone surrogates: it can be written anywhere
    document = json.loads(out)
    text = json.dumps(document)
    assert "f-\\\\xff" in text or "f-\\\\377" in text
