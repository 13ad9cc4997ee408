"""The cold diagram against ``dot``: building a step's DOT as a share of the ``dot -Tsvg`` call on it.

    .venv/bin/python bench/dot_bench.py [--lang en] [--goal 0.30] [--all] [--lesson ID]

Plays every bundled lesson in this process, then for every step builds the
step's DOT once, cold (the first build of that step in the process, as a
fresh worker does: the scene, its tables and labels, ``scene_dot``), and runs
Graphviz's ``dot`` on that same text (the median of three runs, through the
``graphviz`` package as app/render does). Prints the steps whose build costs
more than ``--goal`` of their ``dot`` call (every step with ``--all``), and
the median and worst share over all steps. The issue asks for at most 30% on
every step.

Both sides are CPU time, not wall time (this process's for the build, the
``dot`` child's for dot), so a machine busy with other work does not skew the
share.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import graphviz  # noqa: E402

from app.lessons import LESSONS_DIR, lesson_files  # noqa: E402
from app.lessons.player import played  # noqa: E402
from app.render import scene_dot  # noqa: E402


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def dot_seconds(dot: str, runs: int = 3) -> float:
    """CPU seconds of the ``dot`` process on this text (median of ``runs``)."""
    times = []
    for _ in range(runs):
        before = children_cpu()
        graphviz.pipe("dot", "svg", dot.encode("utf-8"), quiet=True)
        times.append(children_cpu() - before)
    return statistics.median(times)


def step_rows(lang: str, only: str | None = None):
    """(lesson id, step number, build ms, dot ms) for every step of every bundled lesson (or of ``only``)."""
    for path in lesson_files(LESSONS_DIR):
        if only and only not in path.name:
            continue
        lesson = played(path)
        for frame in lesson.frames:
            t = time.process_time()
            dot = scene_dot(frame.scene(lang, lesson.lesson.spec.kernel))
            build = time.process_time() - t
            yield lesson.id, frame.number, build * 1000, dot_seconds(dot) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", default="en")
    parser.add_argument("--goal", type=float, default=0.30, help="the largest share of dot a build may cost")
    parser.add_argument("--all", action="store_true", help="print every step, not only those over the goal")
    parser.add_argument("--lesson", help="only the lesson whose file name contains this")
    options = parser.parse_args()
    print(f"{'lesson':<28} {'step':>4} {'DOT build ms':>13} {'dot ms':>8} {'build/dot':>10}")
    shares = []
    for lesson_id, number, build_ms, dot_ms in step_rows(options.lang, options.lesson):
        share = build_ms / dot_ms
        shares.append((share, lesson_id, number))
        if options.all or share > options.goal:
            print(f"{lesson_id:<28} {number:>4} {build_ms:>13.1f} {dot_ms:>8.1f} {share:>10.0%}")
    worst = max(shares)
    over = sum(1 for share, _, _ in shares if share > options.goal)
    print(f"{len(shares)} steps: median {statistics.median(s for s, _, _ in shares):.0%} of dot, "
          f"worst {worst[0]:.0%} ({worst[1]} step {worst[2]}), {over} over {options.goal:.0%}")


if __name__ == "__main__":
    main()
