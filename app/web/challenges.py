"""Challenges in the playground: /challenges/<id> opens one, and /play shows its goal while it is open.

Wiring only: the challenge files are read and their goals checked by
app/playground/challenges.py. The open challenge and how many hints are shown
are query parameters (``challenge``, ``hint``) that the playground's links and
forms keep, so a challenge page is still a pure function of the files and the URL.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, request, url_for

from app import sandbox
from app.lessons import is_lesson_id
from app.playground import encode
from app.playground.challenges import Challenge, challenge_files, find_challenge, grade_state, load_challenge
from app.lessons import LessonError

from .query import kept

bp = Blueprint("challenges", __name__)
KEPT = ("challenge", "hint")  # the playground's links keep these (app/web/play.py)


def _root() -> Path:
    return Path(current_app.config["LAYERLAB_LESSONS"]) / "challenges"


def _challenge(challenge_id: str) -> Challenge:
    found = find_challenge(challenge_id, _root()) if is_lesson_id(challenge_id) else None
    if found is None:
        abort(404)
    return found


@bp.get("/challenges/<challenge_id>")
def start(challenge_id: str):
    """Open a challenge: the playground with its starting Dockerfile and context."""
    challenge = _challenge(challenge_id)
    return redirect(url_for("play.page", s=encode(challenge.state("start")), challenge=challenge.id, **kept()))


@bp.get("/challenges/<challenge_id>/solution")
def solution(challenge_id: str):
    """The author's solution, in the playground, with the goal checked like any attempt."""
    challenge = _challenge(challenge_id)
    return redirect(url_for("play.page", s=encode(challenge.state("solution")), challenge=challenge.id,
                            hint=len(challenge.spec.hints), **kept()))


@bp.app_context_processor
def _challenge_list() -> dict:
    def challenge_list() -> list[Challenge]:
        out = []
        for path in challenge_files(_root()):
            try:
                out.append(load_challenge(path))
            except LessonError:
                continue  # layerlab check names the problem; the list shows the good ones
        return sorted(out, key=lambda c: (c.spec.order, c.id))
    return {"challenge_list": challenge_list}


def challenge_context(played) -> dict:
    """For the playground page: the open challenge, its goals checked on ``played``, the hints shown."""
    wanted = request.args.get("challenge", "")
    challenge = find_challenge(wanted, _root()) if is_lesson_id(wanted) else None
    if challenge is None:
        return {"challenge": None}
    needs_start = any(key == "image_unchanged" for key, _ in challenge.goals)
    start = sandbox.play_state(challenge.state("start")) if needs_start else None
    results = grade_state(challenge, played, start)
    hints = request.args.get("hint", "0")
    shown = min(int(hints), len(challenge.spec.hints)) if hints.isdigit() and len(hints) < 4 else 0
    return {"challenge": challenge, "goals": results, "solved": all(r.met for r in results), "hints_shown": shown}
