"""Engine state + a step's traces -> a diagram (DOT, then SVG or PNG), and its words.

Knows only ``app.engine`` types; web and CLI build a ``Scene`` and call
``scene_dot`` then ``to_svg``/``to_png``; ``describe`` gives the same
diagram as lines of text (its text alternative).
"""

from .output import to_png, to_svg
from .scene import Scene
from .dot import scene_dot
from .describe import describe

__all__ = ["Scene", "scene_dot", "to_svg", "to_png", "describe"]
