"""What the layer inspector costs once a lesson is played: a panel of the emacs layer, and Find a file.

    .venv/bin/python bench/inspect_bench.py [REPEATS]

layered-image (lessons/03-layered-image.yaml) is played once (through the sandbox, as a page plays
it) and every URL is asked once to warm the per-process caches (the merged view, the sorted paths,
the sizes: built once per cached build). The page cache is off (LAYERLAB_PAGE_CACHE_BYTES=0), so
every request renders; each figure is the median of REPEATS requests through the Flask test client:

- baseline: the panel of the smallest layer of container-layer (lessons/04: `RUN mkdir -p /srv/www &&
  echo ... > /srv/www/index.html`, a handful of entries), measured in this run;
- emacs panel: the panel of `RUN apt-get update && apt-get install -y emacs` (about 24,000 entries),
  changes and merged view, and one directory opened in it (part=dir, /usr/share);
- search: Find a file over the whole merged tree up to the apache2 layer (debian + emacs + apache2),
  for a substring with two matches, an exact path (with its chain of layers) and a glob with hundreds;
  also find.find alone (the search without HTML).

Goals (issue 13): a panel under 50 ms, a search under 100 ms. Each figure is also given as a ratio of
the baseline.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LESSON = "layered-image"
BASELINE = "container-layer"
STEP = 4                                  # the apache2 step (lessons/03-layered-image.yaml)
EMACS = f"/lessons/{LESSON}/{STEP}/layers/editor-web/1"
APACHE2 = f"/lessons/{LESSON}/{STEP}/layers/editor-web/2"
PANEL_GOAL, SEARCH_GOAL = 0.050, 0.100


def timed(call, repeats: int) -> float:
    call()                                # warm: the caches of this URL's build
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def smallest_layer_url(lesson_id: str, played) -> tuple[str, int]:
    frame = played.frames[-1]
    sizes = [(len(layer), image.name, k) for image in frame.images for k, layer in enumerate(image.layers) if len(layer)]
    count, name, k = min(sizes)
    return f"/lessons/{lesson_id}/{len(played.frames)}/layers/{name}/{k}", count


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    from app import create_app, sandbox
    from app.lessons import player
    from app.render import find, inspect

    app = create_app({"LAYERLAB_PAGE_CACHE_BYTES": 0})
    client = app.test_client()
    started = time.perf_counter()
    played = sandbox.played(player.find(Path(app.config["LAYERLAB_LESSONS"]), LESSON))
    print(f"play {LESSON} (sandbox, once): {time.perf_counter() - started:.2f} s")

    def get(url: str):
        def call():
            got = client.get(url, headers={"HX-Request": "true"})
            assert got.status_code == 200, (url, got.status_code)
        return call

    small_lesson = sandbox.played(player.find(Path(app.config["LAYERLAB_LESSONS"]), BASELINE))
    small, count = smallest_layer_url(BASELINE, small_lesson)
    image = next(i for i in played.frames[STEP - 1].images if i.name == "editor-web")
    stack = inspect.image_stack(image)
    rows = [
        (f"baseline: panel of a {count}-entry layer", get(small), PANEL_GOAL),
        (f"emacs panel, changes ({len(image.layers[1])} entries)", get(EMACS), PANEL_GOAL),
        ("emacs panel, merged view", get(EMACS + "?view=merged"), PANEL_GOAL),
        ("emacs layer, /usr/share opened (part=dir)", get(EMACS + "?dir=/usr/share&part=dir"), PANEL_GOAL),
        ("search sbin/apache2, merged (page)", get(APACHE2 + "?view=merged&find=sbin/apache2"), SEARCH_GOAL),
        ("search /var/lib/dpkg/status, merged (page)", get(APACHE2 + "?view=merged&find=/var/lib/dpkg/status"), SEARCH_GOAL),
        ("search *.list, merged (page)", get(APACHE2 + "?view=merged&find=*.list"), SEARCH_GOAL),
        ("search emacs, emacs's changes (page)", get(EMACS + "?find=emacs"), SEARCH_GOAL),
        ("find.find *.list alone (no HTML)", lambda: find.find(stack, 2, "merged", "*.list"), SEARCH_GOAL),
        ("find.find lib alone (no HTML)", lambda: find.find(stack, 2, "merged", "lib"), SEARCH_GOAL),
    ]
    started = time.perf_counter()
    get(APACHE2 + "?view=merged")()
    print(f"first panel of the build (merged views, sizes, dive's figures indexed once): "
          f"{time.perf_counter() - started:.2f} s")
    merged_paths = len(inspect.merged_view(stack, 2).nodes)
    print(f"merged tree up to apache2: {merged_paths} paths; median of {repeats} after a warm-up")
    baseline = None
    slow = 0
    for label, call, goal in rows:
        seconds = timed(call, repeats)
        baseline = baseline or seconds
        verdict = "ok" if seconds < goal else f"OVER {goal * 1000:.0f} ms"
        slow += seconds >= goal
        print(f"{label:<48} {seconds * 1000:8.1f} ms  x{seconds / baseline:5.2f}  {verdict}")
    return 1 if slow else 0


if __name__ == "__main__":
    os.environ.setdefault("LAYERLAB_QUIET", "1")
    sys.exit(main())
