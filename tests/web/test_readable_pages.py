"""Pages a student can read on any screen: one h1, the URL keeps every choice, 中文 all the way."""

from __future__ import annotations

import pytest

from app.web.markdown import render_markdown


def test_every_page_has_one_h1(client):
    for url in ("/", "/?lang=zh", "/lessons/container-layer/3", "/lessons/container-layer/3?lang=zh", "/nowhere"):
        html = client.get(url).get_data(as_text=True)
        assert html.count("<h1") == 1, url


def test_the_step_heading_and_live_region_are_there_for_screen_readers(client):
    html = client.get("/lessons/container-layer/6").get_data(as_text=True)
    assert 'id="step-heading" tabindex="-1"' in html and "Step 6 of 12" in html
    assert 'id="announce" class="sr" aria-live="polite"' in html
    assert 'id="diagram" data-step="6" data-kind="exec" tabindex="0" role="region"' in html
    assert "Describe this diagram" in html and "Container c1" in html
    zh = client.get("/lessons/container-layer/10?lang=zh").get_data(as_text=True)
    assert "用文字描述这张图" in zh and "容器 c1" in zh and "白障处停止" in zh


def test_the_scrubber_form_goes_to_the_step_it_names(client):
    response = client.get("/lessons/container-layer/go?step=9&lang=zh&terms=off")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/lessons/container-layer/9?lang=zh&terms=off")
    assert client.get("/lessons/container-layer/go?step=x").headers["Location"].endswith("/lessons/container-layer/1?lang=en")
    assert client.get("/lessons/no-such-lesson/go?step=2").status_code == 404
    assert client.get(client.get("/lessons/container-layer/go?step=99").headers["Location"]).status_code == 404


def test_the_last_step_links_the_next_lesson_and_the_last_lesson_all_lessons(client):
    html = client.get("/lessons/layered-image/9").get_data(as_text=True)
    assert 'href="/lessons/container-layer/1?lang=en"' in html and "Next lesson" in html
    zh = client.get("/lessons/layered-image/9?lang=zh").get_data(as_text=True)
    assert "下一课" in zh
    multi = client.get("/lessons/multi-stage/9").get_data(as_text=True)
    assert 'href="/lessons/python-app/1?lang=en"' in multi and "Next lesson" in multi
    from app.lessons import LESSONS_DIR
    from app.lessons.player import lesson_index, played
    path, lesson = lesson_index(LESSONS_DIR)[-1]  # the last lesson of the list, whichever it is
    last = client.get(f"/lessons/{lesson.id}/{len(played(path).frames)}").get_data(as_text=True)
    assert "All lessons" in last and "Next lesson" not in last


@pytest.mark.parametrize("query,link", [
    ("", "terms=on"),  # English: the glosses are off, the switch turns them on
    ("?lang=zh", "terms=off"),  # 中文: on by default
    ("?terms=on", "terms=off"),
])
def test_the_glosses_switch_is_in_the_url(client, query, link):
    html = client.get(f"/lessons/container-layer/2{query}").get_data(as_text=True)
    assert f'/lessons/container-layer/2?lang={"zh" if "zh" in query else "en"}&amp;{link}"' in html


def test_links_keep_the_glosses_and_presentation_mode(client):
    html = client.get("/lessons/container-layer/2?terms=on&present=1").get_data(as_text=True)
    assert 'rel="next" href="/lessons/container-layer/3?lang=en&amp;terms=on&amp;present=1"' in html
    assert '<body class="present">' in html


def test_a_build_note_is_chinese_on_a_chinese_page(client):
    html = client.get("/lessons/multi-stage/3?lang=zh").get_data(as_text=True)
    notes = html[html.index('<ul class="notes">'):].split("</ul>")[0]  # the page's notes; the SVG's are render's
    assert "BuildKit creates it" not in notes
    assert "/src 原本不存在：BuildKit 会创建它" in notes


def test_a_line_break_between_chinese_characters_is_no_space():
    assert render_markdown("镜像，\n它是最底层。") == "<p>镜像，它是最底层。</p>\n"
    assert render_markdown("the **debian**\nlayer") == "<p>the <strong>debian</strong>\nlayer</p>\n"


def test_no_chinese_narration_on_any_step_keeps_a_stray_space(client):
    from app.lessons import LESSONS_DIR, lesson_files
    from app.lessons.player import played
    import re

    stray = []
    for path in lesson_files(LESSONS_DIR):
        lesson = played(path)
        for frame in lesson.frames:
            html = render_markdown(frame.say.zh)
            if re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]\s+[\u4e00-\u9fff]", html.replace("\n\n", "")):
                stray.append(f"{lesson.id} {frame.number}")
    assert stray == []


def test_the_terms_switch_reaches_the_drawing(client):
    """?terms=on puts the Chinese glosses in an English diagram; off (en's default) leaves them out."""
    on = client.get("/lessons/container-layer/3.svg?lang=en&terms=on").get_data(as_text=True)
    off = client.get("/lessons/container-layer/3.svg?lang=en").get_data(as_text=True)
    assert "镜像层" in on and "镜像层" not in off
    page = client.get("/lessons/container-layer/3?lang=en&terms=on").get_data(as_text=True)
    assert "镜像层" in page
