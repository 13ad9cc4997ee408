"""/play through the Flask test client: forms, links, every lesson step opened in it, and hostile links."""

from __future__ import annotations

import base64
import json
import os
import re
import zlib
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from app.lessons import LESSONS_DIR, lesson_files, load_lesson
from app.lessons.player import played
from app.playground import ContextItem, State, decode, encode
from app.playground.from_lesson import frame_to_spec

LESSONS = [load_lesson(p) for p in lesson_files(LESSONS_DIR)]
STEPS = [(lesson.id, n, "rebuild" if frame.cached is not None else frame.kind)
         for lesson in LESSONS for n, frame in enumerate(played(lesson.path).frames, 1)]
EXAMPLES = int(os.environ.get("LAYERLAB_PLAY_EXAMPLES", "150"))
HTMX = {"HX-Request": "true"}


def _state_of(html: str) -> str:
    return unescape(re.search(r'name="s" value="([^"]*)"', html).group(1))


def test_build_and_run_are_forms_that_land_on_the_new_state(client):
    response = client.post("/play/build", data={"dockerfile": "FROM debian:bookworm\r\nRUN echo hi > /greeting\r\n"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Step 2 of 2" in page and "<svg" in page
    response = client.post("/play/run", data={"s": _state_of(page), "command": "echo more >> /greeting"})
    state = decode(parse_qs(urlparse(response.headers["Location"]).query)["s"][0])
    assert state.dockerfile == "FROM debian:bookworm\nRUN echo hi > /greeting\n"
    assert state.commands == ("echo more >> /greeting",)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Step 4 of 4" in page and 'id="command"' in page


def test_htmx_gets_the_panel_and_the_url_to_push(client):
    response = client.post("/play/build", data={"dockerfile": "FROM debian:bookworm\n"}, headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Push-Url"].startswith("/play?s=v1.")
    assert "<html" not in response.get_data(as_text=True)


def test_a_dockerfile_error_is_pinned_to_its_line(client):
    url = client.post("/play/build", data={"dockerfile": "FORM debian\n"}).headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "Line 1, column 1:" in page and "did you mean FROM?" in page
    assert 'aria-invalid="true"' in page and '<li class="bad">1</li>' in page


def test_context_files_are_added_edited_and_removed(client):
    previous = encode(State("FROM scratch\nCOPY a /\n", (ContextItem("a", "one"), ContextItem("b", "x"))))
    url = client.post("/play/build", data={
        "s": previous, "dockerfile": "FROM scratch\nCOPY a /\n", "ctx_name": ["a", "b"], "ctx_text": ["two", "x"],
        "ctx_mode": ["0644", "0644"], "ctx_size": ["", ""], "ctx_remove": ["1"],
        "new_name": "c.sh", "new_text": "echo", "new_mode": "0755"}).headers["Location"]
    state = decode(parse_qs(urlparse(url).query)["s"][0])
    assert state.context == (ContextItem("a", "two"), ContextItem("c.sh", "echo", mode="0755"))


class _BuildForm(HTMLParser):
    """The fields the Build form sends as a browser without JavaScript would: every input, textarea and
    select in document order (a checkbox only when checked), so the test sees the page's own rows."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self.inside, self.textarea, self.select = False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == "build-form"
        elif self.inside and tag == "input" and attrs.get("type") != "checkbox":
            self.fields.setdefault(attrs["name"], []).append(attrs.get("value") or "")
        elif self.inside and tag == "textarea":
            self.textarea = attrs["name"]
            self.fields.setdefault(self.textarea, []).append("")
        elif self.inside and tag == "select":
            self.select = attrs["name"]
        elif self.select and tag == "option" and "selected" in attrs:
            self.fields.setdefault(self.select, []).append(attrs["value"])

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea][-1] += data

    def handle_endtag(self, tag):
        self.textarea = None if tag == "textarea" else self.textarea
        self.select = None if tag == "select" else self.select
        self.inside = self.inside and tag != "form"


def _build_form(html: str, **typed) -> dict[str, list[str]]:
    parser = _BuildForm()
    parser.feed(html)
    return {**parser.fields, **{k: [v] for k, v in typed.items()}}


def test_a_folder_and_a_symlink_are_added_listed_and_removed(client):
    url = client.post("/play/build", data={"dockerfile": "FROM scratch\nCOPY . /c/\n", "new_kind": "folder",
                                           "new_name": "data", "new_mode": "0700"}).headers["Location"]
    assert "s=v2." in url
    page = client.get(url).get_data(as_text=True)
    url = client.post("/play/build", data=_build_form(page, new_kind="symlink", new_name="link",
                                                      new_target="data")).headers["Location"]
    state = decode(parse_qs(urlparse(url).query)["s"][0])
    assert state.context == (ContextItem("data", mode="0700", kind="folder"),
                             ContextItem("link", kind="symlink", target="data"))
    page = client.get(url).get_data(as_text=True)
    assert "<code>link -&gt; data</code>" in page and "<code>data/</code>" in page and "<svg" in page
    url = client.post("/play/build", data=_build_form(page, ctx_remove="0")).headers["Location"]
    assert decode(parse_qs(urlparse(url).query)["s"][0]).context == (ContextItem("link", kind="symlink", target="data"),)


def test_a_state_the_form_cannot_hold_says_why(client):
    response = client.post("/play/build", data={"dockerfile": "x" * 20_000})
    assert response.status_code == 422 and "the limit is 16,384" in response.get_data(as_text=True)


def test_chinese_labels(client):
    url = client.post("/play/build?lang=zh", data={"dockerfile": "FROM debian:bookworm\n"}).headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "实验场" in page and ">命令<" in page and ">Dockerfile<" in page


@pytest.mark.parametrize("lesson_id,n,kind", STEPS)
def test_every_lesson_step_opens_in_the_playground_with_the_same_diagram(client, lesson_id, n, kind):
    page = client.get(f"/lessons/{lesson_id}/{n}").get_data(as_text=True)
    link = re.search(r'<p class="open-play"><a href="([^"]+)"', page)
    assert link, "every lesson step links to the playground"
    url = unescape(link.group(1))
    play_page = client.get(url)
    assert play_page.status_code == 200
    if kind == "show":
        return  # a show step compares images side by side; the playground opens on its first image
    if kind == "rebuild":  # the playground builds the edited Dockerfile and context, without the lesson's cache marks
        state = decode(parse_qs(urlparse(url).query)["s"][0])
        lesson = next(lesson for lesson in LESSONS if lesson.id == lesson_id)
        edit = lesson.spec.steps[frame_to_spec(played(lesson.path))[n - 1]]
        wanted = {name: spec if isinstance(spec, str) else spec.text if spec.text is not None else spec.size
                  for name, spec in edit.context.items()}  # a text, or a file known by its size
        assert {item.name: item.text if item.text is not None else item.size
                for item in state.context if item.name in edit.context} == wanted
        return
    lesson_svg = client.get(f"/lessons/{lesson_id}/{n}.svg").get_data(as_text=True)
    play_svg = client.get(url.replace("/play?", "/play/diagram.svg?")).get_data(as_text=True)
    assert play_svg == lesson_svg


def _random_state():
    text = st.text(max_size=200)
    name = st.from_regex(r"\A[a-z][a-z0-9._-]{0,12}(/[a-z]{1,3})?\Z")
    item = st.builds(ContextItem, name, text | st.none(), st.integers(0, 10**6), st.sampled_from(["0644", "0755", "600"]))
    item |= st.builds(ContextItem, name, mode=st.sampled_from(["0755", "0700"]), kind=st.just("folder"))  # v2 links
    item |= st.builds(ContextItem, name, kind=st.just("symlink"), target=st.sampled_from(
        ["a", "../a", "/etc/passwd", ".", "a/b", "x" * 4095]) | st.text(min_size=1, max_size=20).filter(lambda t: "\0" not in t))
    return st.builds(State, st.sampled_from(["FROM debian:bookworm\n", "FROM scratch\n", "FROM scratch\nCOPY . /c/\n", ""]).flatmap(
        lambda head: text.map(lambda tail: head + tail)), st.lists(item, max_size=3, unique_by=lambda i: i.name).map(tuple),
        st.lists(st.sampled_from(["ls /", "echo hi > /x", "ls -l /c", "cat /c/a", "docker diff container-1", "docker rm container-1",
                                  "docker run --name a playground", "docker commit a b", "rm -rf /etc"]), max_size=4)
        .map(tuple))


def _tamper_a_row(text: str, data) -> str:
    """A link whose checksum holds but one context row is wrong: a cell dropped, added or replaced."""
    version, packed = text.split(".", 1)
    body = json.loads(zlib.decompress(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4))))
    rows = body["c"] or [[]]
    row = list(rows[data.draw(st.integers(0, len(rows) - 1))]) if isinstance(rows[0], list) else []
    cell = st.none() | st.booleans() | st.integers(-2, 2**40) | st.text(max_size=6) | st.sampled_from(
        ["f", "d", "l", "0755", "../x", "x" * 4096]) | st.lists(st.integers(), max_size=2)
    how = data.draw(st.sampled_from(["drop", "add", "set"]))
    if how == "drop" and row:
        row.pop(data.draw(st.integers(0, len(row) - 1)))
    elif how == "set" and row:
        row[data.draw(st.integers(0, len(row) - 1))] = data.draw(cell)
    else:
        row.insert(data.draw(st.integers(0, len(row))), data.draw(cell))
    body["c"] = [row] + rows[1:]
    return f"{version}." + base64.urlsafe_b64encode(zlib.compress(json.dumps(body).encode())).rstrip(b"=").decode()


def _tamper(text: str, data) -> str:
    how = data.draw(st.sampled_from(["cut", "flip", "json", "noise", "row", "row"]))
    if how == "row":
        return _tamper_a_row(text, data)
    if how == "cut":
        return text[: data.draw(st.integers(0, len(text)))]
    if how == "flip":
        i = data.draw(st.integers(0, len(text) - 1))
        return text[:i] + data.draw(st.sampled_from("A_-z09.%")) + text[i + 1:]
    if how == "json":
        raw = data.draw(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
        return data.draw(st.sampled_from(["v1.", "v2."])) + base64.urlsafe_b64encode(zlib.compress(raw)).decode()
    return data.draw(st.text(max_size=300))


@settings(max_examples=EXAMPLES, deadline=None, derandomize="LAYERLAB_PLAY_EXAMPLES" not in os.environ,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(state=_random_state(), data=st.data())
def test_random_truncated_and_tampered_links_never_give_a_500(client, state, data):
    text = encode(state)
    if data.draw(st.booleans()):
        text = _tamper(text, data)
    step = data.draw(st.sampled_from(["", "1", "3", "999", "x"]))
    for url in (f"/play?s={text}&step={step}", f"/play/diagram.svg?s={text}&step={step}"):
        response = client.get(url)
        assert response.status_code < 500, url
    response = client.post("/play/run", data={"s": text, "command": data.draw(st.text(max_size=40))})
    assert response.status_code < 500


def test_a_sandbox_limit_is_shown_on_the_page(client, monkeypatch):
    # 1 kB: less than any answer, even one whose layers the worker sent before (app/sandbox/shared.py)
    monkeypatch.setenv("LAYERLAB_OUTPUT_MB", "0.001")
    url = client.post("/play/build", data={"dockerfile": "FROM debian:bookworm\nRUN echo limit > /l\n"}).headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "stopped at 0.001 MB of result" in page and 'role="alert"' in page
