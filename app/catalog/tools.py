"""``package_tool(distro)``: the object the shell hands package-manager commands to.

Why one object per distribution: ``apt-get`` means something on Debian and
Ubuntu, ``apk`` on Alpine, ``yum`` on CentOS; the shell asks the tool which
commands it takes (``commands``) and calls ``run(argv, ctx)``. Anything else
(``apt-get`` on Alpine) is the shell's "command not found", as in a real image.
"""

from __future__ import annotations

from typing import Any, Protocol

from .approx_tools import ApkTool, PipTool, YumTool
from .pip import PipTool as RealPipTool
from .apt import AptTool
from .locales import LocaleTool
from .npm import NpmTool


class PackageTool(Protocol):
    commands: frozenset[str]

    def run(self, argv: list[str], ctx: Any) -> int: ...


class CombinedTool:
    """Several tools behind one ``commands`` set (the distro's manager plus pip)."""

    def __init__(self, *tools: Any):
        self.tools = tools
        self.commands = frozenset().union(*(t.commands for t in tools))

    def run(self, argv: list[str], ctx: Any) -> int:
        name = argv[0].rsplit("/", 1)[-1]
        for tool in self.tools:
            if name in tool.commands:
                return tool.run(argv, ctx)
        ctx.err(f"sh: 1: {name}: not found\n")
        return 127


def package_tool(distro: str) -> CombinedTool:
    """The package tool of ``distro`` ("debian", "ubuntu", "alpine", "centos", "busybox")."""
    if distro == "debian":
        return CombinedTool(AptTool(), LocaleTool(), RealPipTool(distro), NpmTool())
    if distro == "ubuntu":
        # Ubuntu images carry apt and dpkg; the package data is Debian bookworm's (approximate).
        return CombinedTool(AptTool(distro="ubuntu"), LocaleTool(), RealPipTool(distro), NpmTool())
    if distro == "alpine":
        return CombinedTool(ApkTool(), PipTool(distro), NpmTool())
    if distro == "centos":
        return CombinedTool(YumTool(), PipTool(distro), NpmTool())
    return CombinedTool()  # busybox: no package manager
