"""``layerlab new LESSON_ID``: a starter lesson to edit, with a comment on every key, that passes ``check``.

    layerlab new LESSON_ID [--lessons DIR] [--languages en,zh]

The starter is a template (data/starter_lesson.yaml.j2, Jinja2, which Flask
already brings), not code: it has one step of each kind, so a new instructor
sees the whole format at work in a file that plays. It never overwrites a file,
nor takes an id another lesson of the folder already has.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.lessons import LESSONS_DIR, LessonError, is_lesson_id, lesson_files, load_lesson
from app.lessons.model import LESSON_ID_RULE

from .render_cmd import languages

TEMPLATE = Path(__file__).with_name("data") / "starter_lesson.yaml.j2"


def starter_text(lesson_id: str, langs: list[str], order: int, path: Path) -> str:
    """The starter lesson's YAML for this id, in these languages."""
    import json

    from jinja2 import Environment, StrictUndefined

    env = Environment(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
    env.filters["quoted"] = lambda text: json.dumps(text, ensure_ascii=False)  # a YAML double-quoted string
    template = env.from_string(TEMPLATE.read_text(encoding="utf-8"))
    return template.render(lesson_id=lesson_id, languages=langs, order=order, path=path, folder=path.parent)


def _taken(folder: Path, lesson_id: str) -> tuple[Path | None, int]:
    """The file that already has this id (or None), and the order after every lesson of the folder."""
    owner, last = None, 0
    for file in lesson_files(folder):
        try:
            lesson = load_lesson(file)
        except LessonError:
            continue
        last = max(last, lesson.spec.order)
        if lesson.id == lesson_id:
            owner = file
    return owner, last + 1


def _new(args: argparse.Namespace) -> int:
    lesson_id = args.lesson_id
    if not is_lesson_id(lesson_id):
        print(f"layerlab new: '{lesson_id}' cannot be a lesson id: an id is {LESSON_ID_RULE}", file=sys.stderr)
        return 1
    folder = Path(args.lessons) if args.lessons else LESSONS_DIR
    path = folder / f"{lesson_id}.yaml"
    if path.exists():
        print(f"layerlab new: {path} exists; it is left as it is (remove it, or choose another id)", file=sys.stderr)
        return 1
    owner, order = _taken(folder, lesson_id)
    if owner is not None:
        print(f"layerlab new: {owner} already has the id '{lesson_id}'; choose another id", file=sys.stderr)
        return 1
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:  # "x": never replace a file made meanwhile
            out.write(starter_text(lesson_id, args.languages, order, path))
    except OSError as exc:
        print(f"layerlab new: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {path}: edit it, then `layerlab check {path}`; "
          f"`layerlab serve --watch --lessons {folder}` shows it at /lessons/{lesson_id}/1", file=sys.stderr)
    return 0


def register(sub) -> None:
    n = sub.add_parser("new", help="write a starter lesson (every key explained) to edit")
    n.add_argument("lesson_id", help="the new lesson's id, e.g. my-first-lesson (its URL: /lessons/<id>)")
    n.add_argument("--lessons", help="folder to write it in (default: the bundled lessons/)")
    n.add_argument("--languages", type=languages, default=["en", "zh"],
                   help="the languages it is taught in: en, zh or en,zh (default)")
    n.set_defaults(func=_new)
