"""Each limit of the sandbox, set low, stops a job that runs over it with a LimitExceeded
naming it; the pool still serves the next job (the worker was killed and replaced)."""

from __future__ import annotations

import pytest

from app import sandbox
from app.build import BuildError
from app.lessons import LessonError, Problem
from app.sandbox import LimitExceeded, Limits

import hostile_jobs as jobs

LOW = Limits(cpu_seconds=1, memory_mb=400, wall_seconds=60, output_mb=1, workers=1)


def _stopped(function, *args, limits=LOW) -> LimitExceeded:
    with pytest.raises(LimitExceeded) as info:
        sandbox.run(function, *args, limits=limits, description="the RUN on line 3 did not finish",
                    where=("lesson.yaml", 7))
    assert sandbox.run(jobs.answer, limits=limits) == 42  # the pool serves the next job
    return info.value


def test_cpu():
    stopped = _stopped(jobs.spin)
    assert (stopped.limit, stopped.amount) == ("cpu", 1)
    assert str(stopped) == "lesson.yaml:7: stopped after 1 s of CPU: the RUN on line 3 did not finish"
    assert repr(stopped) == "LimitExceeded(limit='cpu', amount=1)"


def test_memory():
    stopped = _stopped(jobs.allocate, 2000)
    assert (stopped.limit, stopped.amount) == ("memory", 400)
    assert stopped.message == "stopped at 400 MB of memory: the RUN on line 3 did not finish"


def test_wall():
    stopped = _stopped(jobs.sleep, 600, limits=Limits(cpu_seconds=60, wall_seconds=1, workers=1))
    assert (stopped.limit, stopped.amount) == ("wall", 1)
    assert stopped.message == "stopped after 1 s of wall-clock time: the RUN on line 3 did not finish"


def test_output():
    stopped = _stopped(jobs.huge_result, 3)
    assert (stopped.limit, stopped.amount) == ("output", 1)
    assert stopped.message == "stopped at 1 MB of result: the RUN on line 3 did not finish"


def test_within_the_limits_a_result_comes_back():
    assert sandbox.run(jobs.huge_result, 0, limits=LOW) == b""
    assert sandbox.run(jobs.allocate, 10, limits=LOW) == 10 * 1024 * 1024


def test_errors_come_back_typed_with_their_fields():
    with pytest.raises(BuildError) as info:
        sandbox.run(jobs.fail_with, BuildError("no such stage", line=4, column=2), limits=LOW)
    assert (info.value.message, info.value.line, info.value.column) == ("no such stage", 4, 2)
    with pytest.raises(LessonError) as info:
        sandbox.run(jobs.fail_with, LessonError([Problem("a.yaml", 3, "bad")]), limits=LOW)
    assert [str(p) for p in info.value.problems] == ["a.yaml:3: bad"]


def test_limits_are_read_from_the_environment():
    assert Limits.from_env({}) == Limits()
    env = {"LAYERLAB_CPU_SECONDS": "5", "LAYERLAB_MEMORY_MB": "512", "LAYERLAB_WALL_SECONDS": "2.5",
           "LAYERLAB_OUTPUT_MB": "8", "LAYERLAB_WORKERS": "3"}
    assert Limits.from_env(env) == Limits(cpu_seconds=5, memory_mb=512, wall_seconds=2.5, output_mb=8, workers=3)
    with pytest.raises(ValueError, match="LAYERLAB_CPU_SECONDS='lots': expected a number"):
        Limits.from_env({"LAYERLAB_CPU_SECONDS": "lots"})
    with pytest.raises(ValueError, match="must be greater than 0"):
        Limits.from_env({"LAYERLAB_WORKERS": "0"})
