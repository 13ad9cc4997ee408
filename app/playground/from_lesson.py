"""A lesson step as a playground state: "Open in playground" on every lesson step.

The state holds the image the step is about (the one being built, the one its
container runs, or the first one shown), its Dockerfile and context, and the
lesson's run and exec steps on that image up to this step, so the playground
opens on the same picture, ready to change. Context folders and symlinks come
along as playground entries of their kind (so COPY copies them as the lesson
does); binary files keep their size.
"""

from __future__ import annotations

import shlex

from app.build.context import IMPLIED_DIR, ContextDir, ContextFile, ContextSymlink
from app.lessons.loader import Lesson, rebuilt_inputs
from app.lessons.model import BuildStep, ExecStep, RebuildStep, RunStep, ShowStep

from .state import ContextItem, State


def _image_of(lesson: Lesson, upto: list, containers: dict[str, str]) -> str | None:
    """The image the last of ``upto`` is about."""
    spec = upto[-1]
    if isinstance(spec, BuildStep):
        return spec.build
    if isinstance(spec, RunStep):
        return spec.image
    if isinstance(spec, ExecStep):
        return containers.get(spec.in_)
    if isinstance(spec, ShowStep) and spec.show:
        return spec.show[0]
    if isinstance(spec, RebuildStep):
        return spec.rebuild
    return None


def lesson_state(lesson: Lesson, spec_index: int) -> State | None:
    """The state of the lesson up to its ``spec_index``-th step (0-based), or None if it has no image."""
    upto = list(lesson.spec.steps[: spec_index + 1])
    containers = {s.run: s.image for s in upto if isinstance(s, RunStep)}
    image = _image_of(lesson, upto, containers)
    if image is None or image not in lesson.dockerfiles:
        return None
    commands, current = [], None
    for spec in upto:
        if isinstance(spec, RunStep) and spec.image == image:
            commands.append(f"docker run --name {spec.run} {spec.image}")
            current = spec.run
        elif isinstance(spec, ExecStep) and containers.get(spec.in_) == image:
            commands.append(spec.exec if spec.in_ == current else f"docker exec {spec.in_} sh -c {shlex.quote(spec.exec)}")
            current = spec.in_
    dockerfile, context = lesson.dockerfiles[image], lesson.contexts.get(image, {})
    edits = [spec for spec in upto if isinstance(spec, RebuildStep) and spec.rebuild == image]
    if edits:  # a rebuild step opens its edited Dockerfile and context, as the lesson builds it
        dockerfile, context = rebuilt_inputs(lesson, edits[-1])
    return State(dockerfile, _context_items(context), tuple(commands), image)


def _context_items(context: dict) -> tuple[ContextItem, ...]:
    """The lesson's context entries as playground items: files, folders and symlinks.

    A folder that holds entries and has the mode of an implied parent (0755) is left out:
    the build's tree is the same without it (app/build/context.py ``tree``), and a context
    read from a folder lists every directory, which would spend the link's entry limit."""
    items = []
    for name, entry in sorted(context.items()):
        if isinstance(entry, ContextDir) and entry == IMPLIED_DIR and any(p.startswith(name + "/") for p in context):
            continue
        if isinstance(entry, ContextDir):
            items.append(ContextItem(name, mode=f"{entry.mode & 0o7777:04o}", kind="folder"))
            continue
        if isinstance(entry, ContextSymlink):
            items.append(ContextItem(name, kind="symlink", target=entry.target))
            continue
        if not isinstance(entry, ContextFile):
            continue
        mode = f"{entry.mode & 0o7777:04o}"
        try:
            text = entry.data.decode() if entry.data is not None else None
        except UnicodeDecodeError:
            text = None
        items.append(ContextItem(name, text, 0 if text is not None else entry.size, mode))
    return tuple(items)


def frame_to_spec(played) -> list[int]:
    """For each frame of a played lesson, the index of the lesson step that made it."""
    lines = played.lesson.step_lines
    return [lines.index(frame.spec_line) if frame.spec_line in lines else 0 for frame in played.frames]


def lesson_step_state(played, number: int) -> tuple[State, int] | None:
    """The playground state of a played lesson's step ``number`` (1-based) and the playground step that shows it."""
    frame = played.frames[number - 1]
    spec_index = frame_to_spec(played)[number - 1]
    state = lesson_state(played.lesson, spec_index)
    if state is None:
        return None
    steps = played.builds[state.tag].steps if state.tag in played.builds else []
    if frame.cached is not None:  # a rebuild: the whole edited build (the playground has no cache marks)
        return state, len(steps)
    if frame.kind == "build":
        found = [i for i, s in enumerate(steps, 1) if s.line == frame.source_line and s.text == frame.command]
        return state, found[0] if found else 1
    return state, len(steps) + len(state.commands)
