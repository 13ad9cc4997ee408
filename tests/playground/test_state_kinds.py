"""The link format with folders and symlinks (v2): it round-trips, leaves file-only links as v1 wrote them,
and refuses every bad row by name."""

from __future__ import annotations

import base64
import json
import os
import zlib

import pytest
from hypothesis import given, settings, strategies as st

from app.playground import LIMITS, ContextItem, State, StateError, decode, encode

EXAMPLES = int(os.environ.get("LAYERLAB_STATE_EXAMPLES", "60"))
# encoded by main before v2 (2e28285): a link made then must encode, and read, exactly the same
OLD_LINK = ("v1.eNodi0EKwjAURK8SZqVQ0ghJK90K7qTiTpIumrZoUNPQBqyIB_IcXsxPdjPz5r3Ro8L-VB9YP1jX-sqO4-05Tg_jd_XxzDjL2xBy45Eh0"
            "nV2caC4oNK4zwmiydBR16DCw4twmJyPK4OrM1gnV5RK0VHDugu3jqaNkFtVFoQKKROapy5vmeVxiWT8vkkshEDTfP7A3TE1")
OLD_STATE = State("FROM debian:bookworm\nCOPY . /app/\n",
                  (ContextItem("app.py", 'print("hi")\n', mode="0755"), ContextItem("big.bin", None, 1 << 20),
                   ContextItem("src/a b.txt", "é\n", 0, "600")), ("ls /app",), "site")

NAMES = st.from_regex(r"\A[a-z][a-z0-9._-]{0,6}(/[a-z0-9._-]{1,6})?\Z")
MODES = st.sampled_from(["0644", "0755", "600", "0700", "1777"])
FILES = st.builds(ContextItem, NAMES, st.text(max_size=40), st.just(0), MODES) | st.builds(
    ContextItem, NAMES, st.none(), st.integers(0, 10**6), MODES)  # a text, or only a size
FOLDERS = st.builds(ContextItem, NAMES, mode=MODES, kind=st.just("folder"))
TARGETS = st.text(st.characters(blacklist_characters="\0"), min_size=1, max_size=30) | st.sampled_from(
    ["app.py", "../x", "/etc/passwd", "a/../../b", "."])
SYMLINKS = st.builds(ContextItem, NAMES, kind=st.just("symlink"), target=TARGETS)


def _states(items) -> st.SearchStrategy[State]:
    return st.builds(State, st.sampled_from(["", "FROM scratch\nCOPY . /\n"]),
                     st.lists(items, max_size=4, unique_by=lambda i: i.name).map(tuple),
                     st.lists(st.sampled_from(["ls /", "cat /x"]), max_size=2).map(tuple),
                     st.sampled_from(["playground", "site"]))


def _pack(version: str, body) -> str:
    return f"{version}." + base64.urlsafe_b64encode(zlib.compress(json.dumps(body).encode())).rstrip(b"=").decode()


def _v1_by_hand(state: State) -> str:
    """The v1 format as docs/playground.md describes it, written out independently of the codec."""
    body = {"d": state.dockerfile, "t": state.tag, "x": list(state.commands),
            "c": [[i.name, i.text if i.text is not None else i.size, i.mode] for i in state.context]}
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return "v1." + base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode()


@settings(max_examples=EXAMPLES, deadline=None, derandomize="LAYERLAB_STATE_EXAMPLES" not in os.environ)
@given(_states(FILES | FOLDERS | SYMLINKS))
def test_states_of_all_three_kinds_round_trip(state):
    text = encode(state)
    assert text.startswith("v1." if all(i.kind == "file" for i in state.context) else "v2.")
    assert decode(text) == state


@settings(max_examples=EXAMPLES, deadline=None, derandomize="LAYERLAB_STATE_EXAMPLES" not in os.environ)
@given(_states(FILES))
def test_a_file_only_state_encodes_as_v1_did(state):
    assert encode(state) == _v1_by_hand(state)


def test_a_link_made_before_v2_is_unchanged():
    assert decode(OLD_LINK) == OLD_STATE
    assert encode(OLD_STATE) == OLD_LINK


def test_a_folder_and_a_symlink_make_a_v2_link_whose_rows_name_their_kind():
    state = State("FROM scratch\n", (ContextItem("a.txt", "hi"), ContextItem("data", mode="0700", kind="folder"),
                                     ContextItem("link", kind="symlink", target="../x")))
    text = encode(state)
    assert text.startswith("v2.")
    body = json.loads(zlib.decompress(base64.urlsafe_b64decode(text[3:] + "=" * (-len(text[3:]) % 4))))
    assert body["c"] == [["f", "a.txt", "hi", "0644"], ["d", "data", "0700"], ["l", "link", "../x"]]


def test_a_symlink_has_no_mode_of_its_own_and_a_folder_defaults_to_0755():
    assert ContextItem("l", mode="0600", kind="symlink", target="x").mode == "0777"
    assert ContextItem("d", kind="folder").mode == "0755"
    assert ContextItem("f").mode == "0644"


def test_a_symlink_target_is_bounded_like_linux():
    longest = State("FROM scratch\n", (ContextItem("l", kind="symlink", target="x" * LIMITS.symlink_target_chars),))
    assert decode(encode(longest)) == longest
    for target in ("x" * (LIMITS.symlink_target_chars + 1), "", "a\0b"):
        with pytest.raises(StateError, match="1 to 4,095 characters"):
            encode(State("FROM scratch\n", (ContextItem("l", kind="symlink", target=target),)))


@pytest.mark.parametrize("row,says", [
    (["l", "link"], r"must be \['l', name, target\]"),
    (["l", "link", 5], r"must be \['l', name, target\]"),
    (["d", "data", "0755", "x"], r"must be \['d', name, mode\]"),
    (["d", "data", ""], "is not octal"),
    (["d", "data", "9"], "is not octal"),
    (["d", "../up", "0755"], "no '..'"),
    (["l", "../up", "x"], "no '..'"),
    (["l", "link", ""], "1 to 4,095"),
    (["l", "link", "x" * 4096], "1 to 4,095"),
    (["f", "a", True, "0644"], "neither text nor size"),
    (["f", "a", "x"], r"must be \[name, text or size, mode\]"),
    (["x", "a", "b"], "must start with its kind"),
    (["a", "x", "0644"], "must start with its kind"),  # a v1 row in a v2 link
    ([], "must start with its kind"),
    ("l", "must start with its kind"),
    ([["l"], "a", "b"], "must start with its kind"),
])
def test_bad_v2_rows_are_refused_by_name(row, says):
    with pytest.raises(StateError, match=says):
        decode(_pack("v2", {"d": "FROM a", "c": [row]}))


def test_two_entries_of_one_name_and_too_many_entries_are_refused():
    twice = [["d", "a", "0755"], ["l", "a", "x"]]
    with pytest.raises(StateError, match="same name"):
        decode(_pack("v2", {"d": "FROM a", "c": twice}))
    with pytest.raises(StateError, match="the limit is 20"):
        decode(_pack("v2", {"d": "FROM a", "c": [["d", f"d{i}", "0755"] for i in range(21)]}))
