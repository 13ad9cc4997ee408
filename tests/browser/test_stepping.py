"""A student steps through the container-layer lesson in headless Chromium.

Real browser, real server: Debian's /usr/bin/chromium driven by Playwright,
the app served by werkzeug on a free loopback port (see conftest.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def diagram_text(page) -> str:
    return page.locator("#diagram svg").text_content()


def test_next_button_arrow_key_and_back(page, server):
    page.goto(f"{server}/lessons/container-layer/1")
    assert page.locator(".panel").get_attribute("data-step") == "1"
    first_svg = page.locator("#diagram").inner_html()

    page.locator('.pager a[rel="next"]').click()
    page.wait_for_url("**/lessons/container-layer/2?lang=en")
    page.wait_for_selector('.panel[data-step="2"]')
    second_svg = page.locator("#diagram").inner_html()
    assert second_svg != first_svg

    page.keyboard.press("ArrowRight")
    page.wait_for_url("**/lessons/container-layer/3?lang=en")
    page.wait_for_selector('.panel[data-step="3"]')
    assert page.locator("#diagram").inner_html() != second_svg
    assert " · 3 · layerlab" in page.title()
    # the language switch follows the step
    assert page.locator('#langs a[hreflang="zh"]').get_attribute("href") == "/lessons/container-layer/3?lang=zh"
    # the swap replaced only the step panel: the page header is the same element
    assert page.locator("header.topbar").count() == 1

    page.go_back()
    page.wait_for_url("**/lessons/container-layer/2?lang=en")
    page.wait_for_selector('.panel[data-step="2"]')
    assert page.locator("#diagram").inner_html() == second_svg

    page.keyboard.press("ArrowLeft")
    page.wait_for_url("**/lessons/container-layer/1?lang=en")
    page.wait_for_selector('.panel[data-step="1"]')

    if os.environ.get("LAYERLAB_SCREENSHOTS"):
        out = Path(os.environ["LAYERLAB_SCREENSHOTS"])
        out.mkdir(parents=True, exist_ok=True)
        for n in (1, 5, 6):
            page.goto(f"{server}/lessons/container-layer/{n}")
            page.screenshot(path=str(out / f"container-layer-{n}.png"), full_page=True)


def test_reload_of_a_pushed_url_shows_the_same_step(page, server):
    page.goto(f"{server}/lessons/container-layer/7")
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**/lessons/container-layer/8?lang=en")
    page.reload()
    assert page.locator(".panel").get_attribute("data-step") == "8"
    assert "echo 'Have a nice day' >> /etc/motd" in page.locator("#command").text_content()
    assert "copied up" in diagram_text(page)
