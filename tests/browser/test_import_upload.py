"""The import page in a real Chromium, without a line of JavaScript of its own: pick a file, press Import.

One page load and one form post: the archive is `app.imageio`'s docker save of a small simulated
build; the answer shows a row per history entry and the skeleton, and axe-core finds no WCAG 2.2 AA
violation on it.
"""

from __future__ import annotations

import pytest

from app.build import build
from app.imageio import write_docker_archive

pytestmark = pytest.mark.browser

DOCKERFILE = "FROM busybox:1.36\nRUN mkdir /app && echo hi > /app/a && rm /bin/ls\nENV MODE=prod\n"


def test_an_uploaded_archive_shows_its_layers_and_the_skeleton(server, page, axe, tmp_path):
    archive = tmp_path / "demo.tar"
    with open(archive, "wb") as out:
        write_docker_archive(build(DOCKERFILE, {}, filename="Dockerfile").image, out, "demo:1")
    page.goto(f"{server}/play")
    page.get_by_role("link", name="Import an image you built (docker save)").click()
    page.set_input_files("#archive", str(archive))
    page.get_by_role("button", name="Import").click()
    rows = page.locator("table.layers tbody tr")
    rows.first.wait_for()
    assert rows.count() == 3
    assert "config only" in rows.nth(2).inner_text()
    assert "instruction: 2" in page.locator("#skeleton").input_value()
    assert axe(page) == []
