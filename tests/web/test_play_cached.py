"""/play after an edit and Build: each instruction CACHED or built again, against the state the form came from."""

from __future__ import annotations

import re
from html import unescape

from app.playground import ContextItem, State, encode

DOCKERFILE = ("FROM debian:bookworm-slim\nWORKDIR /app\nRUN echo one > /one\nCOPY app.py .\n"
              "RUN echo two > /two\nCMD [\"python3\", \"app.py\"]\n")
BEFORE = State(DOCKERFILE, (ContextItem("app.py", "print(1)\n"),))


def _build(client, app_py: str, headers=None):
    return client.post("/play/build", headers=headers or {}, data={
        "s": encode(BEFORE), "dockerfile": DOCKERFILE, "ctx_name": ["app.py"], "ctx_text": [app_py],
        "ctx_mode": ["0644"], "ctx_size": [""]})


def _marks(page: str) -> list[str]:
    """Per step dot: hit, miss or '' (no mark: FROM, CMD), in order."""
    return [m or "" for m in re.findall(r'class="dot kind-\w+(?: cache-(hit|miss))?"', page)]


def test_an_edited_copy_source_rebuilds_from_that_copy_on(client):
    page = client.get(_build(client, "print(2)\n").headers["Location"]).get_data(as_text=True)
    # FROM, WORKDIR, RUN | COPY app.py (edited), RUN after it | CMD makes no step of its own
    assert _marks(page) == ["", "hit", "hit", "miss", "miss", ""]
    step4 = unescape(re.search(r'href="(/play\?[^"]*step=4[^"]*)"', page).group(1))
    assert "prev=" in step4  # stepping through keeps the marks
    step4_page = client.get(step4).get_data(as_text=True)
    assert '<p class="cache-mark cache-miss"><strong>built again</strong>' in step4_page
    assert "CACHED" in step4_page.split('class="canvas"', 1)[1]  # the diagram marks the rows before


def test_no_edit_is_all_cached_and_htmx_gets_the_marks_too(client):
    response = _build(client, "print(1)\n", headers={"HX-Request": "true"})
    assert "prev=" in response.headers["HX-Push-Url"]
    assert _marks(response.get_data(as_text=True)) == ["", "hit", "hit", "hit", "hit", ""]


def test_a_link_without_the_previous_state_has_no_marks(client):
    page = client.get(f"/play?s={encode(BEFORE)}").get_data(as_text=True)
    assert _marks(page) == [""] * 6 and "cache-mark" not in page
    damaged = client.get(f"/play?s={encode(BEFORE)}&prev=v1.broken")
    assert damaged.status_code == 200 and "cache-mark" not in damaged.get_data(as_text=True)
