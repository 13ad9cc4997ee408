"""The exported site in a real Chromium from file://: every step of two lessons by its links, nothing fetched
from outside the folder; the handout prints one step per A4 page with the narration in both languages."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from app.cli.export_cmd import export_site, handout_html, pdf_with

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
    assert page.url.endswith("/multi-stage/2.zh.html")
    page.click(".dots li:nth-child(1) a")
    assert page.url.endswith("/multi-stage/1.zh.html")
    assert page.locator("#diagram svg").is_visible()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_container_layer_handout_pdf_has_one_numbered_page_per_step_with_its_narration(lang, tmp_path, browser):
    """`export handout container-layer -o x.pdf [--lang zh]`: the cover, then one page per step whose text holds
    that step's narration (in zh the Chinese one) and the page number; build steps mark their Dockerfile line."""
    pdfium = pytest.importorskip("pypdfium2")  # PDFium, Chromium's own reader: pypdf takes seconds on these pages
    from app import sandbox

    status, html = handout_html("container-layer", None, lang, 1)
    frames = sandbox.played(ROOT / "lessons" / "04-container-layer.yaml").frames  # as the handout's worker played it
    assert status == 200
    pdf = tmp_path / "x.pdf"
    pdf_with(browser, html, pdf)
    document = pdfium.PdfDocument(pdf)
    pages = [_flat(document[i].get_textpage().get_text_range()) for i in range(len(document))]
    document.close()
    assert len(pages) == len(frames) + 1  # the cover, then one page per step
    for n, (frame, text) in enumerate(zip(frames, pages[1:]), 1):
        narration = _flat(re.sub(r"[*`_]", "", frame.say.get(lang)))
        assert narration[:40] in text, (n, narration[:40], text[:300])
        assert text.endswith(f"{n + 1}/{len(pages)}"), (n, text[-20:])  # the page number in the footer
        if lang == "zh":
            assert re.search("[\u4e00-\u9fff]{4}", narration) and narration[:40] in text
    marked = re.findall(r'<section class="step" id="step-(\d+)".*?<li class="current"><code>([^<]*)</code>', html, re.S)
    builds = {f.number: f.command for f in frames if f.kind == "build"}
    assert {int(n): _unescape(line) for n, line in marked} == builds


def _flat(text: str) -> str:
    """Text without its line breaks and spaces, in NFKC (the PDF's CJK radicals as the plain ideographs)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_two_steps_per_page(lessons, tmp_path, browser):
    pypdf = pytest.importorskip("pypdf")
    status, html = handout_html("hello-world", str(lessons), "en", 2)
    pdf = tmp_path / "two.pdf"
    assert status == 200
    pdf_with(browser, html, pdf)
    steps = html.count('<section class="step"')
    assert len(pypdf.PdfReader(pdf).pages) == 1 + (steps + 1) // 2


def _text(fragment: str) -> str:
    import html
    import re

    return unicodedata.normalize("NFKC", html.unescape(re.sub(r"<[^>]+>", " ", fragment)))
