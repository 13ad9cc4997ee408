"""The layer inspector through the Flask test client: every layer of every step opens, bad ones are 404s."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from app.lessons import player

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
LINK = re.compile(r'<a href="([^"]*)" xlink:href=')


def svg_links(client, lesson_id: str, number: int) -> list[str]:
    page = client.get(f"/lessons/{lesson_id}/{number}?answer=")  # a question step draws once answered
    assert page.status_code == 200
    return [html.unescape(u) for u in LINK.findall(page.get_data(as_text=True))]


def lesson_ids() -> list[str]:
    return [lesson.id for _, lesson in player.lesson_index(LESSONS) if hasattr(lesson, "id")]


@pytest.mark.parametrize("lesson_id", lesson_ids())
def test_every_layer_and_container_of_every_step_opens(client, lesson_id):
    from app import sandbox

    played = sandbox.played(player.find(LESSONS, lesson_id))
    for number, frame in enumerate(played.frames, 1):
        links = svg_links(client, lesson_id, number)
        drawn_layers = {(i.name, k) for i in frame.images for k in range(len(i.layers))}
        assert links or not drawn_layers, f"step {number} draws layers but links none"
        if frame.containers:
            assert any("/containers/" in u for u in links), f"step {number}: the container layer is no link"
        for url in links:
            for view in ("changes", "merged"):
                got = client.get(url + f"&view={view}")
                assert got.status_code == 200, (url, view)
                assert "inspector-title" in got.get_data(as_text=True)


def test_panel_alone_for_htmx_and_a_page_without(client):
    url = svg_links(client, "layered-image", 3)[0]
    panel = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert panel.lstrip().startswith("<section") and "<html" not in panel
    page = client.get(url).get_data(as_text=True)
    assert "<html" in page and 'id="inspector"' in page


@pytest.mark.parametrize("url", [
    "/lessons/layered-image/3/layers/no-such-image/0",
    "/lessons/layered-image/3/layers/editor-web/99",
    "/lessons/layered-image/999/layers/editor-web/0",
    "/lessons/no-such-lesson/1/layers/editor-web/0",
    "/lessons/layered-image/3/layers/editor-web/0?dir=/no/such/dir",
    "/lessons/layered-image/3/layers/editor-web/0?dir=/etc/hostname",
    "/lessons/layered-image/3/containers/nobody",
    "/lessons/BAD..id/3/layers/x/0",
])
def test_bad_image_index_or_folder_is_a_friendly_404(client, url):
    got = client.get(url)
    assert got.status_code == 404
    assert "Traceback" not in got.get_data(as_text=True)


def test_odd_query_values_never_fail(client):
    base = "/lessons/layered-image/3/layers/editor-web/0"
    for query in ("?sort=bogus", "?view=bogus", "?dir=../../etc", "?dir=%00", "?dir=//etc//", "?part=bogus"):
        assert client.get(base + query).status_code in (200, 404), query


def emacs_layer(client) -> str:
    return next(u for u in svg_links(client, "layered-image", 3) if "/layers/editor-web/1" in u)


def test_the_emacs_layer_opens_one_level_at_a_time(client):
    url = emacs_layer(client)
    top = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    rows = top.count('<li class="entry')
    total = int(re.search(r"([0-9]+) entries", top).group(1))
    assert total > 20_000 and 0 < rows < 50
    usr = client.get(url + "&dir=/usr&part=dir").get_data(as_text=True)
    assert usr.lstrip().startswith("<ul") and 'data-dir="/usr"' in usr and "bin/" in usr


def test_marks_and_sizes_of_the_apache2_layer(client):
    url = next(u for u in svg_links(client, "layered-image", 4) if "/layers/editor-web/2" in u)
    sbin = client.get(url + "&dir=/usr/sbin&part=dir").get_data(as_text=True)
    line = re.search(r'<span class="mark mark-(.)"><b>.</b> [a-z]+</span><span class="name">apache2</span>.*?</li>', sbin, re.S)
    assert line and line.group(1) == "A"
    # /usr is changed (C), not added: debian's layer has it
    top = client.get(url + "&part=dir").get_data(as_text=True)
    assert re.search(r'mark-C"><b>C</b> changed</span><span class="name">usr/', top)
    by_size = client.get(url + "&sort=size&part=dir").get_data(as_text=True)
    names = re.findall(r'class="name">([^<]+)<', by_size)
    assert names[0] == "usr/"


def test_clean_up_lesson_waste(client):
    lesson = "clean-up-in-the-same-run"
    from app import sandbox

    played = sandbox.played(player.find(LESSONS, lesson))
    last = len(played.frames)
    links = svg_links(client, lesson, last)
    figures = {}
    for url in links:
        if "/layers/" in url:
            text = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
            name = url.split("/layers/")[1].split("/")[0]
            figures[name] = re.search(r"potential wasted space ([0-9.]+ [kMG]?B)", text).group(1), text
    wasted, three = figures["three-runs"]
    assert wasted.endswith("MB") and float(wasted.split()[0]) >= 19.9, wasted
    assert "<code>/var/lib/apt/lists/" in three.split("<tbody>")[1]
    # one RUN: apt's lists never reach a layer (what it does waste is dpkg's own files the base had)
    assert "<code>/var/lib/apt/lists/" not in figures["one-run"][1].split("<tbody>")[1]


def test_merged_view_strikes_out_what_is_hidden(client):
    lesson = "clean-up-in-the-same-run"
    from app import sandbox

    played = sandbox.played(player.find(LESSONS, lesson))
    links = svg_links(client, lesson, len(played.frames))
    seen = ""
    for url in links:
        if "/layers/" in url:
            seen += client.get(url + "&view=merged&dir=/var/lib/apt/lists&part=dir").get_data(as_text=True)
    assert "<del" in seen and "hidden by a whiteout in #" in seen
