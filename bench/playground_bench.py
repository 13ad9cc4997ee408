"""What a playground action costs: the layered-image Dockerfile cold, edited, and one command after it.

    .venv/bin/python bench/playground_bench.py [REPEATS]

The seed's layered Dockerfile (debian + emacs + apache2 + CMD, lessons/03-layered-image.yaml)
played as a playground state, in this process and through the sandbox (as a page plays it):

- cold: an empty build cache (each repeat starts a new one), so every step is built;
- edited: its last line changed, with the cache of the cold build: only CMD is built again;
- command: one command typed after the build (`echo more >> /etc/motd`): nothing is rebuilt.

"cold, CPU time" is the cold play's CPU time in this process (what a loaded machine's wall time hides).
The baseline is the same Dockerfile built with no cache at all (``Runtime().build``), measured in the
same run; each figure is also given as a ratio of it. Goals (two cores): cold < 1.0 s, edited < 0.2 s,
command < 0.1 s. The first pass also loads the catalog, reported on its own line.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import sandbox  # noqa: E402
from app.playground import State  # noqa: E402
from app.playground.play import play_state  # noqa: E402
from app.runtime import BuildCache, Runtime  # noqa: E402

LAYERED = ("FROM debian:bookworm\nRUN apt-get update && apt-get install -y emacs\n"
           "RUN apt-get install -y apache2\nCMD [\"/bin/bash\"]\n")
EDITED = LAYERED.replace('CMD ["/bin/bash"]', 'CMD ["apache2ctl", "-D", "FOREGROUND"]')
COMMAND = "echo more >> /etc/motd"


def seconds(call, clock=time.perf_counter) -> float:
    started = clock()
    call()
    return clock() - started


def in_process(repeats: int) -> dict[str, float]:
    figures: dict[str, list[float]] = {"baseline": [], "cold": [], "edited": [], "command": [], "cold, CPU time": []}
    for _ in range(repeats):
        figures["cold, CPU time"].append(seconds(lambda: play_state(State(LAYERED), BuildCache()), time.process_time))
        figures["baseline"].append(seconds(lambda: Runtime().build(LAYERED, {}, tag="playground")))
        cache = BuildCache()
        figures["cold"].append(seconds(lambda: play_state(State(LAYERED), cache)))
        figures["edited"].append(seconds(lambda: play_state(State(EDITED), cache)))
        figures["command"].append(seconds(lambda: play_state(State(EDITED, commands=(COMMAND,)), cache)))
    return {name: statistics.median(times) for name, times in figures.items()}


def through_sandbox() -> dict[str, tuple[float, int]]:
    """One pass as a page plays it, on a pool started first: in a worker, whose cache the next state finds;
    with each figure the build-cache misses of that play (the worker affinity: 1 after the edit, 0 after
    the command; a follow-up on a worker that never built the image misses every step)."""
    sandbox._states.clear()
    figures = {"pool start (forkserver, catalog, workers)": (seconds(lambda: sandbox.start_in_background().join()), 0)}
    for name, state in (("cold", State(LAYERED, tag="benchcold")), ("edited", State(EDITED, tag="benchcold")),
                        ("command", State(EDITED, commands=(COMMAND,), tag="benchcold"))):
        played = []
        figures[name] = (seconds(lambda: played.append(sandbox.play_state(state))),
                         getattr(played[0], "cache_misses", "?"))  # (a build before worker affinity has no count)
    return figures


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    first = seconds(lambda: Runtime().build(LAYERED, {}, tag="playground"))
    print(f"first build in this process (loads the catalog): {first * 1000:.0f} ms")
    figures = in_process(repeats)
    base = figures["baseline"]
    goals = {"baseline": None, "cold": 1.0, "edited": 0.2, "command": 0.1, "cold, CPU time": 1.0}
    print(f"\nin this process, median of {repeats}        ms   x baseline   goal")
    for name, value in figures.items():
        goal = goals[name]
        print(f"  {name:<30} {value * 1000:>8.1f}   {value / base:>8.3f}   {'' if goal is None else f'< {goal:g} s'}")
    print("\nthrough the sandbox (pickling both ways), one pass         ms   x baseline   cache misses")
    try:
        for name, (value, misses) in through_sandbox().items():
            print(f"  {name:<50} {value * 1000:>8.1f}   {value / base:>8.3f}   {misses:>6}")
    finally:
        sandbox.shutdown()


if __name__ == "__main__":
    main()
