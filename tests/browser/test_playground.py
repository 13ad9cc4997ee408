"""A student uses the playground in headless Chromium: build, run, share the link, go back, make a typo."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def diagram_text(page) -> str:
    return page.locator("#diagram svg").text_content()


def _build(page, text: str, button: str = "Build") -> None:
    editor = page.get_by_label("Dockerfile", exact=True)
    editor.fill(text)
    page.get_by_role("button", name=button, exact=True).click()


def test_build_run_share_and_go_back(page, server):
    page.goto(f"{server}/play")
    _build(page, "FROM debian:bookworm\nRUN echo hi > /greeting\n")
    page.wait_for_selector('.panel[data-step="2"]')
    assert "/play?s=v1." in page.url
    assert "RUN echo hi > /greeting" in diagram_text(page)
    assert page.evaluate("document.activeElement.id") == "dockerfile"

    command = page.get_by_label("Command", exact=True)
    command.fill("echo more >> /greeting")
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_selector('.panel[data-step="4"]')
    assert "copy-up" in diagram_text(page)
    assert page.evaluate("document.activeElement.id") == "command"
    drawn, url = diagram_text(page), page.url

    other = page.context.new_page()
    other.goto(url)
    other.wait_for_selector('.panel[data-step="4"]')
    assert diagram_text(other) == drawn
    assert other.locator(".dots li").count() == 4
    other.close()

    page.go_back()
    page.wait_for_selector('.panel[data-step="2"]')
    assert "copy-up" not in diagram_text(page)


def test_a_typo_is_pinned_to_its_line(page, server):
    page.goto(f"{server}/play")
    _build(page, "FORM debian\n")
    problem = page.locator("#dockerfile-problem")
    problem.wait_for()
    assert "Line 1" in problem.text_content() and "did you mean FROM?" in problem.text_content()
    assert page.locator(".gutter li.bad").text_content() == "1"
    assert page.get_by_label("Dockerfile", exact=True).get_attribute("aria-invalid") == "true"


def test_open_a_lesson_step_in_the_playground(page, server):
    page.goto(f"{server}/lessons/container-layer/8")
    page.get_by_role("link", name="Open in playground").click()
    page.wait_for_url("**/play?s=v1.*")
    editor = page.get_by_label("Dockerfile", exact=True)
    assert editor.input_value().startswith("FROM debian:bookworm")
    page.goto(f"{server}/lessons/container-layer/8?lang=zh")
    assert page.get_by_role("link", name="在实验场打开").count() == 1


@pytest.mark.parametrize("state", ["empty", "built", "error", "zh"])
def test_playground_has_no_axe_violations(page, server, axe, state):
    page.goto(f"{server}/play" + ("?lang=zh" if state == "zh" else ""))
    if state != "empty":
        _build(page, "FORM debian\n" if state == "error" else "FROM debian:bookworm\nRUN echo hi > /greeting\n",
               "构建" if state == "zh" else "Build")
        page.wait_for_selector("#dockerfile-problem" if state == "error" else '.panel[data-step="2"]')
    assert axe(page) == []
