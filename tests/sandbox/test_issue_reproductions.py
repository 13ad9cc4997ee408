"""Each hostile Dockerfile of issue 9, generated here, through the sandbox: it stops at a
named limit of the simulator (counts and bytes, never a clock), with a message at the
right line, inside a worker whose memory limit proves the bound (1.5 GB; the issue saw
4-11 GB), and the worker is fine for the next build."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from app import sandbox
from app.dockerfile.errors import DockerfileError
from app.lessons import LessonError
from app.lessons.player import diagram

BOUND = sandbox.Limits(cpu_seconds=120, memory_mb=1500, wall_seconds=300, output_mb=256, workers=1)
FROM = "FROM debian:bookworm\n"


def build(text: str):
    return sandbox.build(text, {}, filename="Dockerfile", name="hostile", limits=BOUND)


def refused(text: str) -> DockerfileError:
    with pytest.raises(DockerfileError) as caught:
        build(text)
    return caught.value


def failed_step(text: str):
    result = build(text)
    assert result.failed is not None, "the build should have stopped"
    return result.failed


def test_ten_thousand_run_touch_lines_stop_at_the_instruction_limit():
    error = refused(FROM + "".join(f"RUN touch /f{i}\n" for i in range(10_000)))
    assert (error.line, error.message) == (1001, "more than 1000 instructions (limit max_instructions)")


def test_ten_thousand_env_lines_stop_at_the_instruction_limit():
    error = refused(FROM + "".join(f"ENV V{i}={i}\n" for i in range(10_000)))
    assert (error.line, error.message) == (1001, "more than 1000 instructions (limit max_instructions)")


def test_more_layers_than_docker_allows_stop_with_max_depth_exceeded():
    step = failed_step(FROM + "".join(f"RUN touch /f{i}\n" for i in range(200)))
    assert step.line == 126  # debian's one layer + 124 RUNs = 125; the 125th RUN would be the 126th
    assert step.error.endswith("max depth exceeded: the image would have 126 layers, more than 125 "
                               "(limit max_layers)")


def test_mkdir_p_of_a_3000_deep_path_stops_at_path_max():
    step = failed_step(FROM + "RUN mkdir -p /" + "/".join(["d"] * 3000) + "\n")
    assert step.line == 2
    assert step.error.endswith("is longer than 4096 bytes (limit max_path_bytes)")


def test_a_300_byte_dockerfile_doubling_env_stops_at_the_variable_limit():
    text = FROM + "ENV A=0123456789abcdef\n" + "ENV A=$A$A\n" * 18
    assert len(text) < 300
    step = failed_step(text)
    assert step.line == 16  # 16 bytes doubled 14 times is 262144, past 131072
    assert step.error == ("layerlab stopped the build: the value of A grew to 262144 bytes, more than 131072 "
                          "(limit max_variable_bytes)")


def test_a_variable_doubling_in_a_loop_stops_at_the_string_limit():
    step = failed_step(FROM + "RUN a=x; while true; do a=$a$a; done\n")
    assert step.line == 2
    assert step.error.endswith("the variable a grew past 16777216 bytes (limit max_string_bytes)")


def test_six_huge_printf_fields_stop_at_the_first_with_no_silent_empty_layer():
    result = build(FROM + "".join(f"RUN printf '%1900000000d' 1 > /f{n}\n" for n in range(1, 7)))
    assert result.failed.line == 2
    assert result.failed.error.endswith("printf: a field of 1900000000 bytes is more than 16777216 "
                                        "(limit max_string_bytes)")
    assert [s.line for s in result.steps] == [1, 2]  # nothing after it, no 0 B layer
    assert len(result.image.layers) == 1


def test_a_50_mb_heredoc_is_refused_before_parsing():
    error = refused(FROM + "RUN <<EOF\n" + ("x" * 99 + "\n") * 500_000 + "EOF\n")
    assert (error.line, error.message) == (1, "the Dockerfile is 50000035 bytes, more than 1048576 "
                                              "(limit max_dockerfile_bytes)")


def test_a_heredoc_over_its_limit_is_refused_at_its_line():
    error = refused(FROM + "RUN true\nRUN <<EOF\n" + ("echo " + "x" * 94 + "\n") * 3000 + "EOF\n")
    assert (error.line, error.message) == (3, "a heredoc of 300000 bytes, more than 262144 "
                                              "(limit max_heredoc_bytes)")


def test_the_worker_builds_normally_after_the_hostile_ones():
    assert build(FROM + "RUN echo hi > /greeting\n").failed is None


LESSON = """\
id: big
title: {{en: Big, zh: Big}}
summary: {{en: a long Dockerfile, zh: x}}
images:
  - name: big
    dockerfile: |
{dockerfile}
steps:
  - build: big
"""


def _lesson(tmp_path, instructions: list[str]):
    text = LESSON.format(dockerfile="".join(f"      {line}\n" for line in ["FROM debian:bookworm", *instructions]))
    path = tmp_path / "big.yaml"
    path.write_text(text)
    return path


def test_3000_instructions_are_refused_before_anything_is_drawn(tmp_path):
    path = _lesson(tmp_path, [f"ENV V{i}={i}" for i in range(3000)])
    with pytest.raises(LessonError) as caught:
        sandbox.played(path, limits=BOUND)
    assert "more than 1000 instructions (limit max_instructions)" in str(caught.value)


def test_the_largest_allowed_dockerfile_is_drawn_as_well_formed_svg_and_png(tmp_path):
    lines = [f"RUN touch /f{i}" for i in range(120)] + [f"ENV V{i}={i}" for i in range(879)]
    played = sandbox.played(_lesson(tmp_path, lines), limits=BOUND)
    last = len(played.frames)
    svg = diagram(played, last, "en", "svg")
    ET.fromstring(svg)
    assert diagram(played, last, "en", "png").startswith(b"\x89PNG")
