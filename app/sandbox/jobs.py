"""The jobs a worker runs: the one place that names the lesson and build functions.

This is the adapter the rest of the sandbox goes through, so that when the
play and build functions move only these lines change.
Each job is a module-level function, so the pool can send it by name.
"""

from __future__ import annotations

from pathlib import Path

from app.engine import Image
from app.imageio.download import gzipped_docker_save
from app.imageio.upload import Upload, read_upload
from app.lessons import Lesson, load_lesson
from app.lessons.player import PlayedLesson, play
from app.playground import State
from app.playground.play import PlayedState, play_state
from app.runtime import Runtime


def play_lesson(lesson: Lesson) -> PlayedLesson:
    """Build every image of a loaded lesson and play its steps."""
    return play(lesson)


def play_lesson_file(path: Path) -> PlayedLesson:
    """Load a lesson file and play it (what a page of that lesson needs)."""
    return play(load_lesson(path))


def build_dockerfile(text: str, context: dict, filename: str, name: str, target: str | None,
                     build_args: dict[str, str] | None = None, context_partial: bool = False):
    """Build one Dockerfile with its context (what ``layerlab build`` does)."""
    return Runtime().build(text, context, tag=name, filename=filename, target=target, build_args=build_args,
                           context_partial=context_partial)


def play_playground(state: State, previous: State | None = None) -> PlayedState:
    """Build a playground state's Dockerfile and run its commands (the worker's build cache is kept);
    ``previous``: the state before an edit, to mark each step CACHED or built again."""
    return play_state(state, previous=previous)


def save_image(image: Image, name: str, limit: int) -> bytes:
    """``docker save NAME | gzip`` of an image a page shows (raises TooLarge over ``limit`` bytes)."""
    return gzipped_docker_save(image, name, limit)


def import_upload(data: bytes, label: str) -> Upload:
    """Read an uploaded image archive (the import page): its layers' counts and the lesson skeleton."""
    return read_upload(data, label)
