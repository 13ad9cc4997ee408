"""What a worker does once when it starts, so that its first student does not wait for it.

Loading the lesson files (not playing them: that is LAYERLAB_WARM's job) and
compiling the page templates is cheap here and was most of a fresh worker's
first ``/``. Without ``--preload`` each gunicorn worker creates the app, and
so runs this, before it accepts a connection.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from app.lessons import player

TEMPLATES = ("index.html", "step.html", "_langs.html", "error.html", "not_found.html")


def prepare(app: Flask) -> None:
    player.lesson_index(Path(app.config["LAYERLAB_LESSONS"]))
    for name in TEMPLATES:
        app.jinja_env.get_template(name)
