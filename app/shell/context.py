"""What a command sees while it runs: the tree, its environment, its streams.

``Context`` is the one object every simulated command receives, ours and the
package tool's (``packages.run(argv, ctx)`` from app/catalog). Its public part
is the contract with the package tool:

- ``ctx.fs``: the RUN step's union (the upper layer is the new layer) as a
  ``RecordingFS`` (app/shell/recorder.py): the engine's operations, each one
  recorded in the RUN's traces as it happens, failed or not; ``peek_*`` looks
  are not drawn; ``with ctx.fs.batch(op, note)`` merges many calls into one
  summary trace.
- ``ctx.env``: ``dict[str, str]``, the command's environment (exported
  variables plus ``A=1 cmd`` prefixes). Read it; changes do not flow back.
- ``ctx.cwd``: the absolute working directory.
- ``ctx.stdin``: what the command reads on standard input (text).
- ``ctx.out(text)`` / ``ctx.err(text)``: write to stdout / stderr (honouring
  the command's redirections and pipes).
- ``ctx.record(trace)``: add a trace made outside ``ctx.fs`` to the RUN's traces
  (in order; the diagram draws them; None is ignored). Also enforces the file
  and byte limits.
- ``ctx.not_simulated(command, hint)``: say that something was not simulated.
- ``ctx.limits``: the ``Limits`` of this RUN.
- ``ctx.path(p)``: ``p`` made absolute against ``ctx.cwd``.

Everything else on it (``shell``, helpers) is for the shell's own commands.

Why text streams: scripts mostly move text around; file bytes are decoded with
``surrogateescape`` so any byte survives the round trip unchanged.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.engine import Trace

from .recorder import LimitReached, RecordingFS

if TYPE_CHECKING:  # pragma: no cover
    from app.engine import UnionFS


@dataclass(frozen=True)
class Limits:
    """Safety limits per RUN; exceeding one ends the RUN (status 1, message in ``error``).

    Every one counts work (commands, iterations, bytes, files), checked where the
    work happens (each loop turn, each write to a stream, each variable set, each
    file write and path), never time: the same RUN stops at the same place on a
    fast machine and on a loaded one. Time (CPU and wall clock) is the sandbox's,
    enforced by the operating system (app/sandbox/limits.py).
    """

    max_loop_iterations: int = 10_000  # turns of while/until/for, all loops of the RUN together
    max_files: int = 200_000  # entries in the RUN's layer (files, folders, links, whiteouts)
    max_bytes: int = 2 * 1024**3  # bytes the RUN writes, its layer's size
    max_file_bytes: int = 256 * 1024**2  # bytes of one file (a write, an append, a > redirection)
    max_string_bytes: int = 16 * 1024**2  # one variable, $(...), pipe, printf field or heredoc
    max_output_bytes: int = 16 * 1024**2  # the RUN's own log (stdout and stderr each)
    max_steps: int = 100_000  # simple commands run
    max_path_bytes: int = 4096  # one path, as the kernel's PATH_MAX (ENAMETOOLONG beyond)


@dataclass
class NotSimulated:
    """A command layerlab did not run: shown to the student, never dropped silently."""

    command: str
    hint: str


@dataclass
class ShellResult:
    status: int
    stdout: str
    stderr: str
    traces: list[Trace]
    not_simulated: list[NotSimulated]
    error: str | None
    commands: list[str]
    failed_command: str | None = None


def decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


class RunRecord:
    """What one RUN accumulates, shared by every (sub)shell it starts."""

    def __init__(self, union: "UnionFS", limits: Limits, packages: Any = None):
        self.fs = RecordingFS(union, self.record, limits.max_path_bytes, limits.max_file_bytes)
        self.limits = limits
        self.packages = packages
        self.traces: list[Trace] = []
        self.not_simulated: list[NotSimulated] = []
        self.commands: list[str] = []
        self.steps = 0
        self.loop_iterations = 0
        self.bytes_written = 0
        self.counter = 0  # for mktemp names: deterministic, never random
        self.last_failed: str | None = None
        self.sh_dialect = "dash"  # what /bin/sh is in this tree (dash on Debian, ash on Alpine)
        self.strict_path = False  # every command must exist on PATH in the tree (see run())
        self.unknowns_before_last = 0  # not-simulated notes before the last simple command
        self.inherited_unknowns = 0  # 1 if earlier build steps were not fully simulated
        self.syntax_error = False  # a script (or sh -c text) sh would refuse to run
        self.strict = False  # a command's own exception is raised, not a "not simulated" note

    def record(self, trace: Trace | None) -> None:
        if trace is None:
            return
        self.traces.append(trace)
        self.bytes_written += trace.bytes_written
        if self.bytes_written > self.limits.max_bytes:
            raise LimitReached(f"this RUN wrote more than {self.limits.max_bytes} bytes "
                               f"(limit max_bytes)")
        if len(self.fs.upper) > self.limits.max_files:
            raise LimitReached(f"this RUN created more than {self.limits.max_files} files "
                               f"(limit max_files)")

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.limits.max_steps:
            raise LimitReached(f"this RUN ran more than {self.limits.max_steps} commands "
                               f"(limit max_steps)")

    def check_string(self, text: str, what: str) -> None:
        """One value (a variable, a field, a heredoc) may not grow past max_string_bytes."""
        if len(text) > self.limits.max_string_bytes:
            raise LimitReached(f"{what} grew past {self.limits.max_string_bytes} bytes "
                               f"(limit max_string_bytes)")

    def loop(self) -> None:
        self.loop_iterations += 1
        if self.loop_iterations > self.limits.max_loop_iterations:
            raise LimitReached(f"this RUN's loops ran more than {self.limits.max_loop_iterations} "
                               f"times (limit max_loop_iterations)")


class Context:
    """One command's view; see the module docstring for the public contract."""

    def __init__(self, shell: Any, argv: list[str], env: dict[str, str], stdin: str,
                 stdout: Any, stderr: Any):
        self.shell = shell
        self.run_record: RunRecord = shell.record
        self.fs = shell.record.fs
        self.limits = shell.record.limits
        self.argv = argv
        self.env = env
        self.cwd = shell.state.cwd
        self.stdin = stdin
        self._stdout = stdout
        self._stderr = stderr

    # -- contract ---------------------------------------------------------------
    def out(self, text: str) -> None:
        self._stdout.write(text)

    def err(self, text: str) -> None:
        self._stderr.write(text)

    def record(self, trace: Trace | None) -> None:
        self.run_record.record(trace)

    def not_simulated(self, command: str, hint: str) -> None:
        self.run_record.not_simulated.append(NotSimulated(command, hint))

    def path(self, p: str) -> str:
        return posixpath.join(self.cwd, p) if p else self.cwd

    def streams(self):
        """This command's stdin/stdout/stderr as an IO, for commands that start others."""
        from .streams import IO
        return IO(self.stdin, {1: self._stdout, 2: self._stderr})

    # -- helpers for the shell's commands ----------------------------------------
    def stat(self, path: str, follow: bool = True):
        """Stat without recording (existence checks are not drawn), or None."""
        return self.fs.peek_stat(path, follow)

    def read_text(self, path: str) -> str:
        return decode(self.fs.read(path))
