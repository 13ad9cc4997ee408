"""`serve --watch`: an open step page follows the lesson file as an instructor edits it."""

from __future__ import annotations

import threading

import pytest

LESSON = """\
id: watched
title: {en: Watched, zh: 观察}
summary: {en: A lesson being written, zh: 正在写的课}
images:
  - name: one
    dockerfile: |
      FROM scratch
      COPY hello /
    context:
      hello: "hi"
steps:
  - build: one
    say: {en: "The first words.", zh: "第一句话。"}
  - run: c1
    image: one
"""


@pytest.fixture()
def watched(tmp_path):
    from werkzeug.serving import make_server

    from app import create_app

    (tmp_path / "watched.yaml").write_text(LESSON, encoding="utf-8")
    srv = make_server("127.0.0.1", 0, create_app({"LAYERLAB_LESSONS": str(tmp_path), "LAYERLAB_WATCH": True}),
                      threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}", tmp_path / "watched.yaml"
    srv.shutdown()


def test_the_open_page_shows_an_edit_then_the_problem_with_its_line(watched, page):
    base, lesson = watched
    page.goto(f"{base}/lessons/watched/1")
    assert "The first words." in page.locator(".narration").inner_text()
    page.wait_for_function("() => performance.getEntriesByType('resource').some(e => e.name.includes('/_watch/stamp'))")

    lesson.write_text(LESSON.replace("The first words.", "Edited while the page was open."), encoding="utf-8")
    page.wait_for_selector("text=Edited while the page was open.", timeout=60_000)

    broken = LESSON.replace("    say: {en", "   say: {en")  # one space short
    lesson.write_text(broken, encoding="utf-8")
    problem = page.wait_for_selector(".problems li", timeout=60_000)
    text = problem.inner_text()
    assert "watched.yaml:13" in text, text
    assert "indent" in text, text
    assert "say: {en" in text  # the text of that line, with a caret under the column


def test_without_watch_there_is_no_stamp_endpoint(server, page):
    response = page.goto(f"{server}/_watch/stamp")
    assert response.status == 404
    page.goto(f"{server}/lessons/hello-world/1")
    assert page.locator("script[src*='watch.js']").count() == 0
