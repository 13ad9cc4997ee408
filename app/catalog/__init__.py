"""Base images and packages from real Debian data (and hand-made, flagged data for the rest).

Public API (app/build codes against it):

- ``base_image(ref) -> BaseImage | None``
- ``guess_distro(ref) -> str | None``
- ``placeholder_base(ref) -> BaseImage``
- ``package_tool(distro) -> PackageTool`` (``commands``, ``run(argv, ctx)``)
"""

from .images import BaseImage, base_image, guess_distro, placeholder_base
from .tools import PackageTool, package_tool

__all__ = ["BaseImage", "PackageTool", "base_image", "guess_distro", "package_tool", "placeholder_base"]
