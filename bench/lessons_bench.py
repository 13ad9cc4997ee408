"""How fast pages are: cold build+play per lesson, diagram time per step, warm requests.

    .venv/bin/python bench/lessons_bench.py

Cold numbers are what the first student of a class waits for on a fresh worker
(every later request of that lesson is served from the per-process cache);
warm numbers are what everyone else waits for.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from app.lessons import LESSONS_DIR, lesson_files  # noqa: E402
from app.lessons.player import diagram, played  # noqa: E402


def main() -> None:
    print(f"{'lesson':<28} {'steps':>5} {'play (s)':>9} {'svg/step ms':>12} {'png/step ms':>12}")
    for path in lesson_files(LESSONS_DIR):
        t0 = time.perf_counter()
        lesson = played(path)
        play_s = time.perf_counter() - t0
        svg_ms, png_ms = [], []
        for frame in lesson.frames:
            t = time.perf_counter()
            diagram(lesson, frame.number, "en", "svg")
            svg_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            diagram(lesson, frame.number, "en", "png")
            png_ms.append((time.perf_counter() - t) * 1000)
        print(f"{lesson.id:<28} {len(lesson.frames):>5} {play_s:>9.2f} {statistics.median(svg_ms):>12.0f} {statistics.median(png_ms):>12.0f}")

    client = create_app().test_client()
    urls = [f"/lessons/{played(p).id}/{n}" for p in lesson_files(LESSONS_DIR) for n in (1, 2)]
    for url in urls:
        client.get(url)
    times = []
    for _ in range(5):
        for url in urls:
            t = time.perf_counter()
            client.get(url, headers={"HX-Request": "true"})
            times.append((time.perf_counter() - t) * 1000)
    print(f"warm htmx step request: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms over {len(times)}")


if __name__ == "__main__":
    main()
