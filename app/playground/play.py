"""Play a playground state: its Dockerfile as a build, its commands as run and exec steps.

The state becomes an in-memory lesson (one image, one build step per
instruction) played by the lesson player, so a playground step is a lesson
``Frame`` and is drawn, narrated and navigated exactly as one. The commands
then go through the same player's daemon (``app.runtime.Runtime``): ``docker
run`` starts a container (the first plain command starts one), plain lines run
in the current container, ``docker rm``, ``commit`` and ``diff`` do what Docker
does. A refused command is a step of its own that shows the daemon's message.

Builds share one ``BuildCache`` per process (the sandbox's workers are long
lived), so a rebuild after an edit builds only the changed instructions, and
typing a command after a build rebuilds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from app.build.context import ContextDir, ContextSymlink
from app.dockerfile.errors import DockerfileError
from app.lessons import player as lesson_player
from app.lessons.loader import Lesson
from app.lessons.model import BuildStep as BuildSpec
from app.lessons.model import ExecStep, ImageSpec, LessonSpec, RunStep, Text
from app.runtime import BuildCache, BuildError, ContextFile, DockerError, Runtime

from . import narration, rebuild
from .commands import Command, CommandError, parse_command
from .state import ContextItem, State

CACHE = BuildCache(size=512)  # this process's build cache (each sandbox worker has its own)
KERNEL = "Linux kernel 6.1"


@dataclass(frozen=True)
class Problem:
    """Why the Dockerfile did not build: pinned to its line and column in the editor."""

    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None


@dataclass
class PlayedState:
    """A played state: the lesson the page draws, or the problem that stopped the build."""

    state: State
    played: lesson_player.PlayedLesson | None = None
    problem: Problem | None = None
    build_frames: int = 0
    command_frames: list[int] = field(default_factory=list)  # the last frame each command made
    cached: list[bool | None] | None = None  # after an edit: per build frame, CACHED or built again (rebuild.py)
    cache_hits: int = 0  # build-cache lookups this play found (and missed): where the time went, for tests and
    cache_misses: int = 0  # the sandbox's routing (a follow-up on the worker that built the image misses none)

    @property
    def frames(self) -> list[lesson_player.Frame]:
        return self.played.frames if self.played else []


def context_of(state: State) -> dict:
    """The state's context as the build's own entries, so COPY resolves folders and symlinks
    (followed inside the context, or copied as symlinks) exactly as a lesson's build does."""
    return {item.name: _entry(item) for item in state.context}


def _entry(item: ContextItem):
    if item.kind == "folder":
        return ContextDir(int(item.mode, 8))
    if item.kind == "symlink":
        return ContextSymlink(item.target)
    if item.text is not None:
        return ContextFile.text(item.text, int(item.mode, 8))
    return ContextFile(None, item.size, int(item.mode, 8))


def lesson_of(state: State) -> Lesson:
    """The in-memory lesson a state plays as: one image, built one instruction a step."""
    spec = LessonSpec(id="playground", title=Text(en="Playground", zh="实验场"),
                      summary=Text(en="Your own Dockerfile and commands.", zh="你自己的 Dockerfile 和命令。"),
                      images=[ImageSpec(name=state.tag, dockerfile=state.dockerfile)],
                      steps=[BuildSpec(build=state.tag)])
    return Lesson(spec=spec, path=Path("playground"), dockerfiles={state.tag: state.dockerfile},
                  contexts={state.tag: context_of(state)}, dockerfile_origin={state.tag: ("Dockerfile", 1)},
                  step_lines=[1])


def play_state(state: State, cache: BuildCache | None = None, previous: State | None = None) -> PlayedState:
    """Build the state's Dockerfile and run its commands; never raises for bad input.

    ``previous``: the state the Build form came from; each build step is then marked CACHED
    or built again against that state's build, as ``docker build`` would print it."""
    if not state.dockerfile.strip():
        return PlayedState(state, problem=Problem("write a Dockerfile, starting with FROM", 1, 1))
    lesson = lesson_of(state)
    player = lesson_player.Player(lesson)
    cache = CACHE if cache is None else cache
    hits, misses = cache.hits, cache.misses
    player.runtime = Runtime(cache=cache)
    if previous is not None:
        player.runtime.cache_keys_seen |= rebuild.keys_of(previous, cache, context_of(previous))
    try:
        player.build_image(state.tag)
    except DockerfileError as exc:
        return PlayedState(state, problem=Problem(exc.message, exc.line or 1, exc.column, exc.hint))
    except BuildError as exc:
        return PlayedState(state, problem=Problem(exc.message, exc.line or None))
    player.play()
    build_frames = len(player.builds[state.tag].steps)
    marks = rebuild.mark_frames(player, state.tag, build_frames) if previous is not None else None
    commands = _Commands(player, state.tag)
    frame_numbers = [commands.apply(line) for line in state.commands]
    played = lesson_player.PlayedLesson(lesson, player.frames, player.builds)
    return PlayedState(state, played, build_frames=build_frames, command_frames=frame_numbers, cached=marks,
                       cache_hits=cache.hits - hits, cache_misses=cache.misses - misses)


class _Commands:
    """The commands after the build, on the player's daemon; ``current`` is the container plain lines run in."""

    def __init__(self, player: lesson_player.Player, tag: str):
        self.player, self.runtime, self.tag = player, player.runtime, tag
        self.current: str | None = None

    def apply(self, line: str) -> int:
        """Play one command line; the number of the last frame it added."""
        try:
            command = parse_command(line)
            getattr(self, "_" + command.verb)(command)
        except (CommandError, DockerError, ValidationError) as exc:
            self._refused(line, exc)
        return len(self.player.frames)

    def _run(self, command: Command) -> None:
        name = command.container or self._free_name()
        self.player._run(RunStep(run=name, image=command.image))
        self.current = name

    def _exec(self, command: Command) -> None:
        container = command.container or self.current
        if container is None:  # the first plain command starts a container of the image
            self._run(Command("run", image=self.tag))
            container = self.current
        self.runtime.container(container)
        self.player._exec(ExecStep(exec=command.script, **{"in": container}))
        self.current = container

    def _rm(self, command: Command) -> None:
        image = self.runtime.container(command.container).image
        self.runtime.rm(command.container)
        if self.current == command.container:
            self.current = None
        self._add("show", f"docker rm -f {command.container}", narration.for_rm(command.container), [image])

    def _commit(self, command: Command) -> None:
        source = self.runtime.container(command.container).image
        image = self.runtime.commit(command.container, command.image)
        self._add("show", f"docker commit {command.container} {command.image}",
                  narration.for_commit(command.container, command.image), [source, image], target=command.image)

    def _diff(self, command: Command) -> None:
        changes = self.runtime.diff(command.container)
        image = self.runtime.container(command.container).image
        output = "".join(f"{c.letter} {c.path}\n" for c in changes)
        self._add("exec", f"docker diff {command.container}", narration.for_diff(command.container), [image],
                  target=command.container, output=output)

    def _refused(self, line: str, exc: Exception) -> None:
        message = str(exc).splitlines()[0] if not isinstance(exc, ValidationError) else "a container name is " \
            "letters a-z, digits, '.', '_' and '-', starting with a letter or digit"
        images = [self.runtime.container(self.current).image] if self.current in self.runtime.containers else \
            [self.runtime.images[self.tag]] if self.tag in self.runtime.images else []
        self._add("exec", f"$ {line}", narration.for_refused(line), images, error=message)

    def _add(self, kind: str, command: str, say: Text, images: list, **extra) -> None:
        containers = [c for image in images for c in self.runtime.snapshots(image)]
        self.player._add(lesson_player.Frame(number=0, kind=kind, command=command, say=say, images=images,
                                             containers=containers, **extra))

    def _free_name(self) -> str:
        number = 1
        while f"container-{number}" in self.runtime.containers:
            number += 1
        return f"container-{number}"
