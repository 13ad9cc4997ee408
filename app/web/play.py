"""The playground page, /play: a Dockerfile, its context and commands, all in the URL.

GET /play?s=STATE&step=N draws step N of the played state (the last by
default). Build and Run are POST forms that answer 303 with the new state's
URL, so they work without JavaScript and Back and Reload do what they should;
with htmx (an ``HX-Request``) the answer is the panel alone and an
``HX-Push-Url`` header. The state is decoded and played by app.playground in
the sandbox; this module only wires requests to it.
"""

from __future__ import annotations

from flask_babel import gettext
from flask import Blueprint, Response, g, redirect, render_template, request as flask_request, url_for
from htmx_flask import request
from jinja2_fragments.flask import render_block
from markupsafe import escape

from app import sandbox
from app.lessons import LessonError
from app.lessons import player as lesson_player
from app.playground import State, StateError, decode, encode
from app.playground.form import built_state, run_state
from app.playground.from_lesson import lesson_step_state

from . import challenges
from .describe import describe
from .query import current_lang, glosses_on, kept

bp = Blueprint("play", __name__)
EMPTY = State()


@bp.url_defaults
def _keep_state(endpoint: str, values: dict) -> None:
    """Links of a playground page (the language switch too) keep its state and step unless they name their own."""
    if not endpoint.startswith("play.") or not flask_request or not (flask_request.endpoint or "").startswith("play."):
        return
    encoded = g.get("play_encoded", flask_request.args.get("s"))
    if "s" not in values and encoded:
        values["s"] = encoded
    step = g.get("play_step", flask_request.args.get("step"))
    if endpoint == "play.page" and "step" not in values and step:
        values["step"] = step
    previous = g.get("play_prev", flask_request.args.get("prev"))  # the state before an edit: marks stay
    if endpoint in ("play.page", "play.diagram") and "prev" not in values and previous and values.get("s") == encoded:
        values["prev"] = previous
    for name in challenges.KEPT:  # an open challenge stays open through Build and Run
        if name not in values and flask_request.args.get(name):
            values[name] = flask_request.args[name]


@bp.get("/play/build")
@bp.get("/play/run")
def back_to_page():
    """A language switch on a page that answered a form: the same state, as a page."""
    return redirect(url_for("play.page", **flask_request.args.to_dict()), 303)


def play_url(played, number: int) -> str | None:
    """The /play URL of a lesson step ("Open in playground"), or None if the step has no image."""
    found = lesson_step_state(played, number)
    if found is None:
        return None
    state, step = found
    try:
        return url_for("play.page", s=encode(state), step=step, **kept())
    except StateError:
        return None


def _state_arg() -> tuple[State, str | None]:
    text = flask_request.args.get("s") or flask_request.form.get("s") or ""
    if not text:
        return EMPTY, None
    try:
        return decode(text), None
    except StateError as exc:
        return EMPTY, str(exc)


def _step_arg(total: int) -> int:
    wanted = flask_request.args.get("step", "")
    return int(wanted) if wanted.isdigit() and 1 <= int(wanted) <= total else total


def _previous_arg() -> State | None:
    """The state the last Build came from (``prev=``), whose build the CACHED marks compare with."""
    try:
        return decode(flask_request.args["prev"]) if flask_request.args.get("prev") else None
    except StateError:  # a damaged prev= only loses the marks
        return None


def _played(state: State, previous: State | None = None):
    """The played state, or the sandbox's message (a limit that stopped the job)."""
    if state == EMPTY:
        return None, None
    try:
        return sandbox.play_state(state, previous=previous), None
    except LessonError as exc:
        return None, "; ".join(p.message for p in exc.problems)


@bp.get("/play")
def page():
    state, error = _state_arg()
    played, limit = _played(state, _previous_arg())
    return _respond(state, played, error or limit, 400 if error else 200)


@bp.post("/play/build")
def build():
    previous, error = _state_arg()
    try:
        state = built_state(flask_request.form.to_dict(flat=False), previous)
    except StateError as exc:
        return _respond(previous, _played(previous)[0], str(exc), 422, focus="dockerfile")
    return _go(state, focus="dockerfile", previous=previous if previous != EMPTY else None)


@bp.post("/play/run")
def run():
    previous, error = _state_arg()
    try:
        state = run_state(flask_request.form.to_dict(flat=False), previous)
    except StateError as exc:
        return _respond(previous, _played(previous)[0], error or str(exc), 422, focus="command")
    return _go(state, focus="command")


def _go(state: State, focus: str, previous: State | None = None) -> Response:
    """After Build or Run: the new state's URL (303 See Other), or for htmx the panel and that URL.
    After a Build the URL names the state it came from too (``prev=``), for the CACHED marks."""
    try:
        url = url_for("play.page", s=encode(state), prev=encode(previous) if previous else None, **kept())
    except StateError as exc:
        return _respond(state, None, str(exc), 422, focus=focus)
    if request.htmx:
        g.play_prev = encode(previous) if previous else None
        played, limit = _played(state, previous)
        response = _respond(state, played, limit, 200, focus=focus)
        response.headers["HX-Push-Url"] = url
        return response
    return redirect(url, 303)


@bp.get("/play/diagram.<fmt>")
def diagram(fmt: str):
    state, error = _state_arg()
    played, limit = _played(state, _previous_arg())
    if fmt not in ("svg", "png") or error or limit or played is None or not played.frames:
        return Response("no diagram: " + (error or limit or "nothing built"), 404, mimetype="text/plain")
    number = _step_arg(len(played.frames))
    body = lesson_player.diagram(played.played, number, current_lang(), fmt, glosses=glosses_on())
    return Response(body, mimetype="image/svg+xml" if fmt == "svg" else "image/png")


def _respond(state: State, played, error: str | None, status: int, focus: str | None = None) -> Response:
    lang = current_lang()
    frames = played.frames if played else []
    number = _step_arg(len(frames)) if frames else 0
    frame = frames[number - 1] if frames else None
    g.play_encoded, g.play_step = _encoded(state), str(number) if number else None
    context = dict(
        lang=lang, state=state, played=played, error=error, frames=frames, number=number, total=len(frames),
        frame=frame, encoded=_encoded(state), problem=played.problem if played else None, focus=focus,
        cached=played.cached if played else None,
        svg=lesson_player.diagram(played.played, number, lang, "svg", glosses=glosses_on()) if frame else None,
        description=describe(frame, lang, played.played.lesson.spec.kernel) if frame else [],
        lines=state.dockerfile.split("\n"),
        **challenges.challenge_context(played),
    )
    if request.htmx and not request.htmx.history_restore_request:
        title = f"<title>{escape(_title(number, lang))}</title>"
        langs = render_template("_langs.html", lang=lang, oob=True)  # the language switch keeps the new state
        body = title + render_block("play.html", "play_panel", **context) + langs
    else:
        body = render_template("play.html", **context)
    response = Response(body, status)
    response.headers["Vary"] = "HX-Request, HX-History-Restore-Request"
    return response


def _encoded(state: State) -> str:
    try:
        return encode(state) if state != EMPTY else ""
    except StateError:
        return ""


def _title(number: int, lang: str) -> str:
    name = gettext("Playground")
    return f"{name} · {number} · layerlab" if number else f"{name} · layerlab"
