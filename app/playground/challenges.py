"""Challenges: a starting Dockerfile, a goal the engine checks, hints, and the author's solution.

A challenge is a file in lessons/challenges/ (one per challenge, like a lesson
file): it opens in the playground with its starting state, and after every
Build or Run the playground checks its goals (goals.py) on the built image and
the containers. ``layerlab check`` plays the author's solution and reports a
goal it does not reach at the line of ``solution:``; a start that already
reaches the goal is an error at the line of ``start:``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from ruamel.yaml.comments import CommentedMap

from app.engine import Image
from app.lessons.loader import LESSONS_DIR, LessonError, Problem, _plain, line_of, read_tree
from app.lessons.model import Text, _lesson_id

from .goals import CHECKS, Facts, GoalResult, check_goals
from .state import ContextItem, State

CHALLENGES_DIR = LESSONS_DIR / "challenges"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ContainerFileGoal(_Strict):
    path: Annotated[str, Field(pattern=r"^/")]
    contains: Annotated[str, Field(min_length=1)]


class GoalSpec(_Strict):
    """One goal: exactly one of the keys (``CHECKS`` in goals.py says how each is checked)."""

    image_under_mb: Annotated[float, Field(gt=0)] | None = None
    no_layer_contains: Annotated[str, Field(pattern=r"^/")] | None = None  # a glob, fnmatch's rules
    at_most_layers: Annotated[int, Field(ge=1)] | None = None
    has_file: Annotated[str, Field(pattern=r"^/")] | None = None
    container_file: ContainerFileGoal | None = None
    image_unchanged: bool | None = None

    @model_validator(mode="after")
    def _one(self) -> "GoalSpec":
        given = [k for k in CHECKS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"a goal is exactly one of: {', '.join(CHECKS)}")
        return self

    def pair(self) -> tuple[str, Any]:
        key = next(k for k in CHECKS if getattr(self, k) is not None)
        value = getattr(self, key)
        return key, value.model_dump() if isinstance(value, BaseModel) else value


class StartSpec(_Strict):
    dockerfile: Annotated[str, Field(min_length=1)]
    context: dict[str, str] = {}  # file name -> its text
    commands: list[str] = []


class ChallengeSpec(_Strict):
    challenge: Annotated[str, Field(min_length=1)]  # the id; `challenge:` first says what the file is
    order: int = 100
    title: Text
    task: Text
    start: StartSpec
    goals: Annotated[list[GoalSpec], Field(min_length=1)]
    hints: list[Text] = []
    solution: StartSpec

    @model_validator(mode="after")
    def _id(self) -> "ChallengeSpec":
        _lesson_id(self.challenge)
        return self


@dataclass
class Challenge:
    spec: ChallengeSpec
    path: Path
    lines: dict[str, int] = field(default_factory=dict)  # start, solution, goals.N -> line in the file

    @property
    def id(self) -> str:
        return self.spec.challenge

    @property
    def goals(self) -> list[tuple[str, Any]]:
        return [g.pair() for g in self.spec.goals]

    def state(self, which: str = "start") -> State:
        spec = self.spec.start if which == "start" else self.spec.solution
        context = tuple(ContextItem(name, text) for name, text in sorted(spec.context.items()))
        return State(dockerfile=spec.dockerfile, context=context, commands=tuple(spec.commands))


def load_challenge(path: Path | str) -> Challenge:
    """Read and validate a challenge file; LessonError with file:line problems."""
    path = Path(path)
    file = str(path)
    tree = read_tree(path, "challenge")
    if not isinstance(tree, CommentedMap):
        raise LessonError([Problem(file, 1, "a challenge file must be a mapping (challenge, title, start, goals...)")])
    try:
        spec = ChallengeSpec.model_validate(_plain(tree))
    except ValidationError as exc:
        raise LessonError([Problem(file, line_of(tree, tuple(err["loc"])),
                                   ".".join(map(str, err["loc"])) + ": " + err["msg"].removeprefix("Value error, "))
                           for err in exc.errors()]) from None
    lines = {key: line_of(tree, (key,)) for key in ("start", "solution")}
    lines.update({f"goals.{i}": line_of(tree, ("goals", i)) for i in range(len(spec.goals))})
    return Challenge(spec, path, lines)


def challenge_files(root: Path | str = CHALLENGES_DIR) -> list[Path]:
    root = Path(root)
    return sorted(p for p in root.glob("*.y*ml") if p.is_file()) if root.is_dir() else []


def find_challenge(challenge_id: str, root: Path | str = CHALLENGES_DIR) -> Challenge | None:
    """The challenge with this id, or None (a broken file is skipped here; check reports it)."""
    for path in challenge_files(root):
        try:
            challenge = load_challenge(path)
        except LessonError:
            continue
        if challenge.id == challenge_id:
            return challenge
    return None


def facts_of(played_state, start_image: Image | None = None) -> Facts:
    """What the goals look at in a played playground state (app.playground.play.PlayedState)."""
    played = played_state.played if played_state is not None else None
    if played is None or played_state.problem is not None:
        return Facts(None, [], start_image)
    build = played.builds.get(played_state.state.tag)
    image = build.image if build is not None and build.failed is None else None
    containers = list(played.frames[-1].containers) if played.frames else []
    return Facts(image, containers, start_image)


def built_image(played_state) -> Image | None:
    return facts_of(played_state).image


def grade_state(challenge: Challenge, played_state, start_played=None) -> list[GoalResult]:
    """The challenge's goals on a played state (``start_played``: the start, for image_unchanged)."""
    start = built_image(start_played) if start_played is not None else None
    return check_goals(challenge.goals, facts_of(played_state, start))


def verify(challenge: Challenge, play) -> list[Problem]:
    """The author's solution reaches every goal and the start does not; ``play`` plays a State."""
    file = str(challenge.path)
    start = play(challenge.state("start"))
    solution = play(challenge.state("solution"))
    problems = []
    for i, result in enumerate(grade_state(challenge, solution, start)):
        if not result.met:
            where = challenge.lines["solution"]
            goal_line = challenge.lines.get(f"goals.{i - 1}")
            said = f" (the goal at line {goal_line})" if goal_line and i else ""
            problems.append(Problem(file, where, f"solution: does not reach the goal '{result.goal.en}'{said}: "
                                                 f"{result.now.en}"))
    if all(r.met for r in grade_state(challenge, start, start)):
        problems.append(Problem(file, challenge.lines["start"], "start: already reaches every goal: nothing to do"))
    return problems
