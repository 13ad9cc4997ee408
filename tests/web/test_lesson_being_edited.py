"""While a lesson has an error its pages say what it is (422, file:line:column, the line, a caret), not 404;
a one-language lesson's page in the other language says it falls back."""

from __future__ import annotations

import pytest

from app import create_app

GOOD = """\
id: edited
title: {en: Edited, zh: 编辑}
summary: {en: S, zh: S}
images:
  - name: one
    dockerfile: |
      FROM scratch
      COPY hello /
    context:
      hello: "hi"
steps:
  - build: one
    say: {en: "a", zh: "b"}
"""


@pytest.fixture()
def client(tmp_path):
    return create_app({"LAYERLAB_LESSONS": str(tmp_path), "TESTING": True}).test_client(), tmp_path


@pytest.mark.parametrize("url", ["/lessons/edited/1", "/lessons/edited/7", "/lessons/edited/1.svg"])
def test_a_yaml_slip_shows_on_every_step_page(client, url):
    c, folder = client
    (folder / "edited.yaml").write_text(GOOD.replace("    say:", "   say:"), encoding="utf-8")
    response = c.get(url)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "edited.yaml:13:4: YAML: this line is indented less than the key above it" in page
    assert '   say: {en: &#34;a&#34;, zh: &#34;b&#34;}\n   ^</pre>' in page
    assert "past the end" not in page


def test_found_by_its_file_name_when_even_the_id_line_is_broken(client):
    c, folder = client
    (folder / "04-edited.yaml").write_text("id: [edited\n" + GOOD.split("\n", 1)[1], encoding="utf-8")
    assert c.get("/lessons/edited/1").status_code == 422
    assert c.get("/lessons/edited").status_code in (302, 308)
    assert c.get("/lessons/other/1").status_code == 404


def test_a_fixed_lesson_is_served_on_the_next_request(client):
    c, folder = client
    (folder / "edited.yaml").write_text(GOOD.replace("    say:", "   say:"), encoding="utf-8")
    assert c.get("/lessons/edited/1").status_code == 422
    (folder / "edited.yaml").write_text(GOOD, encoding="utf-8")
    assert c.get("/lessons/edited/1").status_code == 200


def test_a_one_language_lesson_in_the_other_language_says_so(client):
    c, folder = client
    one = "languages: [en]\n" + GOOD.replace('{en: "a", zh: "b"}', '"English words."')
    (folder / "edited.yaml").write_text(one, encoding="utf-8")
    zh = c.get("/lessons/edited/1?lang=zh").get_data(as_text=True)
    assert "本课只有英文版" in zh and "English words." in zh
    assert "本课只有英文版" not in c.get("/lessons/edited/1?lang=en").get_data(as_text=True)
