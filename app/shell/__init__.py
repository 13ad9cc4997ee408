"""RUN without running: a POSIX sh interpreter that acts only on the union filesystem.

Nothing a user types is ever executed on the host: no process is started, no
Python is evaluated, no network is used. Commands layerlab knows are simulated
against the ``UnionFS`` (so their changes land in its upper layer, with every
engine trace recorded for the diagram); commands it does not know are listed in
``not_simulated`` with a hint, never executed, never silently dropped.

    run(script, fs, env=..., cwd=..., packages=..., limits=...) -> ShellResult
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any, Sequence

from app.engine import normalize

from . import builtins, shell_programs
from .commands import REGISTRY
from .context import Context, Limits, LimitReached, NotSimulated, RunRecord, ShellResult
from .dispatch import Handlers
from .interpreter import Shell
from .state import DEFAULT_PATH, State, unknown_cause
from .recorder import RecordingFS
from .streams import IO, Buffer

if TYPE_CHECKING:  # pragma: no cover
    from app.engine import UnionFS

__all__ = ["run", "ShellResult", "NotSimulated", "Limits", "Context"]
WINDOWS_SHELLS = {"powershell", "powershell.exe", "pwsh", "pwsh.exe", "cmd", "cmd.exe"}
# What a name runs, handed to every Shell (the interpreter imports none of these).
HANDLERS = Handlers(special=builtins.SPECIAL, regular=builtins.REGULAR,
                    commands={**REGISTRY, **shell_programs.PROGRAMS})


def _dialect_of(fs: RecordingFS, shell_path: str) -> str:
    """What ``shell_path`` is in this tree: Debian links /bin/sh to dash, Alpine to busybox."""
    name = posixpath.basename(shell_path)
    if name in ("bash", "dash", "ash"):
        return name
    base = posixpath.basename(fs.peek_readlink(shell_path) or "")
    if base == "busybox":
        return "ash"
    if base == "bash":
        return "bash"
    return "dash"


def _refused(script: str, shell_argv: list[str], record: RunRecord) -> ShellResult | None:
    """The RUNs that never start: a Windows shell, or (strict_path) a shell missing from the tree."""
    if posixpath.basename(shell_argv[0].replace("\\", "/")).lower() in WINDOWS_SHELLS:
        note = NotSimulated(script, f"`{shell_argv[0]}` is a Windows shell: layerlab simulates "
                                    "POSIX sh only, so this RUN changes nothing in the layer")
        return ShellResult(status=0, stdout="", stderr="", traces=[], not_simulated=[note],
                           error=None, commands=[], failed_command=None)
    if record.strict_path and shell_argv[0].startswith("/") and not record.fs.exists(shell_argv[0]):
        shown = " ".join(shell_argv + [script])
        error = (f'process "{shown}" did not complete successfully: runc run failed: unable to '
                 f'start container process: exec: "{shell_argv[0]}": stat {shell_argv[0]}: '
                 "no such file or directory")
        return ShellResult(status=127, stdout="", stderr="", traces=[], not_simulated=[],
                           error=error, commands=[], failed_command=shell_argv[0])
    return None


def run(script: str, fs: "UnionFS", *, env: dict[str, str] | None = None, cwd: str = "/",
        packages: Any = None, limits: Limits | None = None,
        shell: Sequence[str] | None = None, strict_path: bool = False,
        after_unknowns: bool = False, strict: bool = False) -> ShellResult:
    """Simulate ``RUN <script>`` (``/bin/sh -c <script>``) against ``fs``.

    ``shell`` is the SHELL instruction's argv without the script, e.g.
    ``["/bin/bash", "-o", "pipefail", "-c"]``; default ``["/bin/sh", "-c"]``.
    The RUN's status is the last command's (no ``set -e`` unless the script says so).
    ``strict_path``: the tree's binaries are complete (a real, not an approximate base),
    so programs are looked up as exec would: a RUN in a tree without its shell fails as
    docker's does (``FROM scratch``), and a command missing from PATH fails with
    ``not found``, status 127 (``curl`` in debian:bookworm, ``bash`` in alpine). Off, the
    shell simulates what it knows whether or not the tree carries the binary (the lesson
    player's ``docker exec`` into hello-world relies on that).
    ``after_unknowns``: earlier steps of this build were not fully simulated (downloads,
    tools layerlab does not know, a missing build context), so a file or value this RUN
    misses may be an artefact. Failures in a plain list or left of ``&&`` are then reported
    as not simulated instead of failing the build, as they are after a not-simulated
    command within the RUN (see ``Shell._tolerate``).
    ``strict``: for tests. An exception raised inside a command (a bug in layerlab, which
    a build reports as "not simulated" so the student's build goes on) is raised to the
    caller instead, so a test of that command fails.
    """
    limits = limits or Limits()
    shell_argv = list(shell or ["/bin/sh", "-c"])
    record = RunRecord(fs, limits, packages)
    record.strict_path = strict_path
    record.inherited_unknowns = int(after_unknowns)
    record.strict = strict
    refused = _refused(script, shell_argv, record)
    if refused is not None:
        return refused
    record.sh_dialect = _dialect_of(record.fs, "/bin/sh")
    dialect = (record.sh_dialect if shell_argv[0] in ("/bin/sh", "sh")
               else _dialect_of(record.fs, shell_argv[0]))
    env = dict(env or {})
    env.setdefault("PATH", DEFAULT_PATH)
    env.setdefault("HOME", "/root")
    state = State(vars=dict(env), exported=set(env), cwd=normalize(cwd),
                  name=shell_argv[0], dialect=dialect)
    state.vars.setdefault("PWD", state.cwd)
    sh = Shell(record, state, HANDLERS)
    out, err = Buffer(limits.max_output_bytes, "max_output_bytes"), Buffer(limits.max_output_bytes, "max_output_bytes")
    io = IO("", {1: out, 2: err})
    error = None
    status = 0
    try:
        options = [a for a in shell_argv[1:] if a != "-c"]
        if options and builtins.apply_options(sh, options, io, cmd=shell_argv[0]) is None:
            status = 2
        else:
            status = sh.run_script(script, io)
    except LimitReached as exc:
        status = 1
        error = f"layerlab stopped this RUN: {exc}"
        err.write(error + "\n")
    except RecursionError:
        status = 1
        error = "layerlab stopped this RUN: functions or substitutions nested too deeply"
        err.write(error + "\n")
    if status and error is None and not record.syntax_error and (
            record.unknowns_before_last or after_unknowns):
        # `exit 1` (or set -e) after commands layerlab did not simulate: see Shell._tolerate
        record.not_simulated.append(NotSimulated(record.last_failed or "exit", (
            f"the RUN ended with status {status} in the simulation, but only after "
            f"{unknown_cause(record)}: a real build may well succeed, so the build goes on")))
        status = 0
    if status and error is None:
        shown = " ".join(shell_argv + [script])
        lines = err.value().rstrip("\n")
        error = (lines + "\n" if lines else "") + \
            f'process "{shown}" did not complete successfully: exit code: {status}'
    return ShellResult(status=status, stdout=out.value(), stderr=err.value(), traces=record.traces,
                       not_simulated=record.not_simulated, error=error, commands=record.commands,
                       failed_command=record.last_failed if status else None)
