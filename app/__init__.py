"""layerlab: learn how Docker images and containers are built from layers.

``create_app`` is the Flask application factory (``gunicorn 'app:create_app()'``).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None):
    """Build the Flask app. Templates and static files live at the top level."""
    from flask import Flask

    from app.web import init_app

    flask_app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    flask_app.config.update(
        LAYERLAB_LESSONS=str(ROOT / "lessons"),
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "app" / "web" / "translations"),
        BABEL_DEFAULT_LOCALE="en",
    )
    if config:
        flask_app.config.update(config)
    init_app(flask_app)
    if flask_app.config.get("LAYERLAB_WARM", os.environ.get("LAYERLAB_WARM") == "1"):
        warm(Path(flask_app.config["LAYERLAB_LESSONS"]))
    return flask_app


def warm(lessons: Path) -> int:
    """Build and play every lesson now, so that no student waits for the first page.

    With ``gunicorn --preload`` this runs once in the master before the workers
    fork, and the workers share the played lessons' memory copy-on-write.
    Broken lessons are skipped here; their pages say what is wrong.
    """
    from app import sandbox
    from app.lessons import Lesson, LessonError
    from app.lessons.player import lesson_index

    count = 0
    for path, lesson in lesson_index(lessons):
        if isinstance(lesson, Lesson):
            try:
                sandbox.played(path)
                count += 1
            except LessonError:
                pass
    sandbox.shutdown()  # the cache stays; the workers do not outlive the warm-up (nor fork into gunicorn's)
    return count
