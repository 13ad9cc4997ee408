"""Play a lesson: turn its steps into self-contained snapshots, one per step.

Like Online Python Tutor, every step carries everything its page shows: the
images and containers as they stand after it (container layers are copied, so
a later step cannot change an earlier snapshot), the engine traces of the
step's effect, its text, output and notes. Pages are then a pure function of
the lesson file and the URL, which keeps the web tier stateless.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app.dockerfile.errors import DockerfileError
from app.engine import Container, Image, Trace
from app.render import Scene
from app.render.scene import Links
from app.runtime import progress_lines
from app.runtime import BuildCache
from app.runtime import BuildError, BuildResult, BuildStep, DiskReport, Runtime, disk_report  # noqa: F401

from . import narration
from .loader import Lesson, LessonError, Problem, duplicate_ids, lesson_files, load_lesson, rebuilt_inputs
from .model import BuildStep as BuildSpec
from .model import AskSpec, ExecStep, RebuildStep, RunStep, ShowStep, Text
from .questions import Question, attach_questions


@dataclass
class Frame:
    """One step of a played lesson: everything its page and diagram need."""

    number: int
    kind: str  # "build" | "run" | "exec" | "show"
    command: str
    say: Text
    images: list[Image]
    containers: list[Container] = field(default_factory=list)
    traces: list[Trace] = field(default_factory=list)
    target: str | None = None
    new_layer: bool = False
    notes: list[str] = field(default_factory=list)
    output: str = ""
    error: str | None = None
    status: int | None = None  # exit status of an exec step's command
    expanded: str | None = None
    source_line: int | None = None  # Dockerfile lines of a build step
    source_end_line: int | None = None
    stage: str | None = None  # the build stage, in a multi-stage Dockerfile
    built: str | None = None  # build steps: the lesson image being built (target is the stage's image)
    spec_line: int | None = None  # line of the step in the lesson file
    script: str = ""  # an exec step's command line
    commands: list[str] = field(default_factory=list)  # simple commands the shell ran
    not_simulated: list[Any] = field(default_factory=list)
    disk_usage: "DiskReport | None" = None  # show steps: docker system df -v / docker ps -s
    ask: AskSpec | None = None  # the question put before the step (the first frame of its lesson step)
    ask_line: int | None = None
    question: "Question | None" = None  # the question with its answer, computed by questions.attach
    cached: list[bool | None] | None = None  # rebuild steps: per history row, CACHED (True) or run again

    @property
    def saved_image(self) -> Image | None:
        """The image a build step made, which its download link saves; None for other steps."""
        return self.images[0] if self.kind == "build" and self.images and not self.error else None

    def scene(self, lang: str, kernel: str, glosses: bool | None = None, links: Links | None = None) -> Scene:
        """The step as render draws it; ``glosses`` None means the language's default."""
        return Scene(
            images=self.images,
            containers=self.containers,
            traces=self.traces,
            target=self.target,
            command=self.command,
            new_layer=self.new_layer,
            notes=self.notes + ([self.error] if self.error else []),
            lang=lang,
            kernel=kernel,
            glosses=glosses,
            links=links,
            cached=self.cached,
        )


@dataclass
class PlayedLesson:
    lesson: Lesson
    frames: list[Frame]
    builds: dict[str, BuildResult]

    @property
    def id(self) -> str:
        return self.lesson.id


class Player:
    def __init__(self, lesson: Lesson):
        self.lesson = lesson
        # The lesson's daemon: its images, by lesson name, and containers. A lesson that rebuilds
        # keeps the simulator's build cache too, so that a rebuild only simulates what changed.
        rebuilds = any(isinstance(spec, RebuildStep) for spec in lesson.spec.steps)
        self.runtime = Runtime(cache=BuildCache() if rebuilds else None)
        self.shown_build_steps: dict[str, int] = {}
        self.frames: list[Frame] = []
        self.spec_line: int | None = None
        self.pending_ask: tuple[AskSpec | None, int | None] = (None, None)  # goes on the step's first frame
        self.problems: list[Problem] = []  # build steps that show nothing

    # -- building ---------------------------------------------------------------
    @property
    def builds(self) -> dict[str, BuildResult]:
        return self.runtime.builds

    def build_image(self, name: str) -> BuildResult:
        if name not in self.builds:
            spec = next(i for i in self.lesson.spec.images if i.name == name)
            file, _ = self.lesson.dockerfile_origin[name]
            self.runtime.build(self.lesson.dockerfiles[name], self.lesson.contexts.get(name, {}),
                               tag=name, filename=file, target=spec.target, build_args=dict(spec.build_args),
                               context_partial=spec.context_partial)
        return self.builds[name]

    def image(self, name: str) -> Image:
        return self.build_image(name).image

    # -- steps -------------------------------------------------------------------
    def play(self) -> list[Frame]:
        for index, (spec, line) in enumerate(zip(self.lesson.spec.steps,
                                                 self.lesson.step_lines or [None] * len(self.lesson.spec.steps))):
            self.spec_line = line
            self.pending_ask = (spec.ask, self.lesson.ask_lines.get(index))
            if isinstance(spec, BuildSpec):
                self._build_steps(spec)
            elif isinstance(spec, RunStep):
                self._run(spec)
            elif isinstance(spec, ExecStep):
                self._exec(spec)
            elif isinstance(spec, ShowStep):
                self._show(spec)
            elif isinstance(spec, RebuildStep):
                self._rebuild(spec)
        return self.frames

    def _add(self, frame: Frame) -> None:
        frame.number = len(self.frames) + 1
        frame.spec_line = self.spec_line
        frame.ask, frame.ask_line = self.pending_ask
        self.pending_ask = (None, None)
        self.frames.append(frame)

    def _build_steps(self, spec: BuildSpec) -> None:
        result = self.build_image(spec.build)
        steps = result.steps
        if spec.instruction is not None:
            wanted = [spec.instruction - 1]
        else:
            start = self.shown_build_steps.get(spec.build, 0)
            wanted = list(range(start, len(steps)))
        if not wanted or wanted[0] >= len(steps):
            what = (f"instruction {spec.instruction} is past the end: the build has {len(steps)} step(s)"
                    if spec.instruction is not None else "every instruction is already shown by an earlier step")
            self.problems.append(Problem(str(self.lesson.path), self.spec_line or 1, f"build: {spec.build}: {what}"))
            return
        for index in wanted:
            step = steps[index]
            self.shown_build_steps[spec.build] = index + 1
            # The step's own text goes on its first frame; the rest get computed narration.
            self._add(self._build_frame(spec.say if index == wanted[0] else None, step, result, spec.build))

    def _build_frame(self, say: Text | None, step: BuildStep, result: BuildResult, built: str) -> Frame:
        if say is None:
            say = narration.for_build_step(step)
        notes = list(step.notes)
        for ns in step.not_simulated:
            notes.append(f"not simulated: {getattr(ns, 'command', ns)}")
        return Frame(
            number=0, kind="build", command=step.text, say=say, images=[step.image],
            traces=step.traces, target=step.image.name, new_layer=step.created_layer,
            notes=notes, output=step.stdout, error=step.error, expanded=step.expanded,
            source_line=step.line, source_end_line=step.end_line,
            stage=(step.stage_name or f"#{step.stage}") if len(result.stages) > 1 else None,
            built=built,
        )

    def _run(self, spec: RunStep) -> None:
        container = self.runtime.run(spec.image, name=spec.run)
        image = container.image
        self._add(Frame(
            number=0, kind="run", command=f"docker run --name {spec.run} {spec.image}",
            say=spec.say or narration.for_run(spec.run, spec.image),
            images=[image], containers=self.runtime.snapshots(image), target=spec.run,
        ))

    def _exec(self, spec: ExecStep) -> None:
        result = self.runtime.exec(spec.in_, spec.exec)
        image = self.runtime.container(spec.in_).image
        self._add(Frame(
            number=0, kind="exec", command=f"$ {spec.exec}",
            say=spec.say or narration.for_exec(spec.exec),
            images=[image], containers=self.runtime.snapshots(image), traces=result.traces,
            target=spec.in_, notes=result.notes, output=result.output, status=result.status,
            script=spec.exec, commands=result.commands, not_simulated=result.not_simulated,
        ))

    def _show(self, spec: ShowStep) -> None:
        if spec.stages:
            images = [img for name in spec.show for img in self._stage_images(name)]
        else:
            images = [self.image(name) for name in spec.show]
        containers = [c for img in images for c in self.runtime.snapshots(img)] if spec.containers else []
        self._add(Frame(
            number=0, kind="show", command="docker images" if not containers else "docker ps -s",
            say=spec.say or narration.for_show(spec.show), images=images, containers=containers,
            disk_usage=disk_report(images, containers),
        ))

    def _rebuild(self, spec: RebuildStep) -> None:
        """``docker build -t NAME .`` again, after the step's edits: each row CACHED or run again."""
        name = spec.rebuild
        image_spec = next(i for i in self.lesson.spec.images if i.name == name)
        self.build_image(name)  # the first build fills the cache, if no step has shown it yet
        text, context = rebuilt_inputs(self.lesson, spec)
        file = str(self.lesson.path) if spec.dockerfile is not None else self.lesson.dockerfile_origin[name][0]
        args = spec.build_args if spec.build_args is not None else dict(image_spec.build_args)
        try:
            result = self.runtime.build(text, context, tag=name, filename=file, target=image_spec.target,
                                        build_args=args, context_partial=image_spec.context_partial)
        except (DockerfileError, BuildError) as exc:
            self.problems.append(Problem(str(self.lesson.path), self.spec_line or 1, f"rebuild: {name}: {exc}"))
            return
        report = self.runtime.cache_report.get(name, [])
        image = result.image
        self._add(Frame(
            number=0, kind="build", command=f"docker build -t {name} .", images=[image], target=image.name,
            say=spec.say or narration.for_rebuild(name, [hit for s, hit in report if s.keyword != "FROM"]),
            output="\n".join(progress_lines([s for s, _ in report], [hit for _, hit in report])),
            error=result.failed.error if result.failed is not None else None,
            cached=history_cached(image, report, result),
        ))

    def _stage_images(self, name: str) -> list[Image]:
        """Every stage of a build: ✗ marks the stages that do not ship, ✓ the image."""
        out = []
        for stage in self.build_image(name).stages:
            label = stage.name or f"stage {stage.index}"
            out.append(replace(stage.image, name=f"{name} ✓" if stage.final else f"{label} ✗"))
        return out


def history_cached(image: Image, report: list, result: BuildResult) -> list[bool | None]:
    """Per history row of ``image``: the final stage's instructions are its last rows, the
    base's rows (FROM) are reused as they are (None: no mark)."""
    final = max((stage.index for stage in result.stages if stage.final), default=0)
    mine = [hit for step, hit in report if step.stage == final and step.keyword != "FROM"]
    rows = len(image.history)
    mine = mine[-rows:] if rows else []
    return [None] * (rows - len(mine)) + mine


def check_references(lesson: Lesson) -> list[Problem]:
    """Steps that name images or containers the lesson does not define."""
    problems: list[Problem] = []
    file = str(lesson.path)
    images = {i.name for i in lesson.spec.images}
    containers: dict[str, int] = {}  # name -> line of the run step that started it
    for spec, line in zip(lesson.spec.steps, lesson.step_lines):
        if isinstance(spec, BuildSpec) and spec.build not in images:
            problems.append(Problem(file, line, f"build: no image named '{spec.build}' in images"))
        elif isinstance(spec, RunStep):
            if spec.image not in images:
                problems.append(Problem(file, line, f"run: no image named '{spec.image}' in images"))
            if spec.run in containers:
                problems.append(Problem(file, line, f"run: a container named '{spec.run}' was already started "
                                                    f"at line {containers[spec.run]} (docker run --name refuses a name in use)"))
            containers.setdefault(spec.run, line)
        elif isinstance(spec, ExecStep) and spec.in_ not in containers:
            problems.append(Problem(file, line, f"exec: no container named '{spec.in_}' was started by an earlier run step"))
        elif isinstance(spec, ShowStep):
            for name in spec.show:
                if name not in images:
                    problems.append(Problem(file, line, f"show: no image named '{name}' in images"))
        elif isinstance(spec, RebuildStep) and spec.rebuild not in images:
            problems.append(Problem(file, line, f"rebuild: no image named '{spec.rebuild}' in images"))
    return problems


def dockerfile_problem(lesson: Lesson, image: str, exc: Any) -> Problem:
    """A Dockerfile error, placed at the line of the lesson (or .Dockerfile) file."""
    line = getattr(exc, "line", 0) or 1
    file, file_line = lesson.dockerfile_line(image, line)
    column = getattr(exc, "column", None) if image not in lesson.one_line_dockerfiles else None
    message = getattr(exc, "message", str(exc))
    return Problem(file, file_line, f"Dockerfile of image '{image}', line {line}: {message}", column)


def play(lesson: Lesson) -> PlayedLesson:
    """Build every image and play every step. Raises LessonError with file:line problems."""
    problems = check_references(lesson)
    if problems:
        raise LessonError(problems)
    player = Player(lesson)
    for spec in lesson.spec.images:
        try:
            result = player.build_image(spec.name)
        except DockerfileError as exc:
            problems.append(dockerfile_problem(lesson, spec.name, exc))
            continue
        except BuildError as exc:
            if not exc.line and spec.target is not None:  # an unknown target stage
                problems.append(Problem(str(lesson.path), lesson.target_lines[spec.name], f"target: {exc.message}"))
            else:
                problems.append(dockerfile_problem(lesson, spec.name, exc))
            continue
        if result.failed is not None and not spec.expect_failure:
            problems.append(dockerfile_problem(lesson, spec.name, _Failed(result.failed)))
        elif result.failed is None and spec.expect_failure:
            problems.append(Problem(*lesson.dockerfile_line(spec.name, 1),
                                    f"image '{spec.name}': expect_failure is set, but the build succeeds"))
    if problems:
        raise LessonError(problems)
    frames = player.play()
    problems = player.problems or attach_questions(str(lesson.path), frames)
    if problems:
        raise LessonError(problems)
    return PlayedLesson(lesson, frames, player.builds)


class _Failed:
    def __init__(self, step: BuildStep):
        self.line = step.line
        self.column = 1
        self.message = f"{step.keyword} failed: {step.error}"


# -- a per-process cache: pages are pure functions of the files ------------------
_cache: dict[Path, tuple[tuple, PlayedLesson | LessonError]] = {}


def _stamp(path: Path) -> tuple:
    """Changes whenever the lesson file or anything beside it changes."""
    return _stamp_dir(path.parent)


def played(path: Path) -> PlayedLesson:
    """Load and play a lesson file, cached per process until a file changes."""
    path = Path(path).resolve()
    stamp = _stamp(path)
    hit = _cache.get(path)
    if hit is None or hit[0] != stamp:
        try:
            value: PlayedLesson | LessonError = play(load_lesson(path))
        except LessonError as exc:
            value = exc
        _cache[path] = (stamp, value)
        hit = _cache[path]
    if isinstance(hit[1], LessonError):
        raise hit[1]
    return hit[1]


_index_cache: dict[Path, tuple[tuple, list]] = {}


def lesson_index(root: Path) -> list[tuple[Path, Lesson | LessonError]]:
    """Every lesson file in ``root`` with its loaded lesson, or what is wrong with it.

    Cached per process until a file in ``root`` changes (pages ask on every request)."""
    root = Path(root).resolve()
    stamp = _stamp_dir(root)
    hit = _index_cache.get(root)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    out = []
    for path in lesson_files(root):
        try:
            out.append((path, load_lesson(path)))
        except LessonError as exc:
            out.append((path, exc))
    duplicates = duplicate_ids([lesson for _, lesson in out if isinstance(lesson, Lesson)])
    out = [(path, LessonError([duplicates[path]]) if path in duplicates else lesson) for path, lesson in out]
    out.sort(key=lambda item: (item[1].spec.order, item[1].id) if isinstance(item[1], Lesson) else (10**6, str(item[0])))
    _index_cache[root] = (stamp, out)
    return out


def _stamp_dir(root: Path) -> tuple:
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def find(root: Path, lesson_id: str) -> Path | None:
    """The file of the lesson with this id in ``root``, if any (ids are in the files)."""
    for path, lesson in lesson_index(root):
        if isinstance(lesson, Lesson) and lesson.id == lesson_id:
            return path
    return None


def diagram(played_lesson: PlayedLesson, number: int, lang: str, fmt: str = "svg",
            glosses: bool | None = None, links: Links | None = None) -> str | bytes:
    """The step's diagram as SVG text or PNG bytes, rendered once per process."""
    from app import render

    cache = played_lesson.__dict__.setdefault("_diagrams", {})
    key = (number, lang, fmt, glosses, links)
    if key not in cache:
        frame = played_lesson.frames[number - 1]
        dot = render.scene_dot(frame.scene(lang, played_lesson.lesson.spec.kernel, glosses, links))
        cache[key] = render.to_svg(dot) if fmt == "svg" else render.to_png(dot)
    return cache[key]
