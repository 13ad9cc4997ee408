"""Pages: the lesson list, one step of a lesson, and a step's diagram as SVG or PNG.

A step is a full page on first load; htmx's Next/Previous ask for the same URL
with an ``HX-Request`` header and get only the step panel, then push the URL,
so Back, Reload and permalinks all work. Without JavaScript the links are plain
links and every page still works.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request as flask_request, url_for
from markupsafe import escape
from htmx_flask import request
from jinja2_fragments.flask import render_block

from app import sandbox
from app.lessons import Lesson, LessonError, is_lesson_id
from app.lessons.loader import meant_for
from app.lessons import player
from app.lessons.summary import step_count

from .ask import ANSWER, question_context
from .caching import cacheable
from .describe import describe
from .diagrams import diagram
from .navigation import next_lesson
from .query import current_lang, glosses_on, kept

bp = Blueprint("pages", __name__)

STEP = re.compile(r"\A(?P<n>[0-9]{1,6})(?:\.(?P<fmt>svg|png))?\Z")


def _root() -> Path:
    return Path(current_app.config["LAYERLAB_LESSONS"])


@bp.get("/")
@cacheable()
def index():
    lang = current_lang()
    entries = []
    for path, lesson in player.lesson_index(_root()):
        if isinstance(lesson, Lesson):
            entries.append({"lesson": lesson, "steps": step_count(lesson), "problems": []})
        else:
            entries.append({"lesson": None, "path": path.name, "problems": lesson.problems})
    return render_template("index.html", entries=entries, lang=lang)


def _played(lesson_id: str):
    if not is_lesson_id(lesson_id):
        abort(404)
    path = player.find(_root(), lesson_id)
    if path is None:
        for broken, lesson in player.lesson_index(_root()):  # a lesson being edited: its problems, not a 404
            if isinstance(lesson, LessonError) and meant_for(broken, lesson_id):
                raise lesson
        abort(404)
    return sandbox.played(path)


@bp.get("/lessons/<lesson_id>")
@bp.get("/lessons/<lesson_id>/")
def lesson_start(lesson_id: str):
    _played_or_problems(lesson_id)
    return redirect(url_for("pages.step", lesson_id=lesson_id, step="1", **kept()))


@bp.get("/lessons/<lesson_id>/go")
def go(lesson_id: str):
    """The step scrubber without JavaScript: a GET form that names the step."""
    _played_or_problems(lesson_id)
    wanted = flask_request.args.get("step", "1")
    return redirect(url_for("pages.step", lesson_id=lesson_id, step=wanted if wanted.isdigit() else "1", **kept()))


def _played_or_problems(lesson_id: str):
    try:
        return _played(lesson_id), None
    except LessonError as exc:
        return None, exc


@bp.get("/lessons/<lesson_id>/<step>")
@cacheable(args=(ANSWER,))
def step(lesson_id: str, step: str):
    lang = current_lang()
    match = STEP.match(step)
    if not match:
        abort(404)
    played, problem = _played_or_problems(lesson_id)
    if problem is not None:
        return render_template("error.html", lang=lang, problems=problem.problems), 422
    number = int(match["n"])
    if not 1 <= number <= len(played.frames):
        abort(404)
    fmt = match["fmt"]
    if fmt == "svg":
        svg = diagram(played, number, lang, "svg", glosses_on())
        return Response(svg, mimetype="image/svg+xml")
    if fmt == "png":
        png = diagram(played, number, lang, "png", glosses_on())
        return Response(png, mimetype="image/png",
                        headers={"Content-Disposition": f'inline; filename="{lesson_id}-step{number}.png"'})

    context = dict(
        played=played,
        lesson=played.lesson,
        frame=played.frames[number - 1],
        number=number,
        total=len(played.frames),
        svg=diagram(played, number, lang, "svg", glosses_on(), linked=True),
        description=describe(played.frames[number - 1], lang, played.lesson.spec.kernel),
        next_lesson=next_lesson(_root(), lesson_id) if number == len(played.frames) else None,
        dockerfiles=played.lesson.dockerfiles,
        lang=lang,
        **question_context(played.frames[number - 1]),
    )
    if request.htmx and not request.htmx.history_restore_request:
        # htmx takes the page title from a <title> in the swapped content.
        title = f"<title>{escape(_title(played.lesson, number, lang))}</title>"
        # ... and the language switch, out of band, so that it keeps the new step.
        langs = render_template("_langs.html", lang=lang, oob=True)
        response = Response(title + render_block("step.html", "step_panel", **context) + langs)
    else:
        response = Response(render_template("step.html", **context))
    response.headers["Vary"] = "HX-Request, HX-History-Restore-Request"
    return response


def _title(lesson: Lesson, number: int, lang: str) -> str:
    return f"{lesson.spec.title.get(lang)} · {number} · layerlab"
