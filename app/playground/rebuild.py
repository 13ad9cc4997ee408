"""After an edit and Build: which instructions ``docker build`` would print as CACHED.

The page is stateless, so "the build before" is the state the Build form came from
(its URL names it). That state's BuildKit keys (app/build/cache_keys.py) are what a
daemon that had just built it would hold; the new build is CACHED where its keys were
held, up to the first miss (each key holds its parent's). The previous state is built
again here (from the worker's build cache, so cheaply) rather than only parsed: BuildKit
keeps the keys of the steps that finished, none after a failed one, and only a build
says which step failed.
"""

from __future__ import annotations

from app.dockerfile.errors import DockerfileError
from app.lessons import player as lesson_player
from app.runtime import BuildCache, BuildError, Runtime

from .state import State


def keys_of(previous: State, cache: BuildCache, context: dict) -> set[str]:
    """The BuildKit keys a daemon holds after building ``previous`` (none if it did not build)."""
    if not previous.dockerfile.strip():
        return set()
    runtime = Runtime(cache=cache)
    try:
        runtime.build(previous.dockerfile, context, tag=previous.tag)
    except (DockerfileError, BuildError):
        return set()
    return set(runtime.cache_keys_seen)


def mark_frames(player: lesson_player.Player, tag: str, build_frames: int) -> list[bool | None]:
    """Per build frame: True CACHED, False built again, None no mark (FROM, config-only ones).

    Each build frame's diagram gets the marks of its image's history rows (``Frame.cached``)."""
    result = player.builds[tag]
    report = player.runtime.cache_report.get(tag, [])
    by_place = {(step.stage, step.line): hit for step, hit in report}
    final = result.image
    rows = lesson_player.history_cached(final, report, result)
    marks = []
    for frame, step in zip(player.frames[:build_frames], result.steps):
        history = frame.images[0].history if frame.images else []
        if history == final.history[:len(history)]:
            frame.cached = rows[:len(history)]
        marks.append(None if step.keyword == "FROM" else by_place.get((step.stage, step.line)))
    return marks
