"""`layerlab export handout` as a PDF (typeset by WeasyPrint, no browser): one step per A4 page, numbered,
with the narration in both languages and the step's Dockerfile line marked."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from app.cli.export_cmd import handout_html, print_pdf

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_container_layer_handout_pdf_has_one_numbered_page_per_step_with_its_narration(lang, tmp_path):
    """`export handout container-layer -o x.pdf [--lang zh]`: the cover, then one page per step whose text holds
    that step's narration (in zh the Chinese one) and the page number; build steps mark their Dockerfile line."""
    pdfium = pytest.importorskip("pypdfium2")  # PDFium, Chromium's own reader: pypdf takes seconds on these pages
    from app import sandbox

    status, html = handout_html("container-layer", None, lang, 1)
    frames = sandbox.played(ROOT / "lessons" / "04-container-layer.yaml").frames  # as the handout's worker played it
    assert status == 200
    pdf = tmp_path / "x.pdf"
    assert print_pdf(html, pdf) is None
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


def test_two_steps_per_page(tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    status, html = handout_html("hello-world", None, "en", 2)
    pdf = tmp_path / "two.pdf"
    assert status == 200
    assert print_pdf(html, pdf) is None
    steps = html.count('<section class="step"')
    assert len(pdfium.PdfDocument(pdf)) == 1 + (steps + 1) // 2


