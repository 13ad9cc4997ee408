"""What a shell process owns and the signals that end what it runs.

Kept apart from the interpreter so the builtins, the redirections and the
command lookup can all name ``State`` and ``ExitShell`` without importing the
interpreter (and the interpreter none of them by a cycle).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .context import NotSimulated
from .syntax import Node

if TYPE_CHECKING:  # pragma: no cover
    from .context import RunRecord

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Commands dash runs itself: they need no file in the tree.
SHELL_BUILTINS = frozenset({"echo", "printf", "test", "[", "true", "false", "pwd", "kill"})
MAX_SCRIPT = 64 * 1024  # scripts in the tree larger than this (./configure) are not interpreted


def too_big_hint(name: str, size: int) -> str:
    return (f"`{name}` is a {size // 1024} KiB shell script (a generated one, like ./configure); "
            "layerlab interprets scripts up to 64 KiB, so the layer shows only what the other "
            "commands did")


class ExitShell(Exception):
    def __init__(self, status: int):
        self.status = status


class ReturnFromFunction(Exception):
    def __init__(self, status: int):
        self.status = status


class LoopControl(Exception):
    def __init__(self, kind: str, levels: int):
        self.kind = kind
        self.levels = levels


class RedirectError(Exception):
    pass


@dataclass
class State:
    """Everything a subshell copies and a real process would own."""

    vars: dict[str, str] = field(default_factory=dict)
    exported: set[str] = field(default_factory=set)
    cwd: str = "/"
    positional: list[str] = field(default_factory=list)
    functions: dict[str, Node] = field(default_factory=dict)
    errexit: bool = False
    xtrace: bool = False
    pipefail: bool = False
    nounset: bool = False
    noglob: bool = False
    umask: int = 0o022
    status: int = 0
    name: str = "/bin/sh"
    dialect: str = "dash"  # "dash" (Debian's /bin/sh), "bash", or "ash" (busybox, Alpine)

    def copy(self) -> "State":
        return State(dict(self.vars), set(self.exported), self.cwd, list(self.positional),
                     dict(self.functions), self.errexit, self.xtrace, self.pipefail, self.nounset,
                     self.noglob, self.umask, self.status, self.name, self.dialect)

    @property
    def bash(self) -> bool:
        """bash and busybox ash both know ``[[ ]]``, ``echo -e`` and ``pipefail``; dash does not."""
        return self.dialect in ("bash", "ash")

    def environment(self) -> dict[str, str]:
        return {k: v for k, v in self.vars.items() if k in self.exported}


def unknown_cause(record: RunRecord) -> str:
    """What layerlab could not simulate before a failure, in words."""
    if record.not_simulated:
        return f"`{record.not_simulated[0].command}`, which layerlab did not simulate"
    return "earlier build steps that layerlab could not fully simulate"


def note(command: str, hint: str) -> NotSimulated:
    return NotSimulated(command, hint)
