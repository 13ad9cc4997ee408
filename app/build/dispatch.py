"""One instruction -> one BuildStep, through a table of handlers by instruction type.

This is BuildKit's dockerfile2llb ``dispatch``: expand the instruction's words
with the stage's variables, then call the handler of its type with (stage
state, expanded instruction, build-wide options). Handlers return an Outcome
and change nothing they are given; the stage loop applies the outcome.
"""

from __future__ import annotations

from typing import Callable

from app.dockerfile import instructions as ins
from app.dockerfile.errors import DockerfileError
from app.dockerfile.expand import expand

from .config_steps import (dispatch_arg, dispatch_cmd, dispatch_config_only, dispatch_entrypoint, dispatch_env,
                           dispatch_expose, dispatch_label, dispatch_shell, dispatch_user, dispatch_volume,
                           dispatch_workdir)
from .copy import dispatch_add, dispatch_copy
from .limits import BuildLimitReached, check_image, check_values
from .results import BuildStep
from .run_step import dispatch_run
from .state import BuildWide, Outcome, StageState

Handler = Callable[[StageState, ins.Instruction, BuildWide], Outcome]

HANDLERS: dict[type, Handler] = {
    ins.Env: dispatch_env,
    ins.Arg: dispatch_arg,
    ins.Label: dispatch_label,
    ins.Cmd: dispatch_cmd,
    ins.Entrypoint: dispatch_entrypoint,
    ins.User: dispatch_user,
    ins.Expose: dispatch_expose,
    ins.Volume: dispatch_volume,
    ins.Shell: dispatch_shell,
    ins.Workdir: dispatch_workdir,
    ins.Run: dispatch_run,
    ins.Copy: dispatch_copy,
    ins.Add: dispatch_add,
}


def dispatch(state: StageState, inst: ins.Instruction, build: BuildWide) -> tuple[BuildStep, StageState]:
    """Build one instruction: its step, and the stage state after it."""
    keyword = inst.keyword.upper()
    try:
        expanded = expand(inst, state.scope, build.escape)
    except DockerfileError as exc:  # a word BuildKit refuses to expand: the build stops here
        outcome = Outcome(state.image, error=exc.message)
        return _step(state, inst, outcome, None), state
    except Exception:  # expansion is best effort for display
        expanded = inst
    handler = HANDLERS.get(type(inst), dispatch_config_only)
    try:
        check_values(getattr(expanded, "pairs", None) or [], build.limits)
        outcome = handler(state, expanded, build)
        if outcome.created_layer:
            check_image(outcome.image, build.limits)
    except BuildLimitReached as exc:  # the step fails as a RUN does, at its line
        outcome = Outcome(state.image, error=f"layerlab stopped the build: {exc.message}")
    text = expanded.text()
    shown = text if text and text != inst.original and keyword != "RUN" else None
    return _step(state, inst, outcome, shown), state.after(outcome)


def _step(state: StageState, inst: ins.Instruction, outcome: Outcome, expanded: str | None) -> BuildStep:
    return BuildStep(state.index, state.name, inst.keyword.upper(), inst.original, inst.line, inst.end_line,
                     expanded=expanded, **outcome.step_fields())
