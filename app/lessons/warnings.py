"""What a played lesson shows that is not what Docker would make, as warnings
at the file:line an instructor edits.

Why: a lesson that builds is not yet a lesson that tells the truth. A RUN whose
command was not simulated, a COPY of a file the context lacks, a FROM of an
image the catalog does not know, or ``nano`` in a RUN (a build has no terminal)
all build here, yet a student running ``docker build`` would see something
else. ``layerlab check`` prints these (exit 0; ``--strict`` makes them errors).
The reasons are fields (``BuildStep.uncertain``, ``ExecResult``'s
``not_simulated``), never words searched for in notes.
"""

from __future__ import annotations

import shlex

from app.runtime import BuildStep, Uncertain

from .loader import Problem
from .player import PlayedLesson

# Programs that need a terminal: in a RUN (no tty, stdin closed) they fail or hang.
INTERACTIVE = {
    "nano": "an editor", "vi": "an editor", "vim": "an editor", "nvim": "an editor",
    "emacs": "an editor", "less": "a pager", "more": "a pager", "top": "a live monitor",
    "htop": "a live monitor", "watch": "a live monitor", "man": "a pager (man pages)",
}

WHY = {
    Uncertain.PLACEHOLDER_BASE: "the catalog does not know this image: a placeholder base stands "
                                "in for it (`layerlab images` lists the images it knows)",
    Uncertain.MISSING_CONTEXT_FILE: "a file is missing from the build context: an empty placeholder "
                                    "stands in for it (docker build would fail)",
    Uncertain.NOT_DOWNLOADED: "a download: its contents are a placeholder",
    Uncertain.ARCHIVE_NOT_EXTRACTED: "a local archive would be extracted: its contents are not simulated",
    Uncertain.NOT_IN_SOURCE_IMAGE: "a path the source image lacks: a placeholder stands in for it",
    Uncertain.PLACEHOLDER_SOURCE_IMAGE: "copied from an image the catalog does not know: placeholder files",
}


def program(command: str) -> str:
    """The program a simple command runs (its first word after assignments), or ''."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    words = [w for w in words if not ("=" in w and w.split("=", 1)[0].isidentifier())]
    return words[0].rsplit("/", 1)[-1] if words else ""


def interactive_programs(commands: list[str]) -> list[str]:
    """Each interactive program among the simple commands a shell ran, in order, once."""
    found: list[str] = []
    for command in commands:
        name = program(command)
        if name in INTERACTIVE and name not in found:
            found.append(name)
    return found


def _step_warnings(step: BuildStep) -> list[str]:
    """The sentences one build step warrants (none: it is what Docker would make)."""
    out: list[str] = []
    interactive = interactive_programs(step.commands)
    for name in interactive:
        out.append(f"{step.keyword} runs {name}, {INTERACTIVE[name]}: a build has no terminal, "
                   "so it cannot be used here (docker build would hang or fail)")
    for reason in dict.fromkeys(step.uncertain):
        if reason is Uncertain.NOT_SIMULATED:
            for ns in step.not_simulated:
                command = getattr(ns, "command", str(ns))
                if program(command) in interactive:
                    continue
                out.append(f"not simulated: {command} ({getattr(ns, 'hint', '')})".replace(" ()", ""))
        else:
            out.append(WHY[reason])
    return out


def _short(text: str, width: int = 60) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= width else one_line[:width - 1] + "…"


def lesson_warnings(played: PlayedLesson) -> list[Problem]:
    """Every warning of a played lesson, at the lesson-file line an instructor edits."""
    lesson = played.lesson
    warnings: list[Problem] = []
    for name, result in played.builds.items():
        for step in result.steps:
            for text in _step_warnings(step):
                file, line = lesson.dockerfile_line(name, step.line)
                warnings.append(Problem(file, line, f"warning: Dockerfile of image '{name}', "
                                                    f"line {step.line} ({_short(step.text)}): {text}"))
    for frame in played.frames:
        if frame.kind != "exec":
            continue
        where = (str(lesson.path), frame.spec_line or 1)
        for name in interactive_programs(frame.commands):
            warnings.append(Problem(*where, f"warning: exec runs {name}, {INTERACTIVE[name]}: "
                                            "docker exec without -it has no terminal"))
        for ns in frame.not_simulated:
            command = getattr(ns, "command", str(ns))
            if program(command) not in INTERACTIVE:
                warnings.append(Problem(*where, f"warning: exec: not simulated: {command}"))
    return warnings
