"""What the sandbox costs: a build in a worker process against the same build in-process.

    .venv/bin/python bench/sandbox_bench.py [REPEATS]

For each image (hello-world, and the two images of the layered-image lesson) and
for playing whole lessons, the median time in-process and through the sandbox,
measured in the same run, and their ratio. The difference is sending the job
and its context to the worker and pickling the result back (a played lesson is
several MB of layers). The first job also pays for starting the pool, reported
on its own line; first of all, in the fresh process, ``sandbox.start_in_background()``
(what a web worker's first request starts) and the first build after it, against a later one.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import sandbox  # noqa: E402
from app.lessons import LESSONS_DIR, load_lesson  # noqa: E402
from app.sandbox import jobs  # noqa: E402

CASES = [("01-hello-world.yaml", "hello-world"), ("03-layered-image.yaml", "editor-web"), ("03-layered-image.yaml", "web")]


def median_seconds(call, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def row(name: str, in_process: float, in_worker: float) -> None:
    print(f"{name:<34} {in_process * 1000:>10.0f} {in_worker * 1000:>10.0f} {in_worker / in_process:>7.2f}x")


def first_build_seconds() -> float:
    t = time.perf_counter()
    sandbox.build("FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n", {}, filename="Dockerfile",
                  name="first")
    return time.perf_counter() - t


def warm_up_figures() -> None:
    """In this fresh process: the background warm-up (forkserver, catalog, workers), then the first build,
    against the same build once the worker has built before (the steady state)."""
    t = time.perf_counter()
    sandbox.start_in_background().join()
    started = time.perf_counter() - t
    first = first_build_seconds()
    later = statistics.median(first_build_seconds() for _ in range(3))
    print(f"background warm-up (forkserver with the catalog, workers): {started * 1000:.0f} ms; then the first "
          f"build {first * 1000:.0f} ms, a later one {later * 1000:.0f} ms ({first / later:.2f}x)")


def main(repeats: int) -> None:
    warm_up_figures()
    sandbox.shutdown()
    t = time.perf_counter()
    sandbox.run(int, "1")
    print(f"pool start (first job, {sandbox.Limits.from_env().workers} workers): {(time.perf_counter() - t) * 1000:.0f} ms")
    print(f"{'median of ' + str(repeats):<34} {'in-process':>10} {'sandbox':>10} {'ratio':>8}")
    print(f"{'':<34} {'ms':>10} {'ms':>10}")
    for file, image in CASES:
        lesson = load_lesson(LESSONS_DIR / file)
        args = (lesson.dockerfiles[image], lesson.contexts[image], file, image, None)
        row(f"build {image}", median_seconds(lambda: jobs.build_dockerfile(*args), repeats),
            median_seconds(lambda: sandbox.build(*args[:2], filename=file, name=image), repeats))
    for file in sorted({file for file, _ in CASES}):
        path = LESSONS_DIR / file
        row(f"play lesson {file}", median_seconds(lambda: jobs.play_lesson_file(path), repeats),
            median_seconds(lambda: sandbox.run(jobs.play_lesson_file, path), repeats))


if __name__ == "__main__":  # the guard matters: workers start from a forkserver that imports this file
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
