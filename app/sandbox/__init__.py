"""Untrusted work (builds, lesson plays) in worker processes with hard limits.

    from app import sandbox
    played = sandbox.played(path)          # a lesson page: cached per process, played in a worker
    played = sandbox.play(lesson)          # `layerlab check`
    played = sandbox.play_state(state)     # a playground page: played in a worker, the last few kept here
    result = sandbox.build(text, context, filename=..., name=..., target=...)
    body = sandbox.save_image(image, name, limit)   # a download: docker save, gzip-compressed
    upload = sandbox.import_upload(data, label)  # an uploaded image archive; ArchiveError if refused

Every call may raise LimitExceeded (limit = cpu, memory, wall or output), a
LessonError whose one problem says which limit stopped the job. Bundled lessons
go through the same path; only the cache makes them cheap.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from app.lessons import Lesson, LessonError

from . import jobs
from .affinity import prefixes
from .limits import Limits
from .pool import LimitExceeded, SandboxError, WorkerDied, run, shutdown, start_in_background

__all__ = ["Limits", "LimitExceeded", "SandboxError", "WorkerDied", "build", "import_upload", "play", "play_state",
           "played", "run", "save_image", "shutdown", "start_in_background"]


def play(lesson: Lesson, limits: Limits | None = None):
    """Play a loaded lesson in a worker."""
    return run(jobs.play_lesson, lesson, limits=limits, where=(str(lesson.path), lesson.id_line),
               description=f"building and playing lesson '{lesson.id}' did not finish")


def build(text: str, context: dict, *, filename: str, name: str, target: str | None = None,
          limits: Limits | None = None, build_args: dict[str, str] | None = None, context_partial: bool = False):
    """Build a Dockerfile in a worker; the build's result, or its error raised here."""
    return run(jobs.build_dockerfile, text, context, filename, name, target, build_args, context_partial,
               limits=limits, where=(filename, 1), description=f"building {filename} did not finish",
               affinity=prefixes(("build", name), text.split("\n"), (sorted(context.items()), target, build_args)))


def save_image(image, name: str, limit: int, limits: Limits | None = None) -> bytes:
    """An image as a gzip-compressed ``docker save`` archive, written in a worker (TooLarge over ``limit``)."""
    return run(jobs.save_image, image, name, limit, limits=limits, where=(name, 1),
               description=f"saving image {name!r} did not finish")


def import_upload(data: bytes, label: str, limits: Limits | None = None):
    """Parse an uploaded image archive in a worker (never in the web process); its ``Upload`` summary."""
    return run(jobs.import_upload, data, label, limits=limits, where=(label, 1),
               description=f"reading the image archive {label} did not finish")


# -- a per-process cache: a lesson's pages are pure functions of its files ---------
_cache: dict[Path, tuple[tuple, object]] = {}


def _folder_stamp(path: Path) -> tuple:
    """Changes whenever the lesson file or anything beside it changes."""
    stamp = []
    for p in sorted(path.parent.rglob("*")):
        try:
            info = p.stat()
        except OSError:  # a dangling link or an unreadable entry: it still counts as "there"
            info = None
        stamp.append((str(p), info and info.st_mtime_ns, info and info.st_size))
    return tuple(stamp)


def played(path: Path | str, limits: Limits | None = None):
    """Load and play a lesson file in a worker, cached in this process until a file changes.

    A failure (LessonError, LimitExceeded) is cached too, and raised again."""
    path = Path(path).resolve()
    stamp = _folder_stamp(path)
    hit = _cache.get(path)
    if hit is None or hit[0] != stamp:
        try:
            value = run(jobs.play_lesson_file, path, limits=limits, where=(str(path), 1),
                        description=f"building and playing {path.name} did not finish")
        except LessonError as exc:
            value = exc
        _cache[path] = hit = (stamp, value)
    if isinstance(hit[1], LessonError):
        raise hit[1]
    return hit[1]


# -- playground states: a page is a pure function of its URL, so the last few are kept ----
_states: OrderedDict = OrderedDict()
STATES_KEPT = 64


def state_prefixes(state) -> list[str]:
    """A playground state's input prefixes: the tag, the Dockerfile line by line, the context (not the
    commands, which build nothing); so a follow-up state goes to the worker whose cache holds its image."""
    return prefixes(("playground", state.tag), state.dockerfile.split("\n"), (state.context,))


def play_state(state, limits: Limits | None = None, previous=None):
    """Play a playground state in a worker; the last STATES_KEPT results (and failures) are kept.

    ``previous``: the state before an edit (CACHED marks). A LimitExceeded is raised (and
    kept) like any other LessonError."""
    key = (state, previous)
    if key in _states:
        _states.move_to_end(key)
    else:
        try:
            value = run(jobs.play_playground, state, previous, limits=limits, where=("Dockerfile", 1),
                        description="building and running this playground did not finish",
                        affinity=state_prefixes(state))
        except LessonError as exc:
            value = exc
        _states[key] = value
        while len(_states) > STATES_KEPT:
            _states.popitem(last=False)
    value = _states[key]
    if isinstance(value, LessonError):
        raise value
    return value
