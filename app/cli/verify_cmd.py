"""``layerlab verify LESSON|DOCKERFILE``: check the simulation against the kernel.

Every simulated layer is written to disk the way overlay2 stores it and
mounted with the kernel's overlayfs inside a private mount namespace (see
app/engine/kernel.py: nothing stays mounted, whatever fails). Then what can be
replayed for real is replayed: RUN lines made only of plain file commands, with
busybox's ``sh -c``, and a lesson's container operations, each on an upper
directory holding the container layer as it stood before. The kernel's upper
directory and merged view are compared with the simulated ones.

Steps that cannot run for real (package managers, downloads, commands layerlab
does not simulate) are listed as simulated-only; the layers they made still
take part, as lower layers of the steps after them.

Exit status: 0 every replayed step agrees, 1 a difference, 2 no root/overlayfs.
An instructor runs this by hand, as root, on their own lessons: it is the one
place where layerlab runs commands on the host, and only busybox inside a
chroot of a throwaway mount.
"""

from __future__ import annotations

import posixpath
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Commands whose simulation is exact, so a real busybox run must agree.
REPLAYABLE = {
    "echo", "printf", "cat", "touch", "mkdir", "rm", "rmdir", "cp", "mv", "ln", "chmod", "chown",
    "true", "false", "test", "[", "cd", "export", "set", ":", "tee", "truncate", "sed", "install",
    "sh", "exit", "pwd", "unset", "ls", "head", "tail", "wc", "sort", "grep",
}
SHELL_WORDS = {"if", "then", "else", "elif", "fi", "for", "do", "done", "while", "until", "case", "esac", "!", "{", "}"}


@dataclass
class StepCheck:
    where: str
    text: str
    verdict: str  # "agrees" | "differs" | "simulated-only"
    details: list[str] = field(default_factory=list)


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


def compare(simulated: dict, kernel: dict, label: str, limit: int = 12) -> list[str]:
    """Lines describing where two path -> record maps differ."""
    out = []
    for path in sorted(set(simulated) | set(kernel)):
        a, b = simulated.get(path), kernel.get(path)
        if a != b:
            out.append(f"{label} {path}: simulated {a if a is not None else 'absent'}, kernel {b if b is not None else 'absent'}")
    if len(out) > limit:
        out = out[:limit] + [f"... and {len(out) - limit} more"]
    return out


def _replay(where, text, lowers, script, upper, env, cwd, simulated_upper, simulated_merged, status=None) -> StepCheck:
    from app.engine import kernel

    env = {**env, "PATH": f"{kernel.TOOLS_DIR}/bin:" + env.get("PATH", "/usr/bin:/bin")}
    try:
        outcome = kernel.run_shell_in_kernel(lowers, script, upper=upper, env=env, cwd=cwd)
    except RuntimeError as exc:  # the kernel's child reports its errors as text
        if not str(exc).startswith("TimeoutExpired:"):
            raise
        # An endless loop, which the simulator stops at one of its limits.
        return StepCheck(where, text, "simulated-only", ["the real run did not finish in 60 s"])
    details = compare(simulated_upper, outcome.upper_records, "changeset")
    details += compare(simulated_merged, outcome.merged, "merged")
    if status is not None and (status == 0) != (outcome.status == 0):
        details.append(f"exit status: simulated {status}, kernel {outcome.status}")
    return StepCheck(where, text, "differs" if details else "agrees", details)


def check_build(result, label: str, place=None) -> list[StepCheck]:
    """``place(line)``: where a Dockerfile line is, when that is not ``label:line`` (inline in a lesson)."""
    from app.engine import Layer, UnionFS, kernel

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
        lowers = list(image.layers[:-1])
        env = dict(item.partition("=")[::2] for item in image.config.get("Env", []))
        checks.append(_replay(
            where, step.text, lowers, step.script, None, env, image.config.get("WorkingDir") or "/",
            kernel.layer_records(image.layers[-1]), kernel.merged_records(UnionFS(list(image.layers), Layer())),
        ))
    return checks


def check_lesson(path: Path) -> list[StepCheck]:
    from app.engine import Layer, UnionFS, kernel
    from app.lessons import load_lesson
    from app.lessons.player import play

    lesson = load_lesson(path)
    played = play(lesson)
    checks = []
    for name, result in played.builds.items():
        def place(line: int, name: str = name) -> str:
            file, file_line = lesson.dockerfile_line(name, line)
            return f"{file}:{file_line} [{name}]"

        checks.extend(check_build(result, str(path), place))
    before: dict[str, Layer] = {}
    for frame, line in zip(played.frames, _frame_lines(played)):
        if frame.kind == "exec":
            container = next(c for c in frame.containers if c.name == frame.target)
            where = f"{path}:{line}"
            why = replayable(frame.commands, frame.not_simulated)
            if why:
                checks.append(StepCheck(where, frame.command, "simulated-only", [why]))
            else:
                image = container.image
                env = dict(item.partition("=")[::2] for item in image.config.get("Env", []))
                checks.append(_replay(
                    where, frame.command, list(image.layers), frame.script, before.get(container.name, Layer()), env,
                    image.config.get("WorkingDir") or "/", kernel.layer_records(container.upper),
                    kernel.merged_records(UnionFS(list(image.layers), container.upper)), frame.status,
                ))
        for c in frame.containers:
            before[c.name] = c.upper
    return checks


def _frame_lines(played) -> list[int]:
    """The lesson-file line of each frame (a build step expands to several frames)."""
    return [frame.spec_line or 1 for frame in played.frames]


def run(args) -> int:
    from app.engine import kernel

    ok, reason = kernel.overlay_available()
    if not ok:
        print(f"layerlab verify: cannot use the kernel's overlayfs here: {reason}", file=sys.stderr)
        return 2
    target = Path(args.target)
    if not target.exists():
        from app.lessons import LESSONS_DIR
        from app.lessons.player import find

        found = find(LESSONS_DIR, args.target)
        if found is None:
            print(f"layerlab verify: no lesson or Dockerfile '{args.target}'", file=sys.stderr)
            return 1
        target = found
    from app.dockerfile.errors import DockerfileError
    from app.lessons import LessonError

    try:
        if target.suffix in (".yaml", ".yml"):
            checks = check_lesson(target)
        else:
            checks = _check_dockerfile(target, Path(args.context) if args.context else target.parent)
    except (LessonError, DockerfileError, _CannotBuild) as exc:
        print(exc, file=sys.stderr)
        return 1
    marks = {"agrees": "agrees   ", "differs": "DIFFERS  ", "simulated-only": "sim-only "}
    for check in checks:
        print(f"{marks[check.verdict]} {check.where}: {check.text.splitlines()[0][:90]}")
        for line in check.details:
            print(f"            {line}")
    replayed = [c for c in checks if c.verdict != "simulated-only"]
    differs = [c for c in checks if c.verdict == "differs"]
    print(f"layerlab verify: {len(replayed)} step(s) replayed on overlayfs, {len(differs)} differ; "
          f"{len(checks) - len(replayed)} simulated-only")
    return 1 if differs else 0


class _CannotBuild(Exception):
    """A Dockerfile verify cannot build: unreadable, no context folder, or a step that fails."""


def _check_dockerfile(path: Path, context_dir: Path) -> list[StepCheck]:
    from app.build import BuildError, ContextError, build
    from app.cli import read_context

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _CannotBuild(f"{path}:1:1: cannot read: {exc}") from None
    if not context_dir.is_dir():
        raise _CannotBuild(f"layerlab verify: build context folder not found: {context_dir}")
    try:
        result = build(text, read_context(context_dir), filename=str(path))
    except BuildError as exc:
        raise _CannotBuild(f"{path}:{exc.line or 1}:{exc.column}: {exc.message}") from None
    except ContextError as exc:
        raise _CannotBuild(f"layerlab verify: {'; '.join(exc.problems)}") from None
    if result.failed is not None:
        step = result.failed
        raise _CannotBuild(f"{path}:{step.line}:1: {step.keyword} failed: {step.error}")
    return check_build(result, str(path))


def register(subparsers) -> None:
    p = subparsers.add_parser("verify", help="replay a lesson or Dockerfile on the kernel's overlayfs (root)")
    p.add_argument("target", help="lesson id, lesson file or Dockerfile")
    p.add_argument("--context", help="build context folder for a Dockerfile")
    p.set_defaults(func=run)
