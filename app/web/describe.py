"""A diagram as words, for screen readers and for "Describe this diagram".

The text alternative itself is render's (``app.render.describe``): the page
only asks for it with the scene the diagram is drawn from, so the words and
the picture can never disagree.
"""

from __future__ import annotations

from app.render import describe as describe_scene


def describe(frame, lang: str, kernel: str) -> list[str]:
    """Lines that say what the diagram of ``frame`` shows, top to bottom, then what the step did."""
    text = describe_scene(frame.scene(lang, kernel), lang)
    return [line for line in text.splitlines() if line.strip()] if isinstance(text, str) else list(text)
