"""Lessons: plain files in lessons/, loaded, validated and played step by step."""
from .loader import LESSONS_DIR, Lesson, LessonError, Problem, lesson_files, load_lesson  # noqa: F401
from .model import LANGS, Text, is_lesson_id  # noqa: F401
