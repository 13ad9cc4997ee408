"""The layer inspector's pages: a layer's or a container's files, one directory per request.

Wiring only: app/render/inspect.py makes the trees and app/render/efficiency.py
dive's figures. Every view has its own URL (a permalink that works without
JavaScript); htmx asks the same URL with ``HX-Request`` and gets the panel
alone, and a directory opened in the tree asks it with ``part=dir`` and gets
that directory's listing alone.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request as flask_request, url_for
from flask_babel import gettext as _
from htmx_flask import request

from app.lessons import is_lesson_id
from app.render import inspect
from app.render.efficiency import image_efficiency

from .caching import cacheable
from .pages import _played
from .query import current_lang, kept

bp = Blueprint("inspect", __name__)

VIEWS = ("changes", "merged")


# The query parameters an inspector page reads (beyond lang, terms and present): its ETag covers them.
INSPECTOR_ARGS = ("view", "sort", "dir", "part")


def _frame(lesson_id: str, number: int):
    if not is_lesson_id(lesson_id):
        abort(404)
    played = _played(lesson_id)
    if not 1 <= number <= len(played.frames):
        abort(404)
    return played, played.frames[number - 1]


@bp.get("/lessons/<lesson_id>/<int:number>/layers/<path:image>/<int:index>")
@cacheable(args=INSPECTOR_ARGS)
def layer(lesson_id: str, number: int, image: str, index: int):
    played, frame = _frame(lesson_id, number)
    found = next((i for i in frame.images + [c.image for c in frame.containers] if i.name == image), None)
    if found is None or not 0 <= index < len(found.layers):
        abort(404)

    def url(at: int, **query) -> str:
        return url_for("inspect.layer", lesson_id=lesson_id, number=number, image=image, index=at, **kept(**query))

    return _show(played, number, inspect.image_stack(found), index, url)


@bp.get("/lessons/<lesson_id>/<int:number>/containers/<name>")
@cacheable(args=INSPECTOR_ARGS)
def container(lesson_id: str, number: int, name: str):
    played, frame = _frame(lesson_id, number)
    found = next((c for c in frame.containers if c.name == name), None)
    if found is None:
        abort(404)
    stack = inspect.container_stack(found, _("container layer of %(name)s", name=name))
    top = len(stack.layers) - 1

    def url(at: int, **query) -> str:
        if at == top:
            return url_for("inspect.container", lesson_id=lesson_id, number=number, name=name, **kept(**query))
        return url_for("inspect.layer", lesson_id=lesson_id, number=number, image=found.image.name, index=at,
                       **kept(**query))

    return _show(played, number, stack, top, url)


def _show(played, number: int, stack: inspect.Stack, index: int, url):
    """One view of one layer: the page, the htmx panel, or one directory's listing.
    ``url(layer, **query)`` is the inspector's URL for a layer of this stack."""
    args = flask_request.args
    view = args.get("view") if args.get("view") in VIEWS else "changes"
    sort = args.get("sort") if args.get("sort") in inspect.SORTS else "name"
    directory = inspect.directory(args.get("dir", "/"))
    listing = inspect.changes if view == "changes" else inspect.merged
    entries = listing(stack, index, directory, sort)
    if entries is None:
        abort(404)

    def here(**changes) -> str:
        """This view's URL with ``changes`` (``at`` another layer)."""
        query = {"view": view, "sort": sort, "dir": directory, **changes}
        at = query.pop("at", index)
        return url(at, **{k: v for k, v in query.items() if not (k == "dir" and v == "/")})

    context = dict(
        lesson=played.lesson, number=number, stack=stack, index=index, view=view, sort=sort, directory=directory,
        entries=entries, here=here, crumbs=inspect.breadcrumbs(directory), lang=current_lang(),
        layer_size=inspect.layer_size(stack.layers[index]), file_count=inspect.count(stack, index),
        figures=image_efficiency(stack.layers), layer_size_of=inspect.layer_size,
        step_url=url_for("pages.step", lesson_id=played.lesson.id, step=number, **kept()),
    )
    if args.get("part") == "dir":
        template = "inspect_dir.html"
    elif request.htmx and not request.htmx.history_restore_request:
        template = "inspect_panel.html"
    else:
        template = "inspect.html"
    return render_template(template, **context), 200, {"Vary": "HX-Request, HX-History-Restore-Request"}
