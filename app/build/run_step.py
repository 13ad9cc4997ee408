"""RUN: the script through the safe shell interpreter, on the image's layers plus a new upper."""

from __future__ import annotations

import json
import re
import shlex

from app import catalog, shell
from app.dockerfile import instructions as ins
from app.engine import FSError, Layer, UnionFS

from .results import Uncertain
from .state import DEFAULT_PATH, BuildWide, Outcome, StageState, image_with

SHELL_C = (["/bin/sh", "-c"], ["sh", "-c"], ["/bin/bash", "-c"], ["bash", "-c"])


def dispatch_run(state: StageState, inst: ins.Run, build: BuildWide) -> Outcome:
    """The new layer is the upper the script wrote; a failing script makes no layer."""
    upper = Layer()
    fs = UnionFS(list(state.image.layers), upper)
    script = run_script(inst)
    env = {**state.scope}
    env.setdefault("PATH", DEFAULT_PATH)
    env.setdefault("HOME", "/root")
    shell_form = isinstance(inst.command, str)  # SHELL applies to the shell form only
    result = shell.run(script, fs, env=env, cwd=state.workdir, packages=package_tool(state.distro),
                       shell=state.image.config.get("Shell") if shell_form else None,
                       after_unknowns=build.unknowns_so_far, limits=build.limits.run)
    outcome = Outcome(
        state.image, traces=list(result.traces), not_simulated=list(result.not_simulated),
        stdout=(result.stdout or "") + (result.stderr or ""), script=script, commands=list(result.commands),
        uncertain=[Uncertain.NOT_SIMULATED] if result.not_simulated else [],
    )
    shown = script if shell_form else json.dumps(inst.command)
    if result.status != 0:
        outcome.error = result.error or (f"process \"/bin/sh -c {shown}\" did not complete successfully: "
                                         f"exit code: {result.status}")
        outcome.notes.extend(apt_hint(result.stderr or "", fs))
        return outcome
    outcome.image = image_with(state.image, layer=upper.freeze(), created_by=run_created_by(state, inst, script))
    outcome.created_layer = True
    return outcome


def run_created_by(state: StageState, inst: ins.Run, script: str) -> str:
    """The history text BuildKit writes: ``RUN |2 V=1 W= /bin/sh -c echo $V # buildkit``,
    the stage's ARGs (declared without a value: ``W=``) then the argv joined by spaces
    (the shell form under SHELL, the JSON form as its words)."""
    if isinstance(inst.command, str):
        argv = [*(state.image.config.get("Shell") or ["/bin/sh", "-c"]), inst.command]
    else:
        argv = list(inst.command)
    args = [f"{name}={value or ''}" for name, value in state.args.items()]
    prefix = [f"|{len(args)}", *args] if args else []
    return "RUN " + " ".join(prefix + argv) + " # buildkit"


APT_LISTS = "/var/lib/apt/lists"
UNLOCATED = re.compile(r"^E: Unable to locate package (\S+)$", re.M)


def apt_hint(stderr: str, fs: UnionFS) -> list[str]:
    """The teacher's hint when apt failed only for want of package lists: official images
    ship none, so a course's ``RUN apt-get install emacs`` fails (exit 100) until the same
    RUN runs ``apt-get update`` first. The failure itself stays exactly apt's."""
    missing = UNLOCATED.findall(stderr)
    if not missing:
        return []
    try:
        lists, _ = fs.listdir(APT_LISTS)
    except FSError:
        lists = []
    if any("_Packages" in name for name in lists):
        return []
    return ["apt has no package lists in this image (official images ship none), so it cannot locate any "
            "package: run apt-get update in the same RUN, before the install: "
            f"RUN apt-get update && apt-get install -y {' '.join(missing)}"]


def package_tool(distro: str | None):
    """The package managers a RUN (or an exec) finds in an image of ``distro``; None for scratch."""
    return catalog.package_tool(distro) if distro else None


def run_script(inst: ins.Run) -> str:
    """The text the shell runs: the shell form, a JSON form joined, or heredocs."""
    command = inst.command
    heredocs = list(inst.heredocs or [])
    if isinstance(command, list):
        if command[:2] in SHELL_C and len(command) > 2:
            return command[2]
        return " ".join(shlex.quote(c) for c in command)
    if not heredocs:
        return command
    first = command.strip()
    if first.lstrip("0123456789").startswith("<<") and len(heredocs) == 1 and first.count("<<") == 1:
        return heredocs[0].content
    body = command
    for doc in heredocs:
        body += "\n" + doc.content + ("" if doc.content.endswith("\n") or not doc.content else "\n") + doc.name
    return body + "\n"
