"""What the lesson list shows, from the lesson files alone: never by building or playing.

Playing every lesson to count its steps made a fresh worker take seconds to
answer ``/``. A lesson's step count follows from its file: one step per run,
exec and show step, one per build step that names an ``instruction:``, and for
a build step without one, the instructions of its Dockerfile not shown yet
(the FROM and every instruction of each stage the target needs, which the
parser gives without building).
"""

from __future__ import annotations

from app.dockerfile.errors import DockerfileError
from app.runtime import BuildError, planned_steps

from .loader import Lesson
from .model import BuildStep as BuildSpec
from .player import check_references


def step_count(lesson: Lesson) -> int | None:
    """The number of steps playing the lesson gives when it plays, or None when the files alone
    show it cannot (a step naming a missing image, a Dockerfile that does not parse, a build step
    past the end of its build). A build that fails while it runs is found by its page, not here."""
    if check_references(lesson):
        return None
    planned = _planned(lesson)
    shown: dict[str, int] = {}
    count = 0
    for spec in lesson.spec.steps:
        if not isinstance(spec, BuildSpec):
            count += 1
            continue
        total = planned.get(spec.build)
        if total is None:
            return None
        if spec.instruction is not None:
            if spec.instruction > total:
                return None
            shown[spec.build] = spec.instruction
            count += 1
        else:
            start = shown.get(spec.build, 0)
            if start >= total:
                return None
            shown[spec.build] = total
            count += total - start
    return count


def _planned(lesson: Lesson) -> dict[str, int]:
    """Each image's build step count; an image whose Dockerfile is wrong is left out."""
    out: dict[str, int] = {}
    for image in lesson.spec.images:
        file, _ = lesson.dockerfile_origin[image.name]
        try:
            out[image.name] = planned_steps(lesson.dockerfiles[image.name], filename=file, target=image.target)
        except (DockerfileError, BuildError):
            continue
    return out
