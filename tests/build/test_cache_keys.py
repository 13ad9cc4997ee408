"""BuildKit's cache keys (app/build/cache_keys.py), edit by edit, without Docker.

tests/docker/test_docker_cache.py holds the same rules against a real daemon; these say
each rule once, so that a broken rule names itself.
"""

from __future__ import annotations

from app.build.cache_keys import cache_keys, cached, progress_lines
from app.build.context import ContextFile
from app.runtime import Runtime

DOCKERFILE = """FROM busybox:1.36
ARG V=1
COPY a.txt /a
ENV E=x
WORKDIR /w
RUN echo hi
COPY b.txt /b
CMD ["sh"]
"""
CONTEXT = {"a.txt": ContextFile.text("a\n"), "b.txt": ContextFile.text("b\n")}


def hits(after_text=DOCKERFILE, after_context=CONTEXT, build_args=None) -> list[str]:
    """The instructions of the edited build that are CACHED after one build of the original."""
    seen = {s.key for s in cache_keys(DOCKERFILE, CONTEXT) if s.key}
    steps = cache_keys(after_text, after_context, build_args=build_args)
    return [s.text for s, hit in zip(steps, cached(steps, seen)) if hit and s.keyword != "FROM"]


ALL = ["COPY a.txt /a", "WORKDIR /w", "RUN echo hi", "COPY b.txt /b"]


def test_nothing_changed_everything_cached():
    assert hits() == ALL


def test_config_only_instructions_have_no_key():
    steps = cache_keys(DOCKERFILE, CONTEXT)
    assert [s.keyword for s in steps if s.key is None] == ["ARG", "ENV", "CMD"]
    assert [s.vertex for s in steps if s.key is not None] == [1, 2, 3, 4, 5]


def test_a_file_a_copy_does_not_read_changes_nothing_before_its_copy():
    assert hits(after_context={**CONTEXT, "b.txt": ContextFile.text("B\n")}) == ALL[:3]


def test_a_mode_change_misses_at_the_copy_and_everything_after():
    assert hits(after_context={**CONTEXT, "a.txt": ContextFile.text("a\n", 0o755)}) == []


def test_an_arg_value_misses_at_the_first_run_used_or_not():
    assert hits(build_args={"V": "2"}) == ALL[:2]


def test_an_env_value_misses_at_the_first_run():
    assert hits(DOCKERFILE.replace("E=x", "E=y")) == ALL[:2]


def test_an_arg_used_in_a_copy_misses_there():
    text = DOCKERFILE.replace("COPY a.txt /a", "COPY a.txt /a$V")
    seen = {s.key for s in cache_keys(text, CONTEXT) if s.key}
    steps = cache_keys(text, CONTEXT, build_args={"V": "2"})
    assert [s.text for s, hit in zip(steps, cached(steps, seen)) if hit and s.keyword != "FROM"] == []


def test_the_text_of_a_run():
    assert hits(DOCKERFILE.replace("echo hi", "echo ho")) == ALL[:2]


def test_progress_lines_read_like_buildkit():
    steps = cache_keys(DOCKERFILE, CONTEXT)
    lines = progress_lines(steps, [True] * len(steps))
    assert lines[:3] == ["#1 [1/5] FROM busybox:1.36", "#2 [2/5] COPY a.txt /a", "#2 CACHED"]


def test_the_runtime_reports_each_build_against_every_earlier_one():
    runtime = Runtime()
    runtime.build(DOCKERFILE, CONTEXT, tag="t")
    runtime.build(DOCKERFILE.replace("echo hi", "echo ho"), CONTEXT, tag="t")
    runtime.build(DOCKERFILE, CONTEXT, tag="t")  # back as it was: all of it is in the cache
    assert [hit for s, hit in runtime.cache_report["t"] if s.keyword != "FROM"] == [None, True, None, True, True,
                                                                                   True, None]


def test_a_failed_step_is_not_cached():
    runtime = Runtime()
    failing = DOCKERFILE.replace("RUN echo hi", "RUN false")
    runtime.build(failing, CONTEXT, tag="t")
    runtime.build(failing, CONTEXT, tag="t")
    report = {s.text: hit for s, hit in runtime.cache_report["t"]}
    assert report["WORKDIR /w"] is True and report["RUN false"] is False and report["COPY b.txt /b"] is False
