"""The web tier: every step of every lesson as a page, a partial and a diagram."""

from __future__ import annotations

import pytest
from markupsafe import escape

from app.lessons import LESSONS_DIR, lesson_files, load_lesson
from app.lessons.player import played

LESSONS = [load_lesson(p) for p in lesson_files(LESSONS_DIR)]
STEPS = [(lesson.id, n) for lesson in LESSONS for n in range(1, len(played(lesson.path).frames) + 1)]
# A step with a question draws its diagram once answered (?answer= with nothing: "show the answer").
ASKS = {(lesson.id, f.number) for lesson in LESSONS for f in played(lesson.path).frames if f.question}


def answered(lesson_id: str, n: int) -> str:
    return "?answer=" if (lesson_id, n) in ASKS else ""
HTMX = {"HX-Request": "true"}


def test_index_lists_every_bundled_lesson(client):
    page = client.get("/").get_data(as_text=True)
    for lesson in LESSONS:
        assert f"/lessons/{lesson.id}/1" in page
        assert str(escape(lesson.spec.title.en)) in page


def test_index_in_chinese(client):
    page = client.get("/?lang=zh").get_data(as_text=True)
    for lesson in LESSONS:
        assert str(escape(lesson.spec.title.zh)) in page
    assert 'lang="zh-Hans"' in page


@pytest.mark.parametrize("lesson_id,n", STEPS)
def test_every_step_is_a_full_page_without_htmx(client, lesson_id, n):
    response = client.get(f"/lessons/{lesson_id}/{n}{answered(lesson_id, n)}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.startswith("<!doctype html>")
    assert 'id="step"' in html and "<svg" in html
    assert "htmx-2.0.11.min.js" in html


@pytest.mark.parametrize("lesson_id,n", STEPS)
def test_every_step_is_a_partial_for_htmx(client, lesson_id, n):
    response = client.get(f"/lessons/{lesson_id}/{n}{answered(lesson_id, n)}", headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<!doctype" not in html and "<header" not in html
    assert f'data-step="{n}"' in html and "<svg" in html
    assert "HX-Request" in response.headers["Vary"]
    kept_answer = "answer=&amp;" if answered(lesson_id, n) else ""  # the language switch keeps an answer
    assert f'hx-swap-oob="true"' in html and f"/lessons/{lesson_id}/{n}?{kept_answer}lang=zh" in html


def test_history_restore_gets_the_full_page(client):
    lesson_id, n = STEPS[0]
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    html = client.get(f"/lessons/{lesson_id}/{n}", headers=headers).get_data(as_text=True)
    assert html.startswith("<!doctype html>")


def test_next_and_previous_links_push_the_url(client):
    html = client.get("/lessons/container-layer/2").get_data(as_text=True)
    assert 'rel="next" href="/lessons/container-layer/3?lang=en"' in html
    assert 'rel="prev" href="/lessons/container-layer/1?lang=en"' in html
    assert 'hx-push-url="true"' in html


def test_language_switch_keeps_the_step(client):
    html = client.get("/lessons/container-layer/3").get_data(as_text=True)
    assert 'href="/lessons/container-layer/3?lang=zh"' in html
    zh = client.get("/lessons/container-layer/3?lang=zh").get_data(as_text=True)
    assert "下一步" in zh and 'href="/lessons/container-layer/3?lang=en"' in zh


@pytest.mark.parametrize("lesson_id,n", STEPS)
def test_every_step_has_an_svg_diagram(client, lesson_id, n):
    response = client.get(f"/lessons/{lesson_id}/{n}.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).lstrip().startswith("<svg")


def test_a_step_exports_as_png(client):
    response = client.get("/lessons/container-layer/5.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_lesson_root_redirects_to_step_one(client):
    response = client.get("/lessons/hello-world")
    assert response.status_code == 302 and response.headers["Location"].startswith("/lessons/hello-world/1")


@pytest.mark.parametrize("url", [
    "/lessons/nope/1", "/lessons/hello-world/0", "/lessons/hello-world/999", "/lessons/hello-world/-1",
    "/lessons/hello-world/abc", "/lessons/hello-world/1.gif", "/lessons/hello-world/1.svg.png",
    "/lessons/../../etc/passwd", "/lessons/%00/1", "/lessons/HELLO-WORLD/1", "/lessons/hello-world/99999999999",
    "/lessons/" + "a" * 500 + "/1", "/nothing-here",
])
def test_unknown_lessons_and_steps_are_a_friendly_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "This page is not here" in html and "Traceback" not in html


@pytest.mark.parametrize("lang", ["zh", "en", "fr", "", "zh-Hans", "<script>", "%00", "x" * 300])
def test_any_language_in_the_url_gives_a_page(client, lang):
    for url in ("/", "/lessons/container-layer/4", "/lessons/container-layer/4.svg", "/lessons/nope/1"):
        response = client.get(url, query_string={"lang": lang})
        assert response.status_code in (200, 404)
        assert "<script>" not in response.get_data(as_text=True).replace("<script src", "")


def test_warm_start_plays_every_bundled_lesson():
    from app import warm

    assert warm(LESSONS_DIR) == len(LESSONS)


@pytest.mark.parametrize("n", [1, 5, 6])
def test_every_build_step_of_a_multi_stage_lesson_shows_its_dockerfile_line(client, n):
    """The builder stage's steps too: their image is the stage, the Dockerfile is the lesson image's."""
    html = client.get(f"/lessons/multi-stage/{n}").get_data(as_text=True)
    assert 'class="dockerfile"' in html and 'class="current"' in html
