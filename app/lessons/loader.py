"""Load lesson files from lessons/ and check them, with file and line for every error.

YAML is read with ruamel.yaml because it remembers where every key and value
stood in the file; the shape is checked by the pydantic models in model.py; a
validation error's location (a path of keys and indexes) is walked back through
the YAML tree to the line an instructor has to fix.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent, CollectionStartEvent, NodeEvent
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from app.build import ContextFile, from_folder
from app.build.context import Context, ContextDir, ContextError, ContextSymlink, Entry
from app.build.dockerignore import apply_dockerignore

from .languages import one_language_texts
from .messages import validation_message, yaml_message
from .model import ALL_KEYS, STEP_KINDS, ContextFileSpec, ImageSpec, LessonSpec

LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"

# A lesson is hand-written text: these bounds are far above any real one and far
# below what would hurt a server (a "billion laughs" alias bomb, a 3,000-deep list).
MAX_FILE_BYTES = 1024 * 1024  # a lesson file, a dockerfile_file
MAX_YAML_DEPTH = 20           # nested mappings and lists


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a lesson file, printed as ``file:line: message``."""

    file: str
    line: int
    message: str
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")
        return f"{where}: {self.message}"

    def excerpt(self) -> str:
        """The line of the file the problem is on, with a caret under its column ("" if unreadable)."""
        try:
            lines = read_bounded(Path(self.file)).splitlines()
        except _Unreadable:
            return ""
        if not 1 <= self.line <= len(lines):
            return ""
        text = lines[self.line - 1].expandtabs(1)
        return text + ("\n" + " " * (self.column - 1) + "^" if self.column else "")


class LessonError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Lesson:
    """A validated lesson with its Dockerfiles and build contexts read in."""

    spec: LessonSpec
    path: Path
    dockerfiles: dict[str, str] = field(default_factory=dict)
    contexts: dict[str, Context] = field(default_factory=dict)
    # Where each image's Dockerfile text starts in a file, so that a Dockerfile
    # error points at the line an instructor edits: (file, line of its line 1).
    dockerfile_origin: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Inline Dockerfiles written as a quoted or plain scalar ("FROM a\nRUN b"): their lines are
    # not lines of the file, so each of them is placed at the line of the value.
    one_line_dockerfiles: set[str] = field(default_factory=set)
    step_lines: list[int] = field(default_factory=list)
    ask_lines: dict[int, int] = field(default_factory=dict)  # step index -> line of its `ask:`
    target_lines: dict[str, int] = field(default_factory=dict)  # image -> line of its `target:`
    id_line: int = 1

    @property
    def id(self) -> str:
        return self.spec.id

    def dockerfile_line(self, image: str, line: int) -> tuple[str, int]:
        """The file and line an instructor edits for line ``line`` of an image's Dockerfile."""
        file, first = self.dockerfile_origin[image]
        if image in self.one_line_dockerfiles:
            return file, first
        return file, first + max(line, 1) - 1


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


def _plain(node: Any) -> Any:
    """ruamel's commented containers -> plain dicts and lists for pydantic."""
    if isinstance(node, CommentedMap):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain(v) for v in node]
    return node


def line_of(tree: Any, loc: tuple, default: int = 1) -> int:
    """1-based line of the deepest node of ``loc`` that exists in the YAML tree."""
    line = default
    node = tree
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            line = node.lc.key(key)[0] + 1
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line = node.lc.item(key)[0] + 1
            node = node[key]
        else:
            break
    return line


def _describe(err: dict) -> str:
    """``where: message``, where is the path of keys (steps.2.say) and the message the lesson format's words."""
    loc = [str(p) for p in err["loc"] if not str(p).startswith(("function-after", "tagged-union"))]
    if err["type"] == "missing":
        msg = f"missing required key '{loc[-1]}'"
    else:
        msg = validation_message(err, loc, ALL_KEYS)
    if loc and err["type"] in ("extra_forbidden", "missing"):
        where = ".".join(loc[:-1])
    elif loc and msg.startswith(f"{loc[-1]}:"):  # the message names its key: steps.0.say: must be ...
        return ".".join(loc[:-1] + [msg])
    else:
        where = ".".join(loc)
    return f"{where}: {msg}" if where else msg


def _clean_loc(loc: tuple) -> tuple:
    """Remove pydantic's union tags (the step kind after ``steps.N``, a context entry's
    ``str``/``ContextFileSpec``): they are not keys."""
    out: list = []
    for i, key in enumerate(loc):
        if i >= 2 and loc[i - 2] == "steps" and isinstance(loc[i - 1], int) and key in STEP_KINDS:
            continue
        if i >= 2 and loc[i - 2] == "context" and key in ("str", "ContextFileSpec"):
            continue
        out.append(key)
    return tuple(out)


def _worth_saying(err: dict) -> bool:
    """A context entry given as a mapping fails the ``str`` branch of its union too: that half is noise."""
    return not (err["type"] == "string_type" and "str" in err["loc"] and isinstance(err.get("input"), dict))


class _Unreadable(Exception):
    """Why a file could not be read, in words for a problem line."""


def read_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes.

    Opened without blocking and checked after opening (a FIFO, a device or a
    folder is refused, never waited on), and read no further than the limit
    (files in /proc say they are empty)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise _Unreadable(exc.strerror or str(exc)) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _Unreadable("not a regular file")
    with os.fdopen(fd, "rb") as f:
        try:
            data = f.read(limit + 1)
        except OSError as exc:
            raise _Unreadable(exc.strerror or str(exc)) from None
    if len(data) > limit:
        raise _Unreadable(f"larger than {limit // 1024} KiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"not UTF-8 text (byte {exc.start + 1})") from None


def _inside(base: Path, key: str, rel: str, file: str, line: int, problems: list[Problem]) -> Path | None:
    """``rel`` resolved in the lesson's folder, or a problem if it is absolute or leaves it."""
    if Path(rel).is_absolute():
        problems.append(Problem(file, line, f"{key}: {rel} is an absolute path; give a path inside the lesson's folder"))
        return None
    root = base.resolve()
    target = (root / rel).resolve()
    if target != root and root not in target.parents:
        problems.append(Problem(file, line, f"{key}: {rel} leaves the lesson's folder {root}"))
        return None
    return target


def _read_text(base: Path, rel: str, file: str, line: int, problems: list[Problem]) -> str | None:
    target = _inside(base, "dockerfile_file", rel, file, line, problems)
    if target is None:
        return None
    if not target.exists():
        problems.append(Problem(file, line, f"file not found: {rel}"))
        return None
    try:
        return read_bounded(target)
    except _Unreadable as exc:
        problems.append(Problem(file, line, f"dockerfile_file: cannot read {rel}: {exc}"))
        return None


def _context_file(spec: str | ContextFileSpec) -> Entry:
    """One inline context entry: a file (text or size), a directory or a symlink."""
    if isinstance(spec, str):
        return ContextFile.text(spec)
    if spec.symlink is not None:
        return ContextSymlink(spec.symlink)
    if spec.dir:
        return ContextDir(int(spec.mode or "0755", 8))
    mode = int(spec.mode or "0644", 8)
    if spec.text is not None:
        return ContextFile.text(spec.text, mode)
    return ContextFile(None, spec.size or 0, mode)


def rebuilt_inputs(lesson: "Lesson", spec) -> tuple[str, Context]:
    """A rebuild step's Dockerfile and context: its edits over the image's own (the player and the
    playground both open a rebuild this way)."""
    text = spec.dockerfile if spec.dockerfile is not None else lesson.dockerfiles[spec.rebuild]
    return text, {**lesson.contexts.get(spec.rebuild, {}), **context_entries(spec.context)}


def context_entries(specs: dict[str, str | ContextFileSpec]) -> Context:
    """Inline context entries of a lesson file (an image's ``context:``, a rebuild's edits)."""
    return {path: _context_file(spec) for path, spec in specs.items()}


def _read_context_dir(base: Path, rel: str, file: str, line: int, problems: list[Problem]) -> Context:
    root = _inside(base, "context_dir", rel, file, line, problems)
    if root is None:
        return {}
    if not root.is_dir():
        problems.append(Problem(file, line, f"build context folder not found: {rel}"))
        return {}
    try:
        return from_folder(root)
    except ContextError as exc:  # unreadable or special files inside: problems of this lesson only
        problems.extend(Problem(file, line, f"build context {rel}: {p}") for p in exc.problems)
        return {}
    except (OSError, UnicodeError) as exc:
        problems.append(Problem(file, line, f"context_dir: cannot read {rel}: {exc}"))
        return {}


def _refuse_explosive_yaml(text: str, file: str) -> None:
    """Anchors, aliases and deep nesting, found in the event stream before anything is built.

    An alias makes a node appear again wherever it is named: nine levels of nine
    aliases is a billion strings. A lesson never needs one, so none is allowed."""
    depth = 0
    try:
        for event in _yaml().parse(text):
            line = event.start_mark.line + 1
            if isinstance(event, AliasEvent):
                raise LessonError([Problem(file, line, f"YAML: aliases (*{event.anchor}) are not allowed in a "
                                                       "lesson; write the value out", event.start_mark.column + 1)])
            if isinstance(event, NodeEvent) and event.anchor is not None:
                raise LessonError([Problem(file, line, f"YAML: anchors (&{event.anchor}) are not allowed in a "
                                                       "lesson; write the value out", event.start_mark.column + 1)])
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise LessonError([Problem(file, line, f"YAML: nested more than {MAX_YAML_DEPTH} levels deep")])
            elif type(event).__name__ in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
    except MarkedYAMLError:
        return  # a syntax error: the loader reports it, with its line


def read_tree(path: Path, what: str = "lesson") -> Any:
    """A lesson (or challenge) file as ruamel's tree, which remembers every line; LessonError if unreadable."""
    file = str(path)
    try:
        text = read_bounded(path)
    except _Unreadable as exc:
        raise LessonError([Problem(file, 1, f"cannot read {what}: {exc}")]) from None
    _refuse_explosive_yaml(text, file)
    try:
        tree = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        col = mark.column + 1 if mark else None
        said = yaml_message(exc.problem or str(exc), exc.context or "", text.splitlines(), line)
        raise LessonError([Problem(file, line, f"YAML: {said}", col)]) from None
    except Exception as exc:  # ruamel raises a few unmarked errors (duplicate keys...)
        raise LessonError([Problem(file, 1, f"YAML: {exc}")]) from None
    return tree


def load_lesson(path: Path | str) -> Lesson:
    """Read and validate one lesson file; raise LessonError listing every problem."""
    path = Path(path)
    file = str(path)
    tree = read_tree(path)
    if not isinstance(tree, CommentedMap):
        raise LessonError([Problem(file, 1, "a lesson file must be a mapping (id, title, summary, steps...)")])

    data = _plain(tree)
    text_problems = [Problem(file, line_of(tree, loc), ".".join(map(str, loc[:-1] + (message,))))
                     for loc, message in one_language_texts(data)]
    try:
        spec = LessonSpec.model_validate(data)
        if text_problems:
            raise LessonError(text_problems)
    except ValidationError as exc:
        problems = list(text_problems)
        for err in filter(_worth_saying, exc.errors()):
            loc = _clean_loc(err["loc"])
            problems.append(Problem(file, line_of(tree, loc), _describe({**err, "loc": loc})))
        raise LessonError(problems) from None

    lesson = Lesson(spec=spec, path=path, id_line=line_of(tree, ("id",)))
    problems: list[Problem] = []
    base = path.parent
    names = set()
    for i, image in enumerate(spec.images):
        iline = line_of(tree, ("images", i))
        if image.name in names:
            problems.append(Problem(file, iline, f"images: '{image.name}' is defined twice"))
        names.add(image.name)
        _load_image(lesson, image, tree, i, base, file, problems)

    lesson.step_lines = [line_of(tree, ("steps", i)) for i in range(len(spec.steps))]
    lesson.ask_lines = {i: line_of(tree, ("steps", i, "ask")) for i, step in enumerate(spec.steps) if step.ask}
    if problems:
        raise LessonError(problems)
    return lesson


def _load_image(lesson: Lesson, image: ImageSpec, tree: Any, i: int, base: Path, file: str, problems: list[Problem]) -> None:
    imap = tree["images"][i]
    if image.dockerfile is not None:
        # A block scalar (dockerfile: |) starts on the line after its key.
        key_line = imap.lc.key("dockerfile")[0] + 1
        value_line = imap.lc.value("dockerfile")[0] + 1
        first = value_line + 1 if value_line == key_line else value_line
        if not isinstance(imap["dockerfile"], (LiteralScalarString, FoldedScalarString)):
            first = value_line
            lesson.one_line_dockerfiles.add(image.name)
        lesson.dockerfiles[image.name] = image.dockerfile
        lesson.dockerfile_origin[image.name] = (file, first)
    else:
        line = imap.lc.key("dockerfile_file")[0] + 1
        text = _read_text(base, image.dockerfile_file, file, line, problems)
        if text is not None:
            lesson.dockerfiles[image.name] = text
            lesson.dockerfile_origin[image.name] = (str(base / image.dockerfile_file), 1)
    context = {name: _context_file(spec) for name, spec in image.context.items()}
    if image.context_dir:
        line = imap.lc.key("context_dir")[0] + 1
        context.update(_read_context_dir(base, image.context_dir, file, line, problems))
    try:
        lesson.contexts[image.name] = apply_dockerignore(context)
    except ContextError as exc:
        problems.extend(Problem(file, line_of(tree, ("images", i, "context")), p) for p in exc.problems)
    if image.target is not None:
        lesson.target_lines[image.name] = imap.lc.key("target")[0] + 1


def duplicate_ids(lessons: list[Lesson]) -> dict[Path, Problem]:
    """Lessons whose id an earlier one already has: the URL /lessons/<id> can show only the first."""
    first: dict[str, Lesson] = {}
    out: dict[Path, Problem] = {}
    for lesson in lessons:
        if lesson.id in first and first[lesson.id].path.resolve() != lesson.path.resolve():
            out[lesson.path] = Problem(str(lesson.path), lesson.id_line,
                                       f"id: '{lesson.id}' is already the id of {first[lesson.id].path}")
        else:
            first[lesson.id] = lesson
    return out


def meant_for(path: Path, lesson_id: str) -> bool:
    """Whether a lesson file that cannot be loaded is meant to be the lesson ``lesson_id``: its
    ``id:`` line says so, or its name does (``04-container-layer.yaml``), so that the lesson's
    pages can show what is wrong while it is being edited."""
    if re.sub(r"\A[0-9]+-", "", path.stem) == lesson_id:
        return True
    try:
        text = read_bounded(path)
    except _Unreadable:
        return False
    return re.search(rf"^id:\s*['\"]?{re.escape(lesson_id)}['\"]?\s*(#.*)?$", text, re.MULTILINE) is not None


def lessons_stamp(root: Path | str) -> str:
    """A short text that changes whenever a file in the lessons folder changes (``serve --watch``)."""
    root = Path(root)
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
    entries = []
    for p in files:
        try:
            info = p.stat()
        except OSError:
            continue
        entries.append(f"{p}:{info.st_mtime_ns}:{info.st_size}")
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()[:16]


def lesson_files(root: Path | str = LESSONS_DIR) -> list[Path]:
    root = Path(root)
    if root.is_file():
        return [root]
    if not root.is_dir():
        return []
    # Anything but a folder: a FIFO or a dangling link named *.yaml is a problem of that lesson, not skipped.
    return sorted(p for p in root.iterdir() if p.suffix in (".yaml", ".yml") and not p.is_dir())
