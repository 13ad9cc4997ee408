"""The exported site in a real Chromium from file://: every step of two lessons by its links, nothing fetched
from outside the folder; the handout prints one step per A4 page with the narration in both languages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.cli.export_cmd import export_site

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lessons(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lessons")
    for name in ("01-hello-world.yaml", "06-multi-stage.yaml"):
        shutil.copy(ROOT / "lessons" / name, folder)
    return folder


@pytest.fixture(scope="module")
def site(lessons, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    written, problems = export_site(out, str(lessons), ["en", "zh"])
    assert problems == [] and written
    return out


def test_walk_two_lessons_from_file_url_with_nothing_from_outside(site, page):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((site / "index.html").as_uri())
    page.click(".lessons .card a >> nth=0")
    walked = []
    for _ in range(60):
        page.wait_for_selector("#diagram svg", state="visible")
        box = page.locator("#diagram svg").bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, page.url
        walked.append(page.url.rsplit("/", 2)[-2:])
        nxt = page.locator(".pager a.primary")
        if nxt.get_attribute("href").endswith("index.html"):
            break
        nxt.click()
        page.wait_for_load_state("load")
    lessons_walked = {lesson for lesson, _ in walked}
    assert lessons_walked == {"hello-world", "multi-stage"}
    assert len(walked) == len(list((site / "lessons").glob("*/[0-9]*.html"))) // 2
    root = site.resolve().as_uri() + "/"
    outside = [url for url in requests if not url.startswith(root)]
    assert outside == [], outside


def test_the_language_switch_and_the_step_dots_work_offline(site, page):
    page.goto((site / "lessons" / "multi-stage" / "2.html").as_uri())
    page.click("#langs a[hreflang=zh]")
    page.wait_for_url("**/multi-stage/2.zh.html")
    page.click(".dots li:nth-child(1) a")
    page.wait_for_url("**/multi-stage/1.zh.html")
    # the click returns when the URL changes, before the new page has drawn: wait for it, not race it
    expect(page.locator("#diagram svg")).to_be_visible()

