"""Write PNGs (and DOT) of the renderer's example scenes, to look at them.

    .venv/bin/python tools/render_demo.py [OUT_DIR] [--lang zh] [--only NAME ...]
    .venv/bin/python tools/render_demo.py [OUT_DIR] --lessons lessons/

The first form draws the hand-built example scenes (tests/render/render_examples.py);
``--lessons`` plays the course's lesson files and draws every step. Prints
the time of scene_dot and of dot per picture (a step is rendered per
request, so it must stay fast) and the SVG's width in points (the lesson
page scales it to a panel ~800 px wide: a wide drawing has small letters).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "tests" / "render"))  # the example scenes are test fixtures

from app.render import scene_dot, to_png, to_svg  # noqa: E402
from render_examples import EXAMPLES  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="/tmp/layerlab-render")
    parser.add_argument("--lang", default="en", choices=["en", "zh"])
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--dpi", type=int, default=110)
    parser.add_argument("--lessons", type=Path, default=None, help="a folder of lesson files")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, make in scenes(args):
        if args.only and name not in args.only:
            continue
        start = time.perf_counter()
        scene = make()
        scene.lang = args.lang
        dot = scene_dot(scene)
        dot_s = time.perf_counter() - start
        stem = f"{name}.{args.lang}"
        (out / f"{stem}.dot").write_text(dot, encoding="utf-8")
        start = time.perf_counter()
        png = to_png(dot, dpi=args.dpi)
        png_s = time.perf_counter() - start
        start = time.perf_counter()
        svg = to_svg(dot)
        svg_s = time.perf_counter() - start
        (out / f"{stem}.png").write_bytes(png)
        # the page scales the SVG to a panel ~800 px wide: width is what shrinks the letters
        width = re.search(r'width="([0-9.]+)pt"', svg)
        print(f"{stem:36s} scene_dot {dot_s * 1000:5.0f} ms  png {png_s * 1000:5.0f} ms  "
              f"svg {svg_s * 1000:5.0f} ms  {width.group(1) if width else '?':>5s} pt wide  -> {out / stem}.png")
    return 0


def scenes(args):
    """(name, scene maker) pairs: the examples, or every step of every lesson."""
    if args.lessons is None:
        yield from EXAMPLES.items()
        return
    from app.lessons import player

    for path in sorted(args.lessons.glob("*.yaml")):
        played = player.played(path)
        for frame in played.frames:
            yield (f"{path.stem}-{frame.number:02}",
                   lambda frame=frame, played=played: frame.scene(args.lang, played.lesson.spec.kernel))


if __name__ == "__main__":
    raise SystemExit(main())
