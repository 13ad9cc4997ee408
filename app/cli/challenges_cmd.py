"""``layerlab check``'s half for challenges: each file valid, its solution reaching its goal.

Challenges live in a ``challenges/`` folder beside the lessons; checking a
lessons folder checks them too, and a file inside such a folder is checked as
a challenge, not a lesson.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.lessons import LessonError


def is_challenge_file(path: Path) -> bool:
    return path.is_file() and path.parent.name == "challenges"


def challenge_paths(targets: list[str]) -> list[Path]:
    from app.playground.challenges import challenge_files

    out: list[Path] = []
    for target in targets:
        path = Path(target)
        out.extend([path] if is_challenge_file(path) else challenge_files(path / "challenges") if path.is_dir() else [])
    return out


def check_challenges(targets: list[str]) -> tuple[int, int]:
    """Print every problem of the challenges under ``targets``; (challenges checked, problems)."""
    from app.playground.challenges import load_challenge, verify
    from app.sandbox import play_state

    paths = challenge_paths(targets)
    problems = 0
    for path in paths:
        try:
            found = verify(load_challenge(path), play_state)
        except LessonError as exc:
            found = exc.problems
        for problem in found:
            print(problem, file=sys.stderr)
        problems += len(found)
    return len(paths), problems
