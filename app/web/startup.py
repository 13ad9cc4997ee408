"""What a worker does once when it starts, so that its first student does not wait for it.

Loading the lesson files (not playing them: that is LAYERLAB_WARM's job) and
compiling the page templates is cheap here and was most of a fresh worker's
first ``/``. Without ``--preload`` each gunicorn worker creates the app, and
so runs this, before it accepts a connection.

The sandbox's pool is started at a worker's first request, in the background
(``sandbox.start_in_background``), not here: with ``--preload`` this runs in
gunicorn's master, which forks the workers afterwards and must not own a pool.
The first request is most often ``/`` or a static file; by the time the
student opens a lesson step, the pool's workers are up with the catalog loaded.
"""

from __future__ import annotations

from pathlib import Path

import os

from flask import Flask

from app import sandbox
from app.lessons import player

TEMPLATES = ("index.html", "step.html", "_langs.html", "error.html", "not_found.html")


def prepare(app: Flask) -> None:
    player.lesson_index(Path(app.config["LAYERLAB_LESSONS"]))
    for name in TEMPLATES:
        app.jinja_env.get_template(name)
    app.before_request(_start_sandbox_once)


_started_in: set[int] = set()  # the processes whose pool has been started


def _start_sandbox_once() -> None:
    if os.getpid() not in _started_in:
        _started_in.add(os.getpid())
        sandbox.start_in_background()
