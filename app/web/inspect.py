"""The layer inspector's pages: a layer's or a container's files, one directory per request.

Wiring only: app/render/inspect.py makes the trees and app/render/efficiency.py
dive's figures. Every view has its own URL (a permalink that works without
JavaScript); htmx asks the same URL with ``HX-Request`` and gets the panel
alone, and a directory opened in the tree asks it with ``part=dir`` and gets
that directory's listing alone. ``find=`` (Find a file, app/render/find.py)
replaces the tree with the matches of both views; the search form is a plain
GET form, so its answer is a URL too.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request as flask_request, url_for
from flask_babel import gettext as _
from htmx_flask import request

from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from app.lessons import is_lesson_id
from app.render import find, inspect
from app.render.efficiency import image_efficiency
from app.render.history import history_table
from app.runtime import container_diff

from .caching import cacheable
from .pages import _played
from .query import current_lang, kept

bp = Blueprint("inspect", __name__)

VIEWS = ("changes", "merged")
URL_SAFE = "!$'()*,/:;@"      # what werkzeug's url_for leaves unquoted in a query value


# The query parameters an inspector page reads (beyond lang, terms and present): its ETag covers them.
INSPECTOR_ARGS = ("view", "sort", "dir", "part", "find")


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

    def url(at: int) -> str:
        return url_for("inspect.layer", lesson_id=lesson_id, number=number, image=image, index=at)

    return _show(played, number, inspect.image_stack(found), index, url, history=(found.name, history_table(found)))


@bp.get("/lessons/<lesson_id>/<int:number>/containers/<name>")
@cacheable(args=INSPECTOR_ARGS)
def container(lesson_id: str, number: int, name: str):
    played, frame = _frame(lesson_id, number)
    found = next((c for c in frame.containers if c.name == name), None)
    if found is None:
        abort(404)
    stack = inspect.container_stack(found, _("container layer of %(name)s", name=name))
    top = len(stack.layers) - 1

    def url(at: int) -> str:
        if at == top:
            return url_for("inspect.container", lesson_id=lesson_id, number=number, name=name)
        return url_for("inspect.layer", lesson_id=lesson_id, number=number, image=found.image.name, index=at)

    return _show(played, number, stack, top, url, history=(found.image.name, history_table(found.image)),
                 diff=container_diff(found))


def _show(played, number: int, stack: inspect.Stack, index: int, url, history, diff=None):
    """One view of one layer: the page, the htmx panel, or one directory's listing.
    ``url(layer)`` is the path of the inspector of a layer of this stack (asked once per layer: a
    listing has hundreds of links, and url_for costs as much as the rest of a row)."""
    args = flask_request.args
    view = args.get("view") if args.get("view") in VIEWS else "changes"
    sort = args.get("sort") if args.get("sort") in inspect.SORTS else "name"
    directory = inspect.directory(args.get("dir", "/"))
    search = args.get("find", "").strip()
    listing = inspect.changes if view == "changes" else inspect.merged
    entries = listing(stack, index, directory, sort)
    if entries is None:
        abort(404)

    paths: dict[int, str] = {}
    keep = kept()

    def here(**changes) -> str:
        """This view's URL with ``changes`` (``at`` another layer)."""
        query = {"view": view, "sort": sort, "dir": directory, "find": search or None, **changes}
        at = query.pop("at", index)
        if at not in paths:
            paths[at] = url(at)
        query = {k: v for k, v in {**keep, **query}.items() if v is not None and not (k == "dir" and v == "/")}
        return paths[at] + "?" + urlencode(query, safe=URL_SAFE, quote_via=quote)

    action = urlsplit(here(dir=None, find=None))
    context = dict(
        found=find.find(stack, index, view, search) if search else None, history=history, diff=diff,
        find_action=action.path, find_fields=[kv for kv in parse_qsl(action.query) if kv[0] != "find"],
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
