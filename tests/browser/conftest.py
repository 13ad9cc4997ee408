"""One real server and one headless Chromium for the whole browser suite.

Debian's /usr/bin/chromium driven by Playwright; the app served by werkzeug on a
free loopback port in a thread. Reusing one browser keeps the suite fast.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
WCAG22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def server():
    from werkzeug.serving import WSGIRequestHandler, make_server

    from app import create_app

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    srv = make_server("127.0.0.1", 0, create_app(), threaded=True, request_handler=Quiet)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (bash tools/setup.sh --test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    """A fresh tab at 1400x900; the first load of a lesson builds it, so the timeout is generous."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(180_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe():
    """The axe-core check, as a function of a loaded page (a fixture: test modules here are not a package)."""
    return axe_violations


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.2 AA violations on the loaded page, one line each (rule: the first few nodes)."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r =>
             r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))""",
        WCAG22_AA,
    )
    return list(found)
