"""``docker exec``: a command line through the safe shell, in a container's filesystem.

Written once, here: the lesson player, the CLI and the web playground all
come through ``exec_in``. The command sees the image's Env (plus HOME),
starts in its WorkingDir, and finds the package managers of the image's
distribution; everything it writes goes to the container's own upper layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app import shell
from app.build import package_tool
from app.engine import Container, Trace, UnionFS


@dataclass
class ExecResult:
    """What ``docker exec CONTAINER sh -c COMMAND`` gave back, and what it did."""

    container: str
    command: str
    status: int
    stdout: str = ""
    stderr: str = ""
    traces: list[Trace] = field(default_factory=list)
    not_simulated: list[Any] = field(default_factory=list)  # shell NotSimulated records
    commands: list[str] = field(default_factory=list)  # each simple command the shell ran
    notes: list[str] = field(default_factory=list)  # for the student: "not simulated: make install"

    @property
    def uncertain(self) -> bool:
        """Part of the command was not simulated: the result stands in for Docker's."""
        return bool(self.not_simulated)

    @property
    def output(self) -> str:
        """What the terminal shows: stdout, then stderr."""
        return self.stdout + self.stderr


def exec_in(container: Container, command: str) -> ExecResult:
    """Run ``command`` in ``container``; its writes land in ``container.upper``."""
    image = container.image
    fs = UnionFS(list(image.layers), container.upper)
    env = image.env
    env.setdefault("HOME", "/root")
    result = shell.run(command, fs, env=env, cwd=image.config.get("WorkingDir") or "/",
                       packages=package_tool(image.distro))
    return ExecResult(
        container=container.name, command=command, status=result.status,
        stdout=result.stdout or "", stderr=result.stderr or "", traces=list(result.traces),
        not_simulated=list(result.not_simulated), commands=list(result.commands),
        notes=[f"not simulated: {n.command}" for n in result.not_simulated],
    )
