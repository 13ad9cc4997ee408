"""The ``layerlab`` command: the same pipeline as the web app, from the shell.

    layerlab serve [--host H] [--port P]         the web app with the bundled lessons
    layerlab check [PATH...]                     validate lesson files (file:line: message, exit 1)
    layerlab render LESSON --step N -o FILE      export one step's diagram as SVG or PNG
    layerlab build DOCKERFILE [--context DIR] --json
    layerlab parse DOCKERFILE --json
    layerlab verify LESSON|DOCKERFILE            replay on the kernel's overlayfs (root)
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from app.lessons import LESSONS_DIR

# Subcommands that live in their own modules, each with register(subparsers).
PLUGGED = ("app.cli.parse_cmd", "app.cli.verify_cmd")


def _serve(args: argparse.Namespace) -> int:
    from waitress import serve

    from app import create_app

    config = {"LAYERLAB_LESSONS": str(Path(args.lessons).resolve())} if args.lessons else None
    print(f"layerlab: serving on http://{args.host}:{args.port}/ (Ctrl+C stops)", flush=True)
    serve(create_app(config), host=args.host, port=args.port, threads=args.threads, ident="layerlab")
    return 0


def _check(args: argparse.Namespace) -> int:
    from app.lessons import LessonError, lesson_files, load_lesson
    from app.lessons.loader import duplicate_ids
    from app.sandbox import play

    paths: list[Path] = []
    for target in args.paths or [str(LESSONS_DIR)]:
        path = Path(target)
        if not path.exists():
            print(f"{target}:1: no such file or folder", file=sys.stderr)
            return 1
        found = lesson_files(path)
        if not found:
            print(f"{target}:1: no lesson files (*.yaml, *.yml) in this folder", file=sys.stderr)
            return 1
        paths.extend(found)
    problems = 0
    steps = 0
    loaded = []
    for path in paths:
        try:
            lesson = load_lesson(path)
            loaded.append(lesson)
            played = play(lesson)
            steps += len(played.frames)
        except LessonError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
                problems += 1
    for problem in duplicate_ids(loaded).values():
        print(problem, file=sys.stderr)
        problems += 1
    if problems:
        print(f"layerlab check: {problems} problem(s) in {len(paths)} lesson file(s)", file=sys.stderr)
        return 1
    print(f"layerlab check: {len(paths)} lesson(s), {steps} steps, all good")
    return 0


def _find_lesson(name: str) -> Path | None:
    from app.lessons.player import find

    path = Path(name)
    if path.is_file():
        return path
    return find(LESSONS_DIR, name)


def _render(args: argparse.Namespace) -> int:
    from app.lessons import LessonError
    from app.lessons.player import diagram
    from app.sandbox import played

    path = _find_lesson(args.lesson)
    if path is None:
        print(f"layerlab render: no lesson '{args.lesson}' (give an id from lessons/ or a file)", file=sys.stderr)
        return 1
    try:
        lesson = played(path)
    except LessonError as exc:
        print(exc, file=sys.stderr)
        return 1
    if not 1 <= args.step <= len(lesson.frames):
        print(f"layerlab render: step {args.step} is out of range: the lesson has {len(lesson.frames)} steps", file=sys.stderr)
        return 1
    fmt = args.format or (Path(args.output).suffix.lstrip(".") if args.output else "svg")
    if fmt not in ("svg", "png"):
        print("layerlab render: --format is svg or png", file=sys.stderr)
        return 1
    data = diagram(lesson, args.step, args.lang, fmt)
    if args.output in (None, "-"):
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
    else:
        try:
            Path(args.output).write_bytes(data if isinstance(data, bytes) else data.encode())
        except OSError as exc:
            print(f"layerlab render: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def read_context(folder: Path) -> dict:
    """A build context folder as the builder wants it."""
    from app.runtime import from_folder

    return from_folder(folder)


def _build(args: argparse.Namespace) -> int:
    from app.build import ContextError
    from app.dockerfile.errors import DockerfileError
    from app.lessons import LessonError
    from app.runtime import BuildError
    from app.sandbox import build

    path = Path(args.dockerfile)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{path}: cannot read: {exc}", file=sys.stderr)
        return 1
    context_dir = Path(args.context) if args.context else path.parent
    if not context_dir.is_dir():
        print(f"layerlab build: build context folder not found: {context_dir}", file=sys.stderr)
        return 1
    try:
        result = build(text, read_context(context_dir), filename=str(path), name=path.stem, target=args.target)
    except ContextError as exc:
        for problem in exc.problems:
            print(f"layerlab build: {problem}", file=sys.stderr)
        return 1
    except DockerfileError as exc:
        print(exc, file=sys.stderr)
        return 1
    except BuildError as exc:
        print(f"{path}:{exc.line or 1}:{exc.column}: {exc.message}", file=sys.stderr)
        return 1
    except LessonError as exc:  # the sandbox stopped the build (LimitExceeded)
        print(exc, file=sys.stderr)
        return 1
    if result.failed is not None:
        step = result.failed
        print(f"{path}:{step.line}:1: {step.keyword} failed: {step.error}", file=sys.stderr)
        return 1
    if args.json:
        from app.engine.changeset import image_json
        from app.render.labels import printable_tree

        json.dump(printable_tree(image_json(result.image)), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        from app.render.sizes import human_size

        for i, step in enumerate(result.steps, 1):
            size = human_size(step.image.layers[-1].size) if step.created_layer else human_size(0)
            notes = f"  ({'; '.join(step.notes)})" if step.notes else ""
            print(f"{i:>3}  {size:>8}  {step.text}{notes}")
        print(f"image {result.image.name}: {len(result.image.layers)} layers, {human_size(result.image.size)}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="layerlab", description="Teach how Docker images and containers are built from layers.")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="run the web app")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--threads", type=int, default=8)
    s.add_argument("--lessons", help="folder of lesson files (default: the bundled lessons/)")
    s.set_defaults(func=_serve)

    c = sub.add_parser("check", help="validate lesson files")
    c.add_argument("paths", nargs="*", help="lesson files or folders (default: lessons/)")
    c.set_defaults(func=_check)

    r = sub.add_parser("render", help="export one step's diagram")
    r.add_argument("lesson", help="lesson id or lesson file")
    r.add_argument("--step", type=int, required=True)
    r.add_argument("--format", choices=["svg", "png"])
    r.add_argument("--lang", choices=["en", "zh"], default="en")
    r.add_argument("-o", "--output", help="file to write (default: stdout)")
    r.set_defaults(func=_render)

    b = sub.add_parser("build", help="build a Dockerfile in the simulator")
    b.add_argument("dockerfile")
    b.add_argument("--context", help="build context folder (default: the Dockerfile's folder)")
    b.add_argument("--target", help="build up to this stage")
    b.add_argument("--json", action="store_true", help="print the image's layers and merged view as JSON")
    b.set_defaults(func=_build)

    for module in PLUGGED:
        try:
            importlib.import_module(module).register(sub)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
