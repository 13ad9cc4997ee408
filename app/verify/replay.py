"""Replay simulated steps on the kernel and say where the simulation differs.

Every simulated layer is written to disk the way overlay2 stores it and
mounted with the kernel's overlayfs inside a private mount namespace (see
kernel.py: nothing stays mounted, whatever fails). Then what can be replayed
for real is replayed: RUN lines made only of plain file commands, with
busybox's ``sh -c``, and a lesson's container commands, each on an upper
directory holding the container layer as it stood before. The kernel's upper
directory and merged view are compared with the simulated ones.

Steps that cannot run for real (package managers, downloads, commands layerlab
does not simulate) are listed as simulated-only; the layers they made still
take part, as lower layers of the steps after them.

This module reads builds (app.build) and engine objects, never lesson files:
the caller plays a lesson and hands over its container commands as
``ContainerCommand`` values, so verify stays below app.lessons.
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from app.build import BuildError, BuildResult, ContextError, build, from_folder
from app.engine import Image, Layer, UnionFS

from . import kernel
from .records import layer_records, merged_records

# Commands whose simulation is exact, so a real busybox run must agree.
REPLAYABLE = {
    "echo", "printf", "cat", "touch", "mkdir", "rm", "rmdir", "cp", "mv", "ln", "chmod", "chown",
    "true", "false", "test", "[", "cd", "export", "set", ":", "tee", "truncate", "sed", "install",
    "sh", "exit", "pwd", "unset", "ls", "head", "tail", "wc", "sort", "grep",
}
SHELL_WORDS = {"if", "then", "else", "elif", "fi", "for", "do", "done", "while", "until", "case", "esac", "!", "{", "}"}
VERDICT_MARKS = {"agrees": "agrees   ", "differs": "DIFFERS  ", "simulated-only": "sim-only "}


@dataclass
class StepCheck:
    where: str
    text: str
    verdict: str  # "agrees" | "differs" | "simulated-only"
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ContainerCommand:
    """One command a lesson ran in a container (``docker exec``), as verify replays it."""

    where: str  # file:line shown in the report
    command: str  # the text shown
    script: str  # what ``sh -c`` runs
    commands: list[str]  # the simple commands the simulator ran
    not_simulated: list[Any]  # the simulator's not-simulated notes (each with ``.command``)
    image: Image  # the container's image: its layers are mounted read-only
    upper_before: Layer  # the container layer as it stood before the command
    upper_after: Layer  # the simulated container layer after it
    status: int | None  # the simulated exit status


class CannotBuild(Exception):
    """A Dockerfile verify cannot build: unreadable, no context folder, or a step that fails."""


@dataclass(frozen=True)
class _Replay:
    """One step to run for real, and what the simulation says it leaves behind."""

    where: str
    text: str
    script: str
    lowers: list[Layer]  # mounted read-only, bottom first
    upper: Layer | None  # the writable layer as it stood before (None: empty)
    image: Image  # gives the environment and the working directory
    simulated_upper: Layer
    simulated_fs: UnionFS
    status: int | None = None  # compared when given


def replayable(commands: list[str], not_simulated: list) -> str | None:
    """None if the commands can be replayed for real, else why not."""
    if not_simulated:
        return "not simulated: " + ", ".join(getattr(n, "command", str(n)) for n in not_simulated)
    for command in commands:
        try:
            words = shlex.split(command)
        except ValueError:
            words = command.split()
        words = [w for w in words if "=" not in w.split("/")[0] or w.startswith("-")] or words
        name = posixpath.basename(words[0]) if words else ""
        if name and name not in REPLAYABLE and name not in SHELL_WORDS:
            return f"`{name}` is simulated from catalog data, not replayed"
    return None


def compare(simulated: dict, kernel_side: dict, label: str, limit: int = 12) -> list[str]:
    """Lines describing where two path -> record maps differ."""
    out = []
    for path in sorted(set(simulated) | set(kernel_side)):
        a, b = simulated.get(path), kernel_side.get(path)
        if a != b:
            out.append(f"{label} {path}: simulated {a if a is not None else 'absent'}, kernel {b if b is not None else 'absent'}")
    if len(out) > limit:
        out = out[:limit] + [f"... and {len(out) - limit} more"]
    return out


def _image_env(image: Image) -> dict[str, str]:
    return dict(item.partition("=")[::2] for item in image.config.get("Env", []))


def _replay(step: _Replay) -> StepCheck:
    env = _image_env(step.image)
    env["PATH"] = f"{kernel.TOOLS_DIR}/bin:" + env.get("PATH", "/usr/bin:/bin")
    cwd = step.image.config.get("WorkingDir") or "/"
    try:
        outcome = kernel.run_shell_in_kernel(step.lowers, step.script, upper=step.upper, env=env, cwd=cwd)
    except RuntimeError as exc:  # the kernel's child reports its errors as text
        if not str(exc).startswith("TimeoutExpired:"):
            raise
        # An endless loop, which the simulator stops at one of its limits.
        return StepCheck(step.where, step.text, "simulated-only", ["the real run did not finish in 60 s"])
    details = compare(layer_records(step.simulated_upper), outcome.upper_records, "changeset")
    details += compare(merged_records(step.simulated_fs), outcome.merged, "merged")
    if step.status is not None and (step.status == 0) != (outcome.status == 0):
        details.append(f"exit status: simulated {step.status}, kernel {outcome.status}")
    return StepCheck(step.where, step.text, "differs" if details else "agrees", details)


def check_build(result: BuildResult, label: str, place: Callable[[int], str] | None = None) -> list[StepCheck]:
    """Check every layer a build made. ``place(line)``: where a Dockerfile line
    is, when that is not ``label:line`` (a Dockerfile inline in a lesson)."""
    checks = []
    for step in result.steps:
        where = place(step.line) if place else f"{label}:{step.line}"
        if step.keyword != "RUN" or not step.created_layer:
            if step.created_layer:
                checks.append(StepCheck(where, step.text, "simulated-only", ["materialized as a lower layer"]))
            continue
        why = replayable(step.commands, step.not_simulated)
        if why:
            checks.append(StepCheck(where, step.text, "simulated-only", [why]))
            continue
        image = step.image
        checks.append(_replay(_Replay(
            where, step.text, step.script, list(image.layers[:-1]), None, image,
            image.layers[-1], UnionFS(list(image.layers), Layer()),
        )))
    return checks


def check_container_commands(commands: Iterable[ContainerCommand]) -> list[StepCheck]:
    """Check each container command on its container's layer as it stood before."""
    checks = []
    for c in commands:
        why = replayable(c.commands, c.not_simulated)
        if why:
            checks.append(StepCheck(c.where, c.command, "simulated-only", [why]))
            continue
        layers = list(c.image.layers)
        checks.append(_replay(_Replay(
            c.where, c.command, c.script, layers, c.upper_before, c.image,
            c.upper_after, UnionFS(layers, c.upper_after), c.status,
        )))
    return checks


def check_dockerfile(path: Path, context_dir: Path, build_args: dict[str, str] | None = None) -> list[StepCheck]:
    """Build a Dockerfile in the simulator and check its layers; ``CannotBuild``
    (with file:line:column) if it cannot be read or built. A parse error comes
    out as the parser's ``DockerfileError``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CannotBuild(f"{path}:1:1: cannot read: {exc}") from None
    if not context_dir.is_dir():
        raise CannotBuild(f"layerlab verify: build context folder not found: {context_dir}")
    try:
        result = build(text, from_folder(context_dir), filename=str(path), build_args=build_args)
    except BuildError as exc:
        raise CannotBuild(f"{path}:{exc.line or 1}:{exc.column}: {exc.message}") from None
    except ContextError as exc:
        raise CannotBuild(f"layerlab verify: {'; '.join(exc.problems)}") from None
    if result.failed is not None:
        step = result.failed
        raise CannotBuild(f"{path}:{step.line}:1: {step.keyword} failed: {step.error}")
    return check_build(result, str(path))


def report(checks: list[StepCheck]) -> tuple[list[str], int]:
    """The lines ``layerlab verify`` prints, and its exit status (1 if a step differs)."""
    lines = []
    for check in checks:
        lines.append(f"{VERDICT_MARKS[check.verdict]} {check.where}: {check.text.splitlines()[0][:90]}")
        lines.extend(f"            {line}" for line in check.details)
    replayed = [c for c in checks if c.verdict != "simulated-only"]
    differs = [c for c in checks if c.verdict == "differs"]
    lines.append(f"layerlab verify: {len(replayed)} step(s) replayed on overlayfs, {len(differs)} differ; "
                 f"{len(checks) - len(replayed)} simulated-only")
    return lines, 1 if differs else 0
