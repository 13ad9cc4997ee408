"""The import page, /import: upload a `docker save` or OCI archive, see its layers, take the skeleton.

The same import as `layerlab import`, in the browser and without JavaScript: a multipart
form posts the archive; the body is bounded before it is read (413 over
``LAYERLAB_IMPORT_MAX_BYTES``), and its bytes go to the sandbox, whose worker parses them
under the pool's OS limits (app/imageio/upload.py), never this process. Nothing is kept:
the answer is a function of the uploaded bytes, and "Download" posts the skeleton's text
back to be returned as an attachment.
"""

from __future__ import annotations

import posixpath

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import secure_filename

from app import sandbox
from app.imageio import ArchiveError
from app.lessons import LessonError
from app.playground import State, StateError, encode
from app.render.sizes import human_size

from .query import current_lang, kept

bp = Blueprint("imports", __name__)
MAX_BYTES = 64_000_000  # the default bound of an upload (LAYERLAB_IMPORT_MAX_BYTES overrides it)
MAX_SKELETON_BYTES = 4 << 20  # a skeleton posted back to download
MAX_LABEL = 100


def _max_bytes() -> int:
    return int(current_app.config.get("LAYERLAB_IMPORT_MAX_BYTES", MAX_BYTES))


def _page(status: int = 200, **context) -> tuple[str, int]:
    return render_template("import.html", lang=current_lang(), max_bytes=_max_bytes(), **context), status


@bp.get("/import")
def page():
    return _page()


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_err):
    return _page(413, error=gettext("The upload is larger than %(n)s: it was not read.",
                                    n=human_size(request.max_content_length or _max_bytes())))


def _label(name: str | None) -> str:
    """The uploaded file's name, as messages show it (no folders, bounded)."""
    base = posixpath.basename((name or "").replace("\\", "/")).strip()
    return (base or "upload.tar")[:MAX_LABEL]


def _play_url(dockerfile: str) -> str | None:
    try:
        return url_for("play.page", s=encode(State(dockerfile=dockerfile)), **kept())
    except StateError:  # a Dockerfile over the playground's limits: no link
        return None


@bp.post("/import")
def upload():
    request.max_content_length = _max_bytes()  # before the body is read: werkzeug raises 413 past it
    archive = request.files.get("archive")
    if archive is None or not archive.filename:
        return _page(400, error=gettext("Choose a docker save or OCI archive (a .tar file) to import."))
    label = _label(archive.filename)
    try:
        imported = sandbox.import_upload(archive.read(), label)
    except ArchiveError as exc:
        return _page(400, error=str(exc), label=label)
    except LessonError as exc:  # a sandbox limit stopped the worker
        return _page(400, error="; ".join(p.message for p in exc.problems), label=label)
    return _page(label=label, imported=imported, play_url=_play_url(imported.dockerfile),
                 lesson_name=posixpath.splitext(label)[0] + ".yaml")


@bp.post("/import/lesson.yaml")
def download():
    """The skeleton posted back (edited or not) as a file to save: nothing is kept between the two posts."""
    request.max_content_length = MAX_SKELETON_BYTES
    text = request.form.get("skeleton", "")
    name = secure_filename(request.form.get("name", "")) or "lesson.yaml"
    response = Response(text, mimetype="application/yaml")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
