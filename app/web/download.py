"""Download an image a page shows: ``docker save``, gzip-compressed, for ``docker load``.

GET /lessons/<id>/<n>/image.tar.gz saves the image a lesson's build step made;
GET /play/image.tar.gz?s=STATE&step=N the one a playground build step made.
Wiring only: the archive is written by app/imageio in a sandbox worker. An image
holding more bytes than LAYERLAB_DOWNLOAD_MB (app config or environment) answers 413 with
a message before anything is written.
"""

from __future__ import annotations

import os

from flask import Blueprint, Response, abort, current_app, request as flask_request
from flask_babel import gettext as _

from app import sandbox
from app.imageio.download import DEFAULT_LIMIT_BYTES, TooLarge, download_tag
from app.lessons import LessonError
from app.playground import StateError, decode
from app.render.sizes import human_size

from .caching import cacheable
from .pages import _played

bp = Blueprint("download", __name__)
MB = 1024 * 1024


def limit_bytes() -> int:
    """The largest image (its bytes, as ``docker images`` counts them) a download may hold."""
    setting = current_app.config.get("LAYERLAB_DOWNLOAD_MB", os.environ.get("LAYERLAB_DOWNLOAD_MB"))
    return int(float(setting) * MB) if setting else DEFAULT_LIMIT_BYTES


def downloadable(image) -> bool:
    """Whether a page links ``image`` for download: under the limit (a larger one would answer 413)."""
    return image is not None and image.size <= limit_bytes()


def _no_image(message: str) -> Response:
    return Response(message + "\n", 404, mimetype="text/plain")


def _send(image) -> Response:
    name = download_tag(image.name)
    limit = limit_bytes()
    try:
        body = sandbox.save_image(image, image.name, limit)
    except TooLarge as exc:
        message = _("The image %(name)s holds %(size)s, more than the %(limit)s a download may hold "
                    "(LAYERLAB_DOWNLOAD_MB).", name=exc.name, size=human_size(exc.size), limit=human_size(limit))
        return Response(message + "\n", 413, mimetype="text/plain")
    except LessonError as exc:  # the sandbox stopped the job (a limit)
        return Response("; ".join(p.message for p in exc.problems) + "\n", 503, mimetype="text/plain")
    return Response(body, mimetype="application/gzip",
                    headers={"Content-Disposition": f'attachment; filename="{name}.tar.gz"'})


@bp.get("/lessons/<lesson_id>/<int:number>/image.tar.gz")
@cacheable()
def lesson_image(lesson_id: str, number: int):
    try:
        played = _played(lesson_id)
    except LessonError:
        abort(404)
    if not 1 <= number <= len(played.frames):
        abort(404)
    image = played.frames[number - 1].saved_image
    return _send(image) if image is not None else _no_image(_("This step builds no image to download."))


@bp.get("/play/image.tar.gz")
@cacheable(depends_on=lambda: [], args=("s", "step"))
def play_image():
    try:
        state = decode(flask_request.args.get("s", ""))
    except StateError as exc:
        return Response(str(exc) + "\n", 400, mimetype="text/plain")
    try:
        frames = sandbox.play_state(state).frames
    except LessonError as exc:
        return Response("; ".join(p.message for p in exc.problems) + "\n", 503, mimetype="text/plain")
    step = flask_request.args.get("step", "")
    number = int(step) if step.isdigit() else len(frames)
    image = frames[number - 1].saved_image if 1 <= number <= len(frames) else None
    return _send(image) if image is not None else _no_image(_("This step builds no image to download."))
