"""The step's diagram, with the page's glosses switch (terms in the other language) passed on."""

from __future__ import annotations

from app.lessons import player


def diagram(played, number: int, lang: str, fmt: str, glosses: bool) -> str | bytes:
    return player.diagram(played, number, lang, fmt, glosses=glosses)
