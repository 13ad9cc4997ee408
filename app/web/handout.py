"""A lesson's handout: every step on its own A4 page, for course notes and ``layerlab export handout``.

One standalone HTML page (its stylesheet and diagrams inline, so that the file
saved alone still prints): title, summary, and for each step the diagram, the
command, the narration and the Dockerfile with the step's lines marked. Like
every page it is a function of the lesson files and the URL (``lang``,
``per_page`` 1 or 2).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from pathlib import Path

from app import sandbox
from app.lessons import LessonError, is_lesson_id
from app.lessons import player

from .diagrams import diagram
from .query import current_lang, glosses_on

bp = Blueprint("handout", __name__)

@bp.get("/lessons/<lesson_id>/handout")
def handout(lesson_id: str):
    lang = current_lang()
    path = player.find(Path(current_app.config["LAYERLAB_LESSONS"]), lesson_id) if is_lesson_id(lesson_id) else None
    if path is None:
        abort(404)
    try:
        played = sandbox.played(path)
    except LessonError as exc:
        return render_template("error.html", lang=lang, problems=exc.problems), 422
    per_page = 2 if request.args.get("per_page") == "2" else 1
    steps = [
        {"number": n, "frame": frame, "svg": diagram(played, n, lang, "svg", glosses_on())}
        for n, frame in enumerate(played.frames, 1)
    ]
    return render_template("handout.html", played=played, lesson=played.lesson, steps=steps, lang=lang,
                           per_page=per_page, style=(Path(current_app.static_folder) / "handout.css").read_text(encoding="utf-8"),
                           dockerfiles=played.lesson.dockerfiles)
