"""``layerlab verify LESSON|DOCKERFILE``: wiring for app/verify.

Finds the lesson or Dockerfile, plays a lesson (verify does not read lessons),
hands app/verify its builds and container commands, prints the report.

Exit status: 0 every replayed step agrees, 1 a difference, 2 no root/overlayfs.
An instructor runs this by hand, as root, on their own lessons: it is the one
command where layerlab runs commands on the host, and only busybox inside a
chroot of a throwaway mount (see app/verify).
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.cli.build_args import add_option


def check_lesson(path: Path) -> list:
    """Play the lesson and check its builds, then its container commands."""
    from app.lessons import load_lesson
    from app.lessons.player import play
    from app.verify import check_build, check_container_commands

    lesson = load_lesson(path)
    played = play(lesson)
    checks = []
    for name, result in played.builds.items():
        def place(line: int, name: str = name) -> str:
            file, file_line = lesson.dockerfile_line(name, line)
            return f"{file}:{file_line} [{name}]"

        checks.extend(check_build(result, str(path), place))
    return checks + check_container_commands(container_commands(path, played))


def container_commands(path: Path, played) -> list:
    """The played lesson's exec steps as app/verify's ``ContainerCommand``s."""
    from app.engine import Layer
    from app.verify import ContainerCommand

    out = []
    before: dict[str, Layer] = {}
    for frame in played.frames:
        if frame.kind == "exec":
            container = next(c for c in frame.containers if c.name == frame.target)
            out.append(ContainerCommand(
                where=f"{path}:{frame.spec_line or 1}", command=frame.command, script=frame.script,
                commands=frame.commands, not_simulated=frame.not_simulated, image=container.image,
                upper_before=before.get(container.name, Layer()), upper_after=container.upper,
                status=frame.status,
            ))
        for c in frame.containers:
            before[c.name] = c.upper
    return out


def run(args) -> int:
    from app.cli.build_args import build_args
    from app.dockerfile.errors import DockerfileError
    from app.lessons import LESSONS_DIR, LessonError
    from app.lessons.player import find
    from app.verify import CannotBuild, check_dockerfile, overlay_available, report

    ok, reason = overlay_available()
    if not ok:
        print(f"layerlab verify: cannot use the kernel's overlayfs here: {reason}", file=sys.stderr)
        return 2
    target = Path(args.target)
    if not target.exists():
        found = find(LESSONS_DIR, args.target)
        if found is None:
            print(f"layerlab verify: no lesson or Dockerfile '{args.target}'", file=sys.stderr)
            return 1
        target = found
    try:
        if target.suffix in (".yaml", ".yml"):
            checks = check_lesson(target)
        else:
            checks = check_dockerfile(target, Path(args.context) if args.context else target.parent,
                                      build_args(args))
    except (LessonError, DockerfileError, CannotBuild) as exc:
        print(exc, file=sys.stderr)
        return 1
    lines, status = report(checks)
    print("\n".join(lines))
    return status


def register(subparsers) -> None:
    p = subparsers.add_parser("verify", help="replay a lesson or Dockerfile on the kernel's overlayfs (root)")
    p.add_argument("target", help="lesson id, lesson file or Dockerfile")
    p.add_argument("--context", help="build context folder for a Dockerfile")
    add_option(p)
    p.set_defaults(func=run)
