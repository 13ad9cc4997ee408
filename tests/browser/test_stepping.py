"""A student steps through the container-layer lesson in headless Chromium.

Real browser, real server: Debian's /usr/bin/chromium driven by Playwright,
the app served by werkzeug on a free loopback port.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server():
    from werkzeug.serving import make_server

    from app import create_app

    srv = make_server("127.0.0.1", 0, create_app(), threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


@pytest.fixture(scope="module")
def page(server):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (bash tools/setup.sh --test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        yield page
        browser.close()


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
