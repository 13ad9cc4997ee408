"""The layer inspector in a real Chromium: a click or Enter on a layer in the diagram opens it beside."""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.browser

APACHE2 = '#diagram svg a[href*="/layers/editor-web/2"]'
SHOTS = os.environ.get("LAYERLAB_SHOTS")   # a folder: save screenshots there to look at


def test_click_a_layer_the_panel_shows_its_tree_and_a_folder_opens(page, server):
    page.goto(f"{server}/lessons/layered-image/4")
    page.locator(APACHE2).click()
    page.wait_for_selector("#inspector .inspector-panel")
    assert "apache2" in page.locator("#inspector-title").text_content()
    assert page.url.endswith("/lessons/layered-image/4")       # the panel, not a navigation
    usr = page.locator('#inspector .tree-box > .tree > li:has(summary .name:text-is("usr/")) > details')
    usr.locator("> summary").click()
    usr.locator('.kids .tree[data-dir="/usr"]').wait_for()
    sbin = usr.locator('.kids li:has(summary .name:text-is("sbin/")) > details')
    sbin.locator("> summary").click()
    line = sbin.locator('.kids li:has(.name:text-is("apache2"))')
    line.wait_for()
    assert "A added" in line.text_content()
    if SHOTS:
        page.set_viewport_size({"width": 1440, "height": 900})
        page.locator("#inspector").scroll_into_view_if_needed()
        page.screenshot(path=f"{SHOTS}/inspector-1440.png")


def test_tab_reaches_a_layer_link_and_enter_opens_it(page, server):
    page.goto(f"{server}/lessons/layered-image/4")
    page.locator("#diagram").focus()
    name = ""
    for _ in range(10):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.localName === 'a' && document.activeElement.closest('svg') ? document.activeElement.querySelector(':scope > title').textContent : ''")
        if "RUN apt-get install -y apache2" in name:
            break
    assert "RUN apt-get install -y apache2" in name
    page.keyboard.press("Enter")
    page.wait_for_selector("#inspector .inspector-panel")
    page.wait_for_function("document.activeElement.id === 'inspector-title'")


def test_layer_links_have_their_instruction_as_accessible_name(page, server):
    page.goto(f"{server}/lessons/layered-image/4")
    link = page.get_by_role("link", name="#2 RUN apt-get install -y apache2", exact=False)
    assert link.count() >= 1


def test_the_permalink_works_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(180_000)
    page.goto(f"{server}/lessons/layered-image/4")
    href = page.locator(APACHE2).get_attribute("href")
    page.goto(server + href)
    assert "apache2" in page.locator("#inspector-title").text_content()
    page.locator('summary:has(.name:text-is("usr/"))').click()
    page.locator('a:text("Open /usr")').click()
    page.wait_for_selector('.tree[data-dir="/usr"]')
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_axe_finds_nothing_on_the_inspector(page, server, axe, lang):
    page.goto(f"{server}/lessons/clean-up-in-the-same-run/1?lang={lang}")
    page.goto(f"{server}/lessons/layered-image/4/layers/editor-web/2?lang={lang}&view=merged&dir=/var/lib/dpkg")
    assert axe(page) == []
    page.goto(f"{server}/lessons/layered-image/4?lang={lang}")
    page.locator(APACHE2).click()
    page.wait_for_selector("#inspector .inspector-panel")
    page.locator('#inspector summary:has(.name:text-is("etc/"))').click()
    page.wait_for_selector('#inspector .tree[data-dir="/etc"]')
    assert axe(page) == []


def test_a_phone_has_no_sideways_page_scroll(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(180_000)
    page.goto(f"{server}/lessons/clean-up-in-the-same-run/1?lang=zh")
    page.goto(server + page.locator(".panel").get_attribute("data-last"))
    top = page.locator('#diagram svg a[href*="/layers/three-runs/"]').first.get_attribute("href")
    page.goto(server + top + "&view=merged&dir=/var/lib/apt/lists")
    assert page.locator("del").count() > 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/inspector-390.png", full_page=True)
    page.goto(f"{server}/lessons/layered-image/4")
    page.locator(APACHE2).click()
    page.wait_for_selector("#inspector .inspector-panel")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
