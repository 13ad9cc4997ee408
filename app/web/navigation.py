"""Where a lesson's last step leads: the next lesson in the course, in the index's order."""

from __future__ import annotations

from pathlib import Path

from app.lessons import Lesson
from app.lessons import player


def next_lesson(root: Path, lesson_id: str) -> Lesson | None:
    lessons = [lesson for _, lesson in player.lesson_index(root) if isinstance(lesson, Lesson)]
    ids = [lesson.id for lesson in lessons]
    if lesson_id not in ids:
        return None
    after = ids.index(lesson_id) + 1
    return lessons[after] if after < len(lessons) else None
