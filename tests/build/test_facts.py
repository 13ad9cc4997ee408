"""Facts the code acts on are fields, not words in a student's text.

A step's uncertainty is ``BuildStep.uncertain``, the distribution is
``Image.distro``, an FSError keeps the kernel's message apart from the hint;
and instruction handlers return what they did without changing what they got.
"""

from __future__ import annotations

import pytest

from app.build import ContextFile, Uncertain, build
from app.build.config_steps import dispatch_arg
from app.build.dispatch import dispatch
from app.build.state import BuildWide, StageState
from app.dockerfile.instructions import parse_dockerfile
from app.engine import CrossDevice, Image, NotFound, ReadOnly
from app.engine.image import env_dict


def test_a_placeholder_from_is_uncertain_but_a_later_run_still_fails_as_dockers():
    result = build("FROM nosuchimage:1\nRUN test -s /app.sh\n")
    assert result.steps[0].uncertain == [Uncertain.PLACEHOLDER_BASE]
    assert result.failed is result.steps[1] and result.failed.uncertain == []


def test_a_missing_context_file_makes_later_failures_not_simulated():
    """Only in a context the lesson marks partial; and the RUN that then fails is not
    accepted silently: it is flagged, with the reason, as not simulated."""
    text = "FROM debian:bookworm\nCOPY app.sh /app.sh\nRUN test -s /app.sh\nRUN echo ok\n"
    assert build(text).failed.keyword == "COPY"
    result = build(text, context_partial=True)
    from_, copy, run, _ = result.steps
    assert (from_.uncertain, copy.uncertain) == ([], [Uncertain.MISSING_CONTEXT_FILE])
    assert result.failed is None and run.uncertain == [Uncertain.NOT_SIMULATED]
    assert [n.command for n in run.not_simulated] == ["test -s /app.sh"]
    assert "a real build may well get past it" in run.not_simulated[0].hint


def test_a_copied_file_that_exists_is_certain():
    result = build("FROM scratch\nCOPY app.sh /\n", {"app.sh": ContextFile.text("echo hi\n")})
    assert [s.uncertain for s in result.steps] == [[], []]


@pytest.mark.parametrize("text,reason", [
    ("FROM scratch\nADD https://example.com/x.tgz /x.tgz\n", Uncertain.NOT_DOWNLOADED),
    ("FROM scratch\nCOPY --from=nosuchimage:1 /etc/x /x\n", Uncertain.PLACEHOLDER_SOURCE_IMAGE),
    ("FROM scratch AS a\nFROM scratch\nCOPY --from=a /nothing /x\n", Uncertain.NOT_IN_SOURCE_IMAGE),
])
def test_each_kind_of_stand_in_has_its_reason(text, reason):
    assert reason in build(text, context_partial=True).steps[-1].uncertain


def test_a_local_archive_added_is_not_extracted():
    result = build("FROM scratch\nADD app.tar /\n", {"app.tar": ContextFile(b"", 0)})
    assert result.steps[-1].uncertain == [Uncertain.ARCHIVE_NOT_EXTRACTED]


def test_the_distribution_is_a_field_of_the_image_not_a_config_key():
    result = build("FROM alpine:3.20 AS base\nFROM base\nRUN true\n")
    assert [s.image.distro for s in result.steps] == ["alpine", "alpine", "alpine"]
    assert not any(key.startswith("layerlab") for key in result.image.config)
    assert build("FROM scratch\n").image.distro is None
    assert build("FROM debian:bookworm\n").image.distro == "debian"


def test_env_list_to_dict_is_one_helper_where_later_entries_win():
    assert env_dict(["A=1", "B=x=y", "A=2", "EMPTY="]) == {"A": "2", "B": "x=y", "EMPTY": ""}
    assert Image("i", config={"Env": ["PATH=/bin"]}).env == {"PATH": "/bin"}
    assert Image("i").env == {}


def test_fserror_keeps_the_kernels_message_and_the_hint_apart():
    err = CrossDevice("/etc")
    assert (err.strerror, err.hint) == ("Invalid cross-device link",
                                        "overlayfs cannot rename a directory that comes from an image layer")
    assert str(err) == "/etc: Invalid cross-device link: overlayfs cannot rename a directory that comes from an image layer"
    assert ReadOnly("/x").strerror == "Read-only file system" and ReadOnly("/x").hint
    assert (NotFound("/x").hint, str(NotFound("/x"))) == ("", "/x: No such file or directory")
    assert str(NotFound("/x", "custom")) == "/x: custom"


def _state_and_wide(text: str) -> tuple[StageState, BuildWide, list]:
    parsed = parse_dockerfile(text, "Dockerfile")
    image = Image("i", config={"Env": ["PATH=/bin"]})
    wide = BuildWide({}, "\\", {"B": "from-cli"}, {"G": "global"}, "i")
    return StageState(0, None, image, {"OLD": "1"}), wide, parsed.stages[0].instructions


def test_handlers_return_what_they_did_and_change_nothing_they_were_given():
    state, wide, (arg,) = _state_and_wide("FROM scratch\nARG A=default B G\n")
    outcome = dispatch_arg(state, arg, wide)
    assert outcome.args == {"OLD": "1", "A": "default", "B": "from-cli", "G": "global"}
    assert state.args == {"OLD": "1"} and len(state.image.history) == 0
    assert outcome.image is not state.image and len(outcome.image.history) == 1


def test_dispatch_gives_the_step_and_the_next_state():
    state, wide, (env, workdir) = _state_and_wide("FROM scratch\nENV X=$OLD\nWORKDIR /w\n")
    step, after = dispatch(state, env, wide)
    assert (step.keyword, step.image, after.env["X"]) == ("ENV", after.image, "1")
    assert "X" not in state.env
    step, last = dispatch(after, workdir, wide)
    assert last.args == after.args == state.args
    assert (step.created_layer, last.workdir, after.workdir) == (True, "/w", "/")


def test_the_next_state_carries_the_args_an_arg_step_set():
    state, wide, (arg, env) = _state_and_wide("FROM scratch\nARG A=from-arg\nENV X=$A\n")
    _, after = dispatch(state, arg, wide)
    assert after.args["A"] == "from-arg" and "A" not in state.args
    _, last = dispatch(after, env, wide)
    assert last.env["X"] == "from-arg"
