"""The step's diagram, with the page's glosses switch passed on when render can take it.

``player.diagram`` draws a step for a language; the glosses switch (terms in the
other language on labels) is the render side's ``Scene`` field. Until the player
accepts it this passes only what it accepts, so the switch is in every URL now and
reaches the drawing the day the player grows a ``glosses`` parameter.
"""

from __future__ import annotations

import inspect

from app.lessons import player


def diagram(played, number: int, lang: str, fmt: str, glosses: bool) -> str | bytes:
    if "glosses" in inspect.signature(player.diagram).parameters:
        return player.diagram(played, number, lang, fmt, glosses=glosses)
    return player.diagram(played, number, lang, fmt)
