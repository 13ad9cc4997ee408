"""Keyboard, screen-reader, zoom, presentation and print behaviour, in a real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LESSON = "container-layer"  # 12 steps


def _step(page) -> str:
    return page.locator(".panel").get_attribute("data-step")


def _wait_step(page, n: int) -> None:
    page.wait_for_selector(f'.panel[data-step="{n}"]')


def test_enter_on_next_keeps_focus_on_next_and_the_step_is_announced(page, server):
    page.goto(f"{server}/lessons/{LESSON}/2")
    page.locator('.pager a[rel="next"]').focus()
    page.keyboard.press("Enter")
    _wait_step(page, 3)
    page.wait_for_function("document.activeElement.dataset.focus === 'next'")
    page.wait_for_function("document.getElementById('announce').textContent.includes('Step 3 of 12')")


def test_home_and_end_go_to_the_first_and_last_step(page, server):
    page.goto(f"{server}/lessons/{LESSON}/5")
    page.keyboard.press("End")
    _wait_step(page, 12)
    page.wait_for_url(f"**/lessons/{LESSON}/12?lang=en")
    # focus had nowhere to stay (the body), so it lands on the step heading
    page.wait_for_function("document.activeElement.id === 'step-heading'")
    assert "Step 12 of 12" in page.locator("#announce").text_content()
    page.keyboard.press("Home")
    _wait_step(page, 1)
    page.wait_for_url(f"**/lessons/{LESSON}/1?lang=en")


def test_the_last_step_leads_to_the_next_lesson(page, server):
    page.goto(f"{server}/lessons/layered-image/9")
    link = page.locator(".pager a.primary")
    assert link.get_attribute("href").startswith("/lessons/container-layer/1")


def test_focus_ring_differs_from_the_current_dot_and_targets_are_24px(page, server):
    page.goto(f"{server}/lessons/{LESSON}/4")
    current = page.locator(".dot[aria-current]")
    other = page.locator(".dots li:nth-child(2) .dot")
    assert page.evaluate("getComputedStyle(document.querySelector('.dot[aria-current]')).outlineStyle") == "none"
    other.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    ring = page.evaluate("(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; })()")
    assert ring == ["solid", "3px"]
    assert current.evaluate("e => getComputedStyle(e).boxShadow") != "none"
    sizes = page.evaluate("[...document.querySelectorAll('.dot, .pager .button, .zoom button')]"
                          ".map(e => { const r = e.getBoundingClientRect(); return Math.min(r.width, r.height); })")
    assert min(sizes) >= 24


def test_the_scrubber_goes_to_a_step_with_javascript(page, server):
    page.goto(f"{server}/lessons/{LESSON}/2")
    page.evaluate("(() => { const r = document.getElementById('scrub'); r.value = '9';"
                  " r.dispatchEvent(new Event('change', {bubbles: true})); })()")
    _wait_step(page, 9)
    page.wait_for_url(f"**/lessons/{LESSON}/9?lang=en")
    page.wait_for_function("document.activeElement.dataset.focus === 'scrubber' || document.activeElement.id === 'step-heading'")


def test_the_scrubber_is_a_form_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(180_000)
    page.goto(f"{server}/lessons/{LESSON}/2?lang=zh")
    page.locator("#scrub").evaluate("r => r.value = '7'")
    page.locator(".scrubber button[type=submit]").click()
    page.wait_for_url(f"**/lessons/{LESSON}/7?lang=zh")
    assert _step(page) == "7"
    context.close()


def test_zoom_buttons_change_the_size_and_1_to_1_restores_it(page, server):
    page.goto(f"{server}/lessons/{LESSON}/8")
    natural = page.evaluate("document.querySelector('#diagram svg').width.baseVal.value")
    width = lambda: page.evaluate("document.querySelector('#diagram svg').getBoundingClientRect().width")
    assert abs(width() - natural) < 1  # 1:1, never shrunk to fit
    page.locator('[data-zoom="in"]').click()
    assert abs(width() - natural * 1.25) < 1
    page.locator('[data-zoom="reset"]').click()
    assert abs(width() - natural) < 1
    assert page.locator("#diagram").get_attribute("tabindex") == "0"


def test_presentation_mode_by_key_and_by_url(page, server):
    page.goto(f"{server}/lessons/{LESSON}/3")
    page.keyboard.press("p")
    page.wait_for_url("**present=1*")
    assert "present" in page.locator("body").get_attribute("class")
    assert not page.locator("header.topbar").is_visible()
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.narration')).fontSize)")
    assert size >= 22
    # the diagram and Previous/Next both fit the window: nothing to scroll on a projector
    assert page.evaluate("document.querySelector('.pager').getBoundingClientRect().bottom <= innerHeight")
    assert page.evaluate("document.getElementById('diagram').getBoundingClientRect().width > innerWidth * 0.6")
    page.keyboard.press("ArrowRight")
    _wait_step(page, 4)
    assert "present=1" in page.locator('.pager a[rel="next"]').get_attribute("href")
    page.keyboard.press("p")
    page.wait_for_function("!location.search.includes('present')")
    expect(page.locator("header.topbar")).to_be_visible()


def test_print_shows_one_step_per_page_without_controls(page, server):
    page.goto(f"{server}/lessons/{LESSON}/8")
    page.emulate_media(media="print")
    for hidden in ("header.topbar", ".pager", ".progress", ".zoom", ".foot"):
        assert not page.locator(hidden).is_visible(), hidden
    assert page.locator("#diagram svg").is_visible() and page.locator(".narration").is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.panel')).breakAfter") == "page"
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1  # the step fits one A4 page
