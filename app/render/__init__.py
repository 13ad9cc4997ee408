"""Engine state + a step's traces -> a diagram (DOT, then SVG or PNG).

Knows only ``app.engine`` types; web and CLI build a ``Scene`` and call
``scene_dot`` then ``to_svg``/``to_png``.
"""

from .output import to_png, to_svg
from .scene import Scene
from .dot import scene_dot

__all__ = ["Scene", "scene_dot", "to_svg", "to_png"]
