"""Generated hostile input: Dockerfiles to build, shell lines to run, lesson YAML to check,
URLs to the web app. None may raise anything but the project's own located errors, and no
page may answer 500. A few hundred examples by default; LAYERLAB_FUZZ_EXAMPLES=5000 for more."""

from __future__ import annotations

import os
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from app.build import build
from app.build.base import base_image
from app.build.results import BuildError
from app.dockerfile.errors import DockerfileError
from app.engine import Layer, UnionFS
from app.lessons import LessonError, load_lesson
from app.shell import Limits, run

EXAMPLES = int(os.environ.get("LAYERLAB_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("LAYERLAB_FUZZ_EXAMPLES"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
SMALL = Limits(max_steps=2000, max_loop_iterations=500, max_string_bytes=1 << 16, max_output_bytes=1 << 16)

odd = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from(
    ["\udcff", "\udc80", "\x00", "\x1b", "\n", "\\", "$", "'", '"', "`", "{", "}", "(", ")", "*", "[", "]"]),
    max_size=30)
words = st.sampled_from(["echo", "printf", "touch", "mkdir -p", "rm -rf", "cp", "mv", "ln -s", "grep -E", "sed -E",
                         "cat", "find / -name", "test", "[", "case", "for", "while", "if", "export", "cd", "chmod",
                         "expr", "read", "seq", "yes", "head -c", "tr", "sort", "wc", "tar", "apt-get install -y",
                         "$((", "${", "$(", "`", "<<EOF", ">", ">>", "|", "&&", "||", ";", "&", "!"])
shell_line = st.lists(st.one_of(words, odd, st.sampled_from(["/tmp/x", "/etc/passwd", "a*", "'^(a+)+$'",
                                                              "\\1", "%1900000000d", "1<<63"])),
                      min_size=1, max_size=12).map(" ".join)
keywords = st.sampled_from(["FROM", "RUN", "ENV", "ARG", "COPY", "ADD", "WORKDIR", "USER", "LABEL", "CMD",
                            "ENTRYPOINT", "EXPOSE", "VOLUME", "SHELL", "HEALTHCHECK", "ONBUILD", "STOPSIGNAL",
                            "# syntax=docker/dockerfile:1", "# escape=`", "MAINTAINER", "BOGUS"])
instruction = st.tuples(keywords, st.one_of(shell_line, odd)).map(" ".join)
bases = st.sampled_from(["FROM scratch", "FROM debian:bookworm", "FROM alpine:3.19", "FROM debian:bookworm AS b",
                         "FROM $X", "FROM b", ""])
dockerfile = st.tuples(bases, st.lists(instruction, max_size=8),
                       st.sampled_from(["\n", "\r\n", "\\\n"])).map(lambda t: t[2].join([t[0], *t[1]]) + "\n")


@pytest.fixture(scope="module")
def debian_layers():
    return list(base_image("debian:bookworm", "fuzz").image.layers)


@FUZZ
@given(text=dockerfile)
def test_any_dockerfile_builds_or_gives_a_located_error(text):
    try:
        result = build(text, {"hello": b"hi"}, filename="Dockerfile")
    except (DockerfileError, BuildError):
        return
    assert result.steps


@FUZZ
@given(line=shell_line)
def test_any_shell_line_ends_with_a_status(debian_layers, line):
    result = run(line, UnionFS(debian_layers, Layer()), limits=SMALL)
    assert isinstance(result.status, int)


yaml_piece = st.one_of(
    st.sampled_from(["id: x", "id: ../../etc", "title: {en: a, zh: b}", "summary: {en: a, zh: b}", "order: 1",
                     "images:", "  - name: a", "    dockerfile: |", "      FROM scratch", "      RUN echo hi",
                     "    dockerfile_file: ../outside/Dockerfile", "    context_dir: /etc", "steps:",
                     "  - build: a", "    instruction: 99", "a: &x [1, 2]", "b: *x", "- [[[[[[[[[[", "{", "? x",
                     "!!python/object:os.system", "say: {en: '**x**', zh: y}", "  - run: a", "    exec: ls"]),
    odd.map(lambda t: "title: " + repr(t)))
lesson_yaml = st.lists(yaml_piece, max_size=16).map("\n".join)


@FUZZ
@given(text=lesson_yaml)
def test_any_lesson_yaml_loads_or_gives_lesson_problems(tmp_path, text):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    try:
        load_lesson(path)
    except LessonError as exc:
        assert exc.problems


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


segment = st.one_of(st.sampled_from(["lessons", "hello-world", "static", "1", "1.svg", "1.png", "0", "99",
                                     "01", "1%0A", "%ff", "..", "%2e%2e", "go", "app.css", "x" * 90]),
                    st.text(alphabet=string.printable, min_size=1, max_size=12))
query = st.lists(st.tuples(st.sampled_from(["lang", "terms", "present", "step", "x"]),
                           st.sampled_from(["en", "zh", "on", "off", "%ff", "", "1"])), max_size=3)


@FUZZ
@given(parts=st.lists(segment, min_size=1, max_size=4), params=query)
def test_no_url_answers_500(client, parts, params):
    url = "/" + "/".join(parts) + ("?" + "&".join(f"{k}={v}" for k, v in params) if params else "")
    response = client.get(url)
    assert response.status_code < 500, url
