"""The ``layerlab`` command: the same pipeline as the web app, from the shell.

    layerlab serve [--host H] [--port P]         the web app with the bundled lessons
    layerlab check [--strict] [PATH...]          validate lesson files (file:line: message, exit 1;
                                                 warnings exit 0, or 1 with --strict)
    layerlab images                              the base images the catalog knows
    layerlab new LESSON_ID [--languages en]      write a starter lesson that passes check
    layerlab render LESSON --step N -o FILE      export one step's diagram (--all -o DIR: every step)
    layerlab export site DIR | handout LESSON    the course as a static site; a lesson's handout
    layerlab build DOCKERFILE [--context DIR] --json
    layerlab parse DOCKERFILE --json
    layerlab verify LESSON|DOCKERFILE            replay on the kernel's overlayfs (root)
    layerlab save IMAGE|DOCKERFILE -o FILE       the image as docker save (or --format oci) writes it
    layerlab import ARCHIVE -o LESSON            a docker save archive or OCI layout as a lesson skeleton
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from app.lessons import LESSONS_DIR

# Subcommands that live in their own modules, each with register(subparsers).
PLUGGED = ("app.cli.parse_cmd", "app.cli.verify_cmd", "app.cli.export_cmd", "app.cli.render_cmd", "app.cli.images_cmd",
           "app.cli.new_cmd", "app.cli.commands_cmd", "app.cli.save_cmd", "app.cli.import_cmd")


def _serve(args: argparse.Namespace) -> int:
    from waitress import serve

    from app import create_app

    config = {"LAYERLAB_LESSONS": str(Path(args.lessons).resolve())} if args.lessons else {}
    config["LAYERLAB_WATCH"] = args.watch
    print(f"layerlab: serving on http://{args.host}:{args.port}/ (Ctrl+C stops)", flush=True)
    serve(create_app(config), host=args.host, port=args.port, threads=args.threads, ident="layerlab")
    return 0


def _check(args: argparse.Namespace) -> int:
    from app.lessons import LessonError, lesson_files, load_lesson
    from app.lessons.loader import duplicate_ids
    from app.lessons.warnings import lesson_warnings
    from app.sandbox import play

    from .challenges_cmd import check_challenges, is_challenge_file

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
    challenges, problems = check_challenges(args.paths or [str(LESSONS_DIR)])
    paths = [p for p in paths if not is_challenge_file(p)]
    steps = 0
    loaded = []
    warnings = []
    for path in paths:
        try:
            lesson = load_lesson(path)
            loaded.append(lesson)
            played = play(lesson)
            steps += len(played.frames)
            warnings.extend(lesson_warnings(played))
        except LessonError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
                problems += 1
    for problem in duplicate_ids(loaded).values():
        print(problem, file=sys.stderr)
        problems += 1
    for warning in warnings:
        print(warning, file=sys.stderr)
    if problems or (warnings and args.strict):
        print(f"layerlab check: {problems} problem(s), {len(warnings)} warning(s) in {len(paths)} lesson file(s)"
              + (" (--strict: warnings are errors)" if args.strict and warnings else ""), file=sys.stderr)
        return 1
    if warnings:
        print(f"layerlab check: {len(paths)} lesson(s), {steps} steps, {len(warnings)} warning(s): "
              "what they show is not what docker build would make (--strict makes them errors)")
        return 0
    print(f"layerlab check: {len(paths)} lesson(s), {steps} steps, {challenges} challenge(s), all good")
    return 0


def read_context(folder: Path) -> dict:
    """A build context folder as the builder wants it."""
    from app.runtime import from_folder

    return from_folder(folder)


def built(args: argparse.Namespace):
    """``args.dockerfile`` built in the sandbox (``layerlab build``'s options): the BuildResult,
    or the exit status after printing why there is none."""
    from app.build import ContextError
    from app.dockerfile.errors import DockerfileError
    from app.lessons import LessonError
    from app.runtime import BuildError
    from app.cli.build_args import build_args
    from app.sandbox import build

    path = Path(args.dockerfile)
    if path.is_dir():  # `docker build DIR`: DIR/Dockerfile, with DIR as the context
        args.context = args.context or str(path)
        path = path / "Dockerfile"
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
        result = build(text, read_context(context_dir), filename=str(path), name=path.stem, target=args.target,
                       build_args=build_args(args), context_partial=args.context_partial)
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
    return result


def _build(args: argparse.Namespace) -> int:
    result = built(args)
    if isinstance(result, int):
        return result
    if args.json:
        from app.engine.changeset import image_json
        from app.render.efficiency import image_efficiency
        from app.render.labels import printable_tree

        data = image_json(result.image) | image_efficiency(tuple(result.image.layers)).as_json(top=None)
        json.dump(printable_tree(data), sys.stdout, indent=2, ensure_ascii=False)
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
    s.add_argument("--watch", "--reload", action="store_true",
                   help="while writing lessons: the open page reloads when a lesson file changes")
    s.set_defaults(func=_serve)

    c = sub.add_parser("check", help="validate lesson files")
    c.add_argument("paths", nargs="*", help="lesson files or folders (default: lessons/)")
    c.add_argument("--strict", action="store_true", help="warnings (not simulated, placeholders, "
                   "interactive programs) are errors: exit 1")
    c.set_defaults(func=_check)

    b = sub.add_parser("build", help="build a Dockerfile in the simulator")
    b.add_argument("dockerfile", help="a Dockerfile, or a folder holding one (as `docker build DIR`)")
    b.add_argument("--context", help="build context folder (default: the Dockerfile's folder)")
    b.add_argument("--target", help="build up to this stage")
    b.add_argument("--json", action="store_true", help="print the image's layers and merged view as JSON")
    b.add_argument("--context-partial", action="store_true",
                   help="the context lacks files: a missing COPY source becomes a flagged placeholder")
    importlib.import_module("app.cli.build_args").add_option(b)
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
