"""HTTP caching: every page names its content with an ETag, answers 304 without work, is compressed
when the client accepts it, and static files are fingerprinted and immutable.

The lessons are a copy in tmp_path, so a test can change a file and watch the ETag change.
Counting calls to the play and render functions proves "without rendering"; they are the real
functions, only counted.
"""

from __future__ import annotations

import gzip
import re
import shutil

import brotli
import pytest

from app import create_app, sandbox
from app.lessons import LESSONS_DIR
from app.web import pages

STEP = "/lessons/hello-world/2"


@pytest.fixture()
def lessons(tmp_path):
    shutil.copy(LESSONS_DIR / "01-hello-world.yaml", tmp_path / "01-hello-world.yaml")
    return tmp_path


def client_for(lessons, **config):
    return create_app({"TESTING": True, "LAYERLAB_LESSONS": str(lessons), **config}).test_client()


@pytest.fixture()
def counted(monkeypatch):
    """How often a page was played and rendered (the real functions, counted)."""
    calls = {"played": 0, "rendered": 0}
    real_played, real_render = sandbox.played, pages.render_template

    def played(*args, **kwargs):
        calls["played"] += 1
        return real_played(*args, **kwargs)

    def render(*args, **kwargs):
        calls["rendered"] += 1
        return real_render(*args, **kwargs)

    monkeypatch.setattr(sandbox, "played", played)
    monkeypatch.setattr(pages, "render_template", render)
    return calls


KINDS = [
    ("/", {}),
    (STEP, {}),
    (STEP, {"HX-Request": "true"}),
    (STEP + ".svg", {}),
    (STEP + ".png", {}),
]


@pytest.mark.parametrize("url, headers", KINDS)
def test_every_kind_of_page_has_a_stable_etag_and_cache_control(lessons, url, headers):
    client = client_for(lessons)
    first, second = client.get(url, headers=headers), client.get(url, headers=headers)
    assert first.status_code == 200
    assert first.headers["ETag"] and first.headers["ETag"] == second.headers["ETag"]
    assert "public" in first.headers["Cache-Control"] and "max-age=60" in first.headers["Cache-Control"]
    assert "HX-Request" in first.headers["Vary"]


@pytest.mark.parametrize("url, headers", KINDS)
def test_if_none_match_answers_304_with_no_body_and_without_playing_or_rendering(lessons, counted, url, headers):
    client = client_for(lessons)
    etag = client.get(url, headers=headers).headers["ETag"]
    before = dict(counted)
    again = client.get(url, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert counted == before


def test_a_new_worker_answers_304_without_playing_the_lesson(lessons, counted):
    """A CDN revalidating against another worker: the ETag is the same, and nothing is played."""
    etag = client_for(lessons).get(STEP).headers["ETag"]
    before = dict(counted)
    fresh = client_for(lessons, LAYERLAB_PAGE_CACHE_BYTES=1)  # a worker whose page cache holds nothing
    assert fresh.get(STEP, headers={"If-None-Match": etag}).status_code == 304
    assert counted == before


def test_a_stale_etag_gets_the_page(lessons):
    client = client_for(lessons)
    response = client.get(STEP, headers={"If-None-Match": '"0123456789abcdef0123456789abcdef"'})
    assert response.status_code == 200 and b"<html" in response.data


def test_the_etag_changes_when_a_lesson_file_changes_and_not_when_it_is_only_touched(lessons):
    client = client_for(lessons)
    before = client.get(STEP).headers["ETag"]
    lesson = lessons / "01-hello-world.yaml"
    lesson.write_text(lesson.read_text())  # same bytes, new mtime
    assert client.get(STEP).headers["ETag"] == before
    lesson.write_text(lesson.read_text().replace("a **new read-only layer**", "a **new layer**"))
    changed = client.get(STEP)
    assert changed.headers["ETag"] != before
    assert "a <strong>new layer</strong>" in changed.get_data(as_text=True)


@pytest.mark.parametrize("query, headers", [
    ("?lang=zh", {}), ("?terms=on", {}), ("?present=1", {}), ("", {"HX-Request": "true"}),
    ("", {"HX-Request": "true", "HX-History-Restore-Request": "true"}),
])
def test_the_etag_changes_with_what_changes_the_page(lessons, query, headers):
    client = client_for(lessons)
    plain = client.get(STEP).headers["ETag"]
    other = client.get(STEP + query, headers=headers)
    assert other.status_code == 200 and other.headers["ETag"] != plain


def test_the_etag_ignores_query_parameters_the_page_does_not_read(lessons):
    client = client_for(lessons)
    assert client.get(STEP + "?utm_source=x").headers["ETag"] == client.get(STEP).headers["ETag"]


@pytest.mark.parametrize("encoding, decompress", [("gzip", gzip.decompress), ("br", brotli.decompress)])
@pytest.mark.parametrize("url", ["/", STEP, STEP + ".svg"])
def test_compressed_responses_decompress_to_the_same_bytes(lessons, counted, encoding, decompress, url):
    client = client_for(lessons)
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    packed = client.get(url, headers={"Accept-Encoding": encoding})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert decompress(packed.data) == plain.data
    kept = client.get(url, headers={"Accept-Encoding": encoding})  # the bytes as sent, kept per encoding
    assert kept.data == packed.data and kept.headers["ETag"] == packed.headers["ETag"]
    assert kept.headers["Content-Encoding"] == encoding and int(kept.headers["Content-Length"]) == len(kept.data)
    # each encoding is its own representation, and its ETag still revalidates
    assert packed.headers["ETag"] != plain.headers["ETag"]
    before = dict(counted)
    fresh = client_for(lessons, LAYERLAB_PAGE_CACHE_BYTES=1)  # no page kept: only the ETag can answer
    again = fresh.get(url, headers={"Accept-Encoding": encoding, "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304 and counted == before


def test_static_urls_are_fingerprinted_and_immutable(lessons):
    client = client_for(lessons)
    html = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert urls and all(re.search(r"\?v=[0-9a-f]{16}$", url) for url in urls)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert "immutable" in response.headers["Cache-Control"]
        assert "max-age=31536000" in response.headers["Cache-Control"]
    stale = client.get("/static/app.css?v=0000000000000000")
    assert "immutable" not in stale.headers.get("Cache-Control", "")


def test_the_index_counts_steps_without_playing_any_lesson(lessons, counted, monkeypatch):
    from app.lessons import player
    plays = []
    monkeypatch.setattr(player, "play", lambda lesson: plays.append(lesson))
    html = client_for(lessons).get("/").get_data(as_text=True)
    assert "5 steps" in html
    assert counted["played"] == 0 and plays == []


def test_the_page_cache_is_bounded_and_evicts_the_least_recently_used(lessons, counted):
    app = create_app({"TESTING": True, "LAYERLAB_LESSONS": str(lessons), "LAYERLAB_PAGE_CACHE_BYTES": 30_000})
    client = app.test_client()
    cache = app.extensions["layerlab_caching"].pages.lru
    sizes = []
    for n in (1, 2, 3, 4):
        assert client.get(f"/lessons/hello-world/{n}").status_code == 200
        sizes.append(cache.currsize)
    assert max(sizes) <= 30_000 and len(cache) < 4
    rendered = counted["rendered"]
    client.get("/lessons/hello-world/4")  # the most recent: kept, not rendered again
    assert counted["rendered"] == rendered
    client.get("/lessons/hello-world/1")  # the oldest: evicted, rendered again
    assert counted["rendered"] == rendered + 1


def test_errors_are_not_cached(tmp_path):
    (tmp_path / "01-bad.yaml").write_text(
        "id: bad\ntitle: {en: Bad, zh: 坏}\nsummary: {en: x, zh: y}\n"
        "images:\n  - name: app\n    dockerfile: |\n      FROM scratch\n      COPPY a /\n"
        "steps:\n  - build: app\n"
    )
    response = client_for(tmp_path).get("/lessons/bad/1")
    assert response.status_code == 422 and "ETag" not in response.headers


@pytest.fixture()
def etags_computed(monkeypatch):
    """How often a view's ETag was worked out (the real function, counted): zero when Flask did not run it."""
    from app.web import caching
    calls = []
    real = caching.page_etag
    monkeypatch.setattr(caching, "page_etag", lambda *a, **k: calls.append(a) or real(*a, **k))
    return calls


@pytest.mark.parametrize("url, headers", KINDS)
def test_a_repeated_request_and_its_304_are_answered_before_the_view_runs(lessons, etags_computed, url, headers):
    client = client_for(lessons)
    first = client.get(url, headers=headers)
    assert len(etags_computed) == 1
    again = client.get(url, headers=headers)
    revalidated = client.get(url, headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert len(etags_computed) == 1
    assert again.status_code == 200 and again.data == first.data
    assert dict(again.headers) == {k: v for k, v in first.headers.items() if k != "Date"}
    assert revalidated.status_code == 304 and revalidated.data == b""
    assert revalidated.headers["ETag"] == first.headers["ETag"]
    assert revalidated.headers["Vary"] == first.headers["Vary"]
    assert revalidated.headers["Cache-Control"] == first.headers["Cache-Control"]


def test_a_new_lesson_file_changes_the_index_kept_before_flask(lessons):
    """A file added to the folder changes no file's stat: the folder's mtime tells."""
    client = client_for(lessons)
    before = client.get("/")
    assert client.get("/").headers["ETag"] == before.headers["ETag"]
    (lessons / "02-base-images.yaml").write_bytes((LESSONS_DIR / "02-base-images.yaml").read_bytes())
    after = client.get("/")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert b"base-images" in after.data and b"base-images" not in before.data
    (lessons / "02-base-images.yaml").unlink()
    assert client.get("/").headers["ETag"] == before.headers["ETag"]


def test_a_post_and_a_head_are_never_answered_from_what_is_kept(lessons):
    client = client_for(lessons)
    client.get(STEP)
    assert client.post(STEP).status_code == 405
    head = client.head(STEP)
    assert head.status_code == 200 and head.data == b""
