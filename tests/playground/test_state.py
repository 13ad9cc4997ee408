"""The playground's link format: it round-trips, fits an 8 KB Dockerfile, and refuses bad links by name."""

from __future__ import annotations

import base64
import json
import random
import string
import zlib

import pytest

from app.playground import LIMITS, ContextItem, State, StateError, decode, encode


def _pack(body) -> str:
    raw = json.dumps(body).encode() if not isinstance(body, bytes) else body
    return "v1." + base64.urlsafe_b64encode(zlib.compress(raw)).rstrip(b"=").decode()


def test_a_state_round_trips():
    state = State("FROM debian:bookworm\nRUN echo hi > /greeting\n",
                  (ContextItem("app.py", "print('hi')\n", mode="0755"), ContextItem("big.bin", None, 1 << 20)),
                  ("echo more >> /greeting", "docker diff container-1"), "site")
    text = encode(state)
    assert text.startswith("v1.") and all(c in string.ascii_letters + string.digits + "-_." for c in text)
    assert decode(text) == state


def test_an_8_kb_dockerfile_of_random_text_fits():
    rng = random.Random(12)
    body = "".join(rng.choice(string.ascii_letters + string.digits + " \n") for _ in range(8 * 1024))
    state = State("FROM debian\nRUN echo " + body.replace("\n", " ") + "\n")
    assert len(state.dockerfile) > 8 * 1024
    assert decode(encode(state)) == state


@pytest.mark.parametrize("text,says", [
    ("", "should start with 'v1.'"),
    ("v3.AAAA", "should start with 'v1.' or 'v2.'"),
    ("v2.*/*", "damaged"),
    ("v1.*/*", "damaged"),
    ("v1." + "A" * (LIMITS.encoded_chars + 1), "the limit is 32,768"),
])
def test_bad_links_are_refused_with_a_reason(text, says):
    with pytest.raises(StateError, match=says.replace("(", r"\(").replace(".", r"\.")):
        decode(text)


def test_a_truncated_link_is_refused():
    text = encode(State("FROM debian:bookworm\nRUN echo hi\n"))
    for cut in range(4, len(text) - 1):
        with pytest.raises(StateError):
            decode(text[:cut])


def test_a_tampered_link_is_refused_or_reads_as_a_valid_state():
    text = encode(State("FROM debian:bookworm\nRUN echo hi\n", commands=("ls",)))
    rng = random.Random(3)
    for _ in range(300):
        i = rng.randrange(3, len(text))
        tampered = text[:i] + rng.choice(string.ascii_letters) + text[i + 1:]
        try:
            decode(tampered)
        except StateError:
            pass


def test_a_zip_bomb_stops_at_the_unpacked_limit():
    bomb = _pack(b'{"d":"' + b"A" * (LIMITS.json_bytes * 4) + b'"}')
    assert len(bomb) < LIMITS.encoded_chars
    with pytest.raises(StateError, match="over 98,304 bytes once unpacked"):
        decode(bomb)


@pytest.mark.parametrize("body,says", [
    ({"d": "x" * (LIMITS.dockerfile_chars + 1)}, "the limit is 16,384"),
    ({"d": "FROM a", "x": ["ls"] * (LIMITS.commands + 1)}, "the limit is 50"),
    ({"d": "FROM a", "c": [["../etc/passwd", "x", "0644"]]}, "no '..'"),
    ({"d": "FROM a", "c": [["a", "x", "9999"]]}, "is not octal"),
    ({"d": "FROM a", "c": [["a", True, "0644"]]}, "neither text nor size"),
    ({"d": "FROM a", "t": "UPPER"}, "image tag"),
    ({"d": 5}, "must be text"),
    ({"zzz": 1}, "unexpected contents"),
    ([1, 2], "unexpected contents"),
])
def test_states_past_a_limit_are_refused_by_name(body, says):
    with pytest.raises(StateError, match=says.replace("(", r"\(").replace(".", r"\.")):
        decode(_pack(body))


def test_encoding_refuses_a_state_too_large_for_a_link():
    rng = random.Random(5)
    noise = [ContextItem(f"f{i}", "".join(rng.choice(string.printable) for _ in range(10_000))) for i in range(8)]
    with pytest.raises(StateError, match="too large for a link"):
        encode(State("FROM a\n", tuple(noise)))


