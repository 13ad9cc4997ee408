"""A student predicts, solves a challenge and comes back: feedback, a green goal, progress kept in the browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SOLUTION = """FROM debian:bookworm AS build
COPY token.txt /src/token.txt
RUN mkdir -p /out && wc -c /src/token.txt > /out/report.txt
FROM debian:bookworm
COPY --from=build /out/report.txt /out/report.txt
"""


def test_answer_wrong_then_right_solve_a_challenge_and_keep_the_progress(page, server, axe):
    page.goto(f"{server}/lessons/container-layer/12")
    assert page.locator("#diagram").count() == 0  # the diagram waits for the answer
    page.locator('.question input[value="2"]').check()
    page.get_by_role("button", name="Check my answer").click()
    page.wait_for_selector('.question[data-result="wrong"]')
    assert "layer 2" in page.locator(".question .given").text_content()
    assert "layer 1" in page.locator(".question .right-answer").text_content()
    assert page.locator("#diagram svg").count() == 1 and "answer=2" in page.url
    assert axe(page) == []
    page.get_by_role("link", name="Try again").click()
    page.locator('.question input[value="1"]').check()
    page.get_by_role("button", name="Check my answer").click()
    page.wait_for_selector('.question[data-result="right"]')
    assert "Right!" in page.locator(".question .verdict").text_content()

    page.goto(f"{server}/challenges/keep-a-secret")
    goal = page.locator(".challenge")
    assert goal.get_attribute("data-solved") == "false"
    page.get_by_label("Dockerfile", exact=True).fill(SOLUTION)
    page.get_by_role("button", name="Build", exact=True).click()
    page.wait_for_selector('.challenge[data-solved="true"]')
    assert "Goal reached!" in page.locator(".challenge .goal-status").text_content()
    assert page.locator(".challenge .goals li.unmet").count() == 0
    assert axe(page) == []

    page.goto(f"{server}/")
    page.reload()  # the progress is the browser's own: it survives a reload
    lesson = page.locator('[data-progress-lesson="container-layer"] .progress-mark')
    lesson.wait_for(state="visible")
    assert lesson.text_content() == "1 of 2 questions right"
    expect(page.locator('[data-progress-challenge="keep-a-secret"] .progress-mark')).to_be_visible()
    assert page.locator('[data-progress-challenge="shrink-clean-up"] .progress-mark').is_hidden()
    assert axe(page) == []
    page.get_by_role("button", name="Reset my progress").click()
    assert lesson.is_hidden() and page.evaluate("localStorage.length") == 0
