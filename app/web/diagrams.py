"""The step's diagram, with the page's glosses switch (terms in the other language) passed on.

On a lesson page (``linked``) every layer and container box links to its
inspector (app/web/inspect.py); the exported SVG and PNG carry no links.
"""

from __future__ import annotations

from flask import url_for

from app.lessons import player
from app.render.scene import Links

from .query import kept


def diagram(played, number: int, lang: str, fmt: str, glosses: bool, linked: bool = False) -> str | bytes:
    return player.diagram(played, number, lang, fmt, glosses=glosses, links=links(played.id, number) if linked else None)


def links(lesson_id: str, number: int) -> Links:
    """URL templates for one step's boxes: each layer and container opens its inspector."""
    layer = url_for("inspect.layer", lesson_id=lesson_id, number=number, image="IMAGE", index=0, **kept())
    container = url_for("inspect.container", lesson_id=lesson_id, number=number, name="CONTAINER", **kept())
    return Links(layer.replace("/IMAGE/0", "/{image}/{layer}", 1), container.replace("/CONTAINER", "/{container}", 1))
