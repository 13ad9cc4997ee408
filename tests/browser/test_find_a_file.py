"""Issue 13's must-show in a real Chromium: find apache2, follow dpkg's status to its layer, the wasted lists.

One test, two page loads: everything else is htmx swapping the inspector panel beside the diagram.
LAYERLAB_SHOTS=DIR also saves the panel with search results at 1440x900 and 390x844 (two more loads).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from app import sandbox
from app.lessons import load_lesson, player

pytestmark = pytest.mark.browser

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
SHOTS = os.environ.get("LAYERLAB_SHOTS")
WASTED = re.compile(r"potential wasted space ([0-9.]+) (k|M|G)?B")


def apache2_step() -> int:
    """The layered-image step that builds editor-web's `RUN apt-get install -y apache2`, read from the
    lesson file (step numbers shift as the lesson grows)."""
    lesson = load_lesson(LESSONS / "03-layered-image.yaml")
    apache2 = lesson.dockerfiles["editor-web"].splitlines().index("RUN apt-get install -y apache2") + 1
    return next(n for n, step in enumerate(lesson.spec.steps, 1)
                if getattr(step, "build", None) == "editor-web" and getattr(step, "instruction", None) == apache2)


def wasted_mb(panel_text: str) -> float:
    number, unit = WASTED.search(panel_text).groups()
    return float(number) * {"k": 1e-3, "M": 1.0, "G": 1e3, None: 1e-6}[unit]


def search(page, query: str) -> None:
    box = page.get_by_role("searchbox", name="Find a file")
    box.fill(query)
    box.press("Enter")
    page.locator("#found-title code", has_text=query).wait_for()


def test_find_apache2_follow_dpkg_status_and_see_the_wasted_lists(page, server, axe):
    step = apache2_step()
    page.goto(f"{server}/lessons/layered-image/{step}")
    page.locator('#diagram svg a[href*="/layers/editor-web/2"]').click()
    page.wait_for_selector("#inspector .inspector-panel")
    assert "RUN apt-get install -y apache2" in page.locator("#inspector-title").text_content()

    search(page, "sbin/apache2")
    line = page.locator("#inspector .found-list li", has=page.locator('.name:text-is("/usr/sbin/apache2")'))
    assert "A added" in line.text_content() and "734 kB" in line.locator(".size").text_content()
    assert page.url.endswith(f"/lessons/layered-image/{step}")         # swapped in, not navigated away
    if SHOTS:
        shoot(page, "find3-search-1440.png", 1440, 900)
    assert axe(page) == []

    page.get_by_role("link", name="Merged view up to this layer").click()
    page.locator('#inspector .tab[aria-current="page"]', has_text="Merged view").wait_for()
    search(page, "/var/lib/dpkg/status")
    chain = page.locator("#inspector ol.chain > li")
    assert chain.count() == 3 and "serves it" in chain.nth(0).text_content()
    assert page.evaluate("document.activeElement.id") == "found-title"     # the answer, read out next
    if SHOTS:
        page.locator("#found-title").evaluate("h => h.scrollIntoView({block: 'start'})")
        page.screenshot(path=f"{SHOTS}/find3-chain-1440.png")
    visible = page.locator("#inspector .found-list li:not(.is-hidden)",
                           has=page.locator('.name:text-is("/var/lib/dpkg/status")'))
    source = visible.get_by_role("link", name="#2")
    source.click()
    page.locator('#inspector .tab[aria-current="page"]', has_text="Changes in this layer").wait_for()
    assert "RUN apt-get install -y apache2" in page.locator("#inspector-title").text_content()
    status = page.locator("#inspector .found-list li", has=page.locator('.name:text-is("/var/lib/dpkg/status")'))
    assert "C changed" in status.text_content()

    last = len(sandbox.played(player.find(LESSONS, "clean-up-in-the-same-run")).frames)   # the server's cache too
    page.goto(f"{server}/lessons/clean-up-in-the-same-run/{last}")
    figures = {}
    for image in ("three-runs", "one-run"):
        page.locator(f'#diagram svg a[href*="/layers/{image}/"]').first.click()
        page.locator("#figures-title", has_text=image).wait_for()
        figures[image] = page.locator("#inspector .figures").text_content()
    assert wasted_mb(figures["three-runs"]) >= 19.9 and "/var/lib/apt/lists/" in figures["three-runs"]
    assert "/var/lib/apt/lists/" not in figures["one-run"]


def shoot(page, name: str, width: int, height: int) -> None:
    """The panel with its search results, at a desk and on a phone (a fresh context: is_mobile)."""
    page.set_viewport_size({"width": width, "height": height})
    page.locator("#inspector-title").evaluate("h => h.scrollIntoView({block: 'start'})")
    page.screenshot(path=f"{SHOTS}/{name}")
    context = page.context.browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                               is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(60_000)
    phone.goto(page.url.split("?")[0].rsplit("/", 1)[0] + "/4/layers/editor-web/2?find=sbin/apache2&lang=zh")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.locator("form.find").evaluate("f => f.scrollIntoView({block: 'start'})")
    phone.screenshot(path=f"{SHOTS}/find3-search-390-zh.png")
    context.close()
