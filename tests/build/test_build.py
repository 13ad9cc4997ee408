"""Build: what each instruction does to the image, as docker build (BuildKit) does it."""

from __future__ import annotations

import pytest

from app.build import ContextFile, build
from app.engine import UnionFS


def ctx(**files):
    return {name.replace("__", "/"): ContextFile.text(body) for name, body in files.items()}


def merged(image):
    return UnionFS(list(image.layers))


def test_hello_world_is_one_layer_of_one_file():
    result = build('FROM scratch\nCOPY hello /\nCMD ["/hello"]\n', ctx(hello="hi"))
    image = result.image
    assert len(image.layers) == 1
    assert [p for p, n in image.layers[0].items() if n.type == "file"] == ["/hello"]
    assert [h.empty_layer for h in image.history] == [False, True]
    assert image.config["Cmd"] == ["/hello"]
    assert image.base == "scratch" and image.base_layers == 0


def test_metadata_instructions_add_history_but_no_layer():
    text = "FROM scratch\nENV A=1\nLABEL x=y\nEXPOSE 80\nUSER nobody\nVOLUME /data\nSTOPSIGNAL SIGTERM\nCMD x\n"
    result = build(text)
    assert result.image.layers == ()
    assert all(h.empty_layer for h in result.image.history)
    assert [s.keyword for s in result.steps] == ["FROM", "ENV", "LABEL", "EXPOSE", "USER", "VOLUME", "STOPSIGNAL", "CMD"]
    assert result.image.config["ExposedPorts"] == {"80/tcp": {}}


def test_run_makes_a_layer_with_what_it_changed():
    result = build("FROM debian:bookworm\nRUN echo hi > /greeting && rm /etc/motd\n")
    top = result.image.layers[-1]
    assert top.get("/greeting").inode.data == b"hi\n"
    assert top.get("/etc/motd").type == "whiteout"
    assert result.steps[-1].created_layer


def test_a_failing_run_stops_the_build_with_its_status():
    result = build("FROM debian:bookworm\nRUN false\nRUN echo never > /x\n")
    assert result.failed is not None and result.failed.line == 2
    assert "exit code: 1" in result.failed.error or "1" in result.failed.error
    assert [s.keyword for s in result.steps] == ["FROM", "RUN"]


def test_workdir_makes_a_layer_even_when_the_directory_exists():
    """BuildKit's WORKDIR is a mkdir -p of its own layer: an empty one the second time."""
    result = build("FROM debian:bookworm\nWORKDIR /app\nWORKDIR /app\nRUN touch f\n")
    assert [s.created_layer for s in result.steps] == [True, True, True, True]
    assert list(result.steps[2].image.layers[-1].items()) == []
    assert result.image.layers[-1].get("/app/f") is not None


def test_copy_of_a_file_missing_from_the_context_fails_as_buildkit():
    result = build("FROM scratch\nCOPY missing.txt /app/\n")
    assert result.failed is result.steps[-1]
    assert result.failed.error == 'failed to compute cache key: "/missing.txt" not found: not found'


def test_copy_of_a_file_missing_from_a_partial_context_is_a_flagged_placeholder():
    result = build("FROM scratch\nCOPY missing.txt /app/\n", context_partial=True)
    step = result.steps[-1]
    assert result.image.layers[-1].get("/app/missing.txt").size == 0
    assert any("not in the build context" in n for n in step.notes)


def test_copy_a_directory_copies_its_contents():
    result = build("FROM scratch\nCOPY src /app\n", ctx(src__a="1", src__sub__b="2"))
    paths = {p for p, n in result.image.layers[-1].items() if n.type == "file"}
    assert paths == {"/app/a", "/app/sub/b"}


def test_add_of_a_url_makes_a_placeholder_and_says_so():
    result = build("FROM scratch\nADD https://example.org/tool.tar.gz /opt/\n")
    assert result.image.layers[-1].get("/opt/tool.tar.gz").size > 0
    assert any("nothing is downloaded" in n for n in result.steps[-1].notes)


def test_an_unknown_base_image_builds_on_a_flagged_placeholder():
    result = build("FROM golang:1.21-bookworm\nRUN echo ok > /ok\n")
    assert result.failed is None
    assert any("not in layerlab's catalog" in n for n in result.steps[0].notes)
    assert result.image.approximate


def test_arg_before_from_is_expanded_in_from():
    result = build("ARG TAG=bookworm\nFROM debian:${TAG}\n")
    assert result.image.base == "debian:bookworm"


def test_env_is_expanded_in_copy_destination():
    result = build("FROM scratch\nENV DIR=/srv\nCOPY a $DIR/\n", ctx(a="x"))
    assert result.image.layers[-1].get("/srv/a") is not None


def test_multi_stage_copy_from_an_earlier_stage():
    text = (
        "FROM debian:bookworm AS builder\n"
        "RUN mkdir -p /out && echo binary > /out/app\n"
        "FROM scratch\n"
        "COPY --from=builder /out/app /app\n"
    )
    result = build(text)
    assert [s.name for s in result.stages] == ["builder", None]
    assert result.stages[-1].final and not result.stages[0].final
    assert len(result.image.layers) == 1
    assert result.image.layers[0].get("/app").inode.data == b"binary\n"


def test_target_stops_at_the_named_stage():
    text = "FROM scratch AS one\nCOPY a /a\nFROM scratch AS two\nCOPY a /b\n"
    result = build(text, ctx(a="x"), target="one")
    assert [s.name for s in result.stages] == ["one"]
    assert result.image.layers[-1].get("/a") is not None


def test_two_images_from_one_base_share_the_same_layer_object():
    one = build("FROM debian:bookworm\nRUN touch /a\n").image
    two = build("FROM debian:bookworm\nRUN touch /b\n").image
    assert one.layers[0] is two.layers[0]


def test_copy_to_dot_goes_into_the_working_directory():
    result = build("FROM scratch\nWORKDIR /src\nCOPY a .\n", ctx(a="x"))
    top = result.image.layers[-1]
    assert top.get("/src/a").type == "file" and top.get("/src") is None or top.get("/src").type == "dir"


def test_copy_onto_an_existing_directory_puts_the_file_inside():
    result = build("FROM debian:bookworm\nCOPY a /etc\n", ctx(a="x"))
    assert result.image.layers[-1].get("/etc/a").type == "file"
    assert result.image.layers[-1].get("/etc").type == "dir"


def test_from_a_variable_that_is_not_set_is_an_error_at_its_line():
    from app.build import BuildError

    with pytest.raises(BuildError) as info:
        build("ARG BASE\nFROM ${BASE}\n")
    assert (info.value.line, info.value.message) == (2, "base name (${BASE}) should not be blank")


def test_copy_from_a_stage_copies_a_whole_tree_with_symlinks_and_empty_directories():
    text = ("FROM debian:bookworm AS builder\n"
            "RUN mkdir -p /out/lib /out/empty && echo 1 > /out/lib/libx.so.1 && ln -s libx.so.1 /out/lib/libx.so\n"
            "FROM scratch\nCOPY --from=builder /out /opt\n")
    layer = build(text).image.layers[-1]
    assert layer.get("/opt/lib/libx.so").target == "libx.so.1"
    assert layer.get("/opt/empty").type == "dir"
    assert layer.get("/opt/lib/libx.so.1").inode.data == b"1\n"


def test_copy_from_a_stage_keeps_files_of_unknown_content_size_only():
    result = build("FROM debian:bookworm AS base\nFROM scratch\nCOPY --from=base /usr/bin /bin\n")
    sizes_only = [n for _, n in result.image.layers[-1].items() if n.type == "file" and n.inode.data is None]
    assert sizes_only, "the catalog's size-only binaries must not be read in as zeros"


def test_a_stage_nothing_uses_is_not_built_as_buildkit_skips_it():
    text = ("FROM debian:bookworm AS test\nRUN false\n"
            "FROM debian:bookworm AS builder\nRUN echo hi > /hi\n"
            "FROM scratch\nCOPY --from=builder /hi /hi\n")
    result = build(text)
    assert result.failed is None
    assert [s.name for s in result.stages] == ["builder", None]
    assert build(text, target="test").failed is not None
