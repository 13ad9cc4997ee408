"""A step's question on its page: asked first, then the answer (right, or beside the wrong one) and the diagram."""

from __future__ import annotations

import re

READ_STEP = "/lessons/container-layer/12"  # cat /srv/www/index.html in c2: c1's whiteout is not in c2, layer 1 serves it


def test_the_question_comes_before_the_diagram(client):
    page = client.get(READ_STEP).get_data(as_text=True)
    assert 'class="question"' in page and 'data-result="asking"' in page
    assert '<form method="get" action="/lessons/container-layer/12"' in page
    assert page.count('type="radio" name="answer"') == 5  # the container layer, layers 2..0, none
    assert "withheld" in page and "<svg" not in page
    assert "the file is still there" not in page  # the narration would give the answer away


def test_a_wrong_answer_is_shown_beside_the_right_one(client):
    page = client.get(READ_STEP + "?answer=2").get_data(as_text=True)
    assert 'data-result="wrong"' in page and "Not quite." in page
    given = re.search(r'class="given".*?</p>', page, re.S).group(0)
    right = re.search(r'class="right-answer".*?</p>', page, re.S).group(0)
    assert "layer 2: RUN echo" in given and "layer 1: RUN mkdir" in right
    assert "layer 1: found" in page  # the why, from the trace
    assert "<svg" in page and "withheld" not in page


def test_a_right_answer_and_odd_answers(client):
    assert 'data-result="right"' in client.get(READ_STEP + "?answer=1").get_data(as_text=True)
    odd = client.get(READ_STEP + "?answer=%00%ff")
    assert odd.status_code == 200 and "not one of the choices" in odd.get_data(as_text=True)
    size = client.get("/lessons/base-images/4?answer=1e999")  # docker images: how big is debian?
    assert size.status_code == 200 and "not a number" in size.get_data(as_text=True)
    shown = client.get(READ_STEP + "?answer=").get_data(as_text=True)
    assert 'data-result="shown"' in shown and "<svg" in shown


def test_the_answer_is_part_of_the_page_key_and_htmx_gets_the_panel(client):
    asked = client.get(READ_STEP)
    answered = client.get(READ_STEP + "?answer=1")
    assert asked.headers["ETag"] != answered.headers["ETag"]
    partial = client.get(READ_STEP + "?answer=1", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in partial and 'data-result="right"' in partial


def test_the_lesson_list_has_a_progress_mark_and_a_reset_button(client):
    page = client.get("/").get_data(as_text=True)
    assert 'data-progress-lesson="container-layer" data-questions="2"' in page
    assert "data-progress-reset" in page and "progress.js" in page


def test_the_language_switch_keeps_the_answer_and_next_does_not(client):
    page = client.get(READ_STEP + "?answer=2").get_data(as_text=True)
    langs = re.search(r'<nav class="langs".*?</nav>', page, re.S).group(0)
    assert 'href="/lessons/container-layer/12?answer=2&amp;lang=zh"' in langs
    pager = re.search(r'<nav class="pager".*?</nav>', page, re.S)
    assert pager and "answer=" not in pager.group(0)
