"""``layerlab render``: a step's diagram as SVG or PNG, or every step of a lesson at once.

    layerlab render LESSON --step N [-o FILE.svg|FILE.png] [--lang zh] [--lessons DIR]
    layerlab render LESSON --all -o DIR [--format svg,png] [--lang en,zh] [--lessons DIR]

``--all`` names each file ``LESSON-NN.LANG.FMT`` (NN: the step, two digits or
more), so a folder of them sorts in the order of the lesson.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.lessons import LANGS, LESSONS_DIR

FORMATS = ("svg", "png")


def _formats(text: str) -> list[str]:
    found = [part.strip() for part in text.split(",") if part.strip()]
    if not found or any(f not in FORMATS for f in found):
        raise argparse.ArgumentTypeError("formats are svg, png or svg,png")
    return list(dict.fromkeys(found))


def languages(text: str) -> list[str]:
    """``en,zh`` -> ["en", "zh"]; argparse reports anything else."""
    found = [part.strip() for part in text.split(",") if part.strip()]
    if not found or any(lang not in LANGS for lang in found):
        raise argparse.ArgumentTypeError(f"languages are a comma-separated list of {', '.join(LANGS)}")
    return list(dict.fromkeys(found))


def find_lesson(name: str, lessons: str | None = None) -> Path | None:
    """A lesson file given by path, or the file of the lesson with this id in ``lessons`` (default lessons/)."""
    from app.lessons.player import find

    path = Path(name)
    if path.is_file():
        return path
    return find(Path(lessons) if lessons else LESSONS_DIR, name)


def _write(path: str, data: str | bytes) -> str | None:
    try:
        Path(path).write_bytes(data if isinstance(data, bytes) else data.encode())
    except OSError as exc:
        return f"layerlab render: cannot write {path}: {exc.strerror or exc}"
    return None


def _render(args: argparse.Namespace) -> int:
    from app.lessons import LessonError
    from app.sandbox import played

    path = find_lesson(args.lesson, args.lessons)
    if path is None:
        where = args.lessons or "lessons/"
        print(f"layerlab render: no lesson '{args.lesson}' (give an id from {where} or a file)", file=sys.stderr)
        return 1
    try:
        lesson = played(path)
    except LessonError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.all == (args.step is not None):
        print("layerlab render: give --step N for one step, or --all -o DIR for every step", file=sys.stderr)
        return 1
    return _every_step(lesson, args) if args.all else _one_step(lesson, args)


def _one_step(lesson, args: argparse.Namespace) -> int:
    from app.lessons.player import diagram

    if not 1 <= args.step <= len(lesson.frames):
        print(f"layerlab render: step {args.step} is out of range: the lesson has {len(lesson.frames)} steps", file=sys.stderr)
        return 1
    fmt = args.format[0] if args.format else (Path(args.output).suffix.lstrip(".") if args.output else "svg")
    if fmt not in FORMATS:
        print("layerlab render: --format is svg or png", file=sys.stderr)
        return 1
    lang = args.lang[0] if args.lang else "en"
    data = diagram(lesson, args.step, lang, fmt)
    if args.output in (None, "-"):
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return 0
    problem = _write(args.output, data)
    print(problem or f"wrote {args.output}", file=sys.stderr)
    return 1 if problem else 0


def _every_step(lesson, args: argparse.Namespace) -> int:
    from app.lessons.player import diagram

    if not args.output:
        print("layerlab render: --all needs -o DIR, the folder to write the files into", file=sys.stderr)
        return 1
    out = Path(args.output)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"layerlab render: cannot make {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    width = max(2, len(str(len(lesson.frames))))
    count = 0
    for number in range(1, len(lesson.frames) + 1):
        for lang in args.lang or list(LANGS):
            for fmt in args.format or list(FORMATS):
                name = out / f"{lesson.lesson.id}-{number:0{width}d}.{lang}.{fmt}"
                problem = _write(str(name), diagram(lesson, number, lang, fmt))
                if problem:
                    print(problem, file=sys.stderr)
                    return 1
                count += 1
    print(f"wrote {count} files to {out}", file=sys.stderr)
    return 0


def register(sub) -> None:
    r = sub.add_parser("render", help="export one step's diagram, or every step's")
    r.add_argument("lesson", help="lesson id or lesson file")
    r.add_argument("--step", type=int, help="the step to draw")
    r.add_argument("--all", action="store_true", help="every step, into the folder -o names")
    r.add_argument("--format", type=_formats, help="svg, png or svg,png (--all: both by default)")
    r.add_argument("--lang", type=languages, help="en, zh or en,zh (one step: en by default; --all: both)")
    r.add_argument("--lessons", help="folder of lesson files (default: the bundled lessons/)")
    r.add_argument("-o", "--output", help="file to write (default: stdout); with --all, a folder")
    r.set_defaults(func=_render)
