"""``layerlab serve --watch``: the open page reloads itself when a lesson file changes.

The page polls ``/_watch/stamp`` (static/watch.js) for a short text computed
from the lesson folder's file names, times and sizes, and reloads when it
changes; the next request plays the edited lesson (or shows its problems). The
server keeps nothing: the stamp is a function of the files. Registered only
when ``LAYERLAB_WATCH`` is set, so a production server has no such endpoint.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify

from app.lessons.loader import lessons_stamp

bp = Blueprint("watch", __name__)


@bp.get("/_watch/stamp")
def stamp():
    response = jsonify(stamp=lessons_stamp(Path(current_app.config["LAYERLAB_LESSONS"])))
    response.headers["Cache-Control"] = "no-store"
    return response
