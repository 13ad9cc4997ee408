"""The build as a whole: which stages to build, each stage from its FROM to its last step.

This is what ``docker build`` does with BuildKit, minus running anything: FROM
takes a base image from the catalog (or an earlier stage, or scratch), RUN goes
through the safe shell interpreter, COPY/ADD put build-context files into a new
layer, and the other instructions change only the image config (an empty layer
in the history). Every step keeps the image as it stands after it, so a lesson
can show any step on its own.
"""

from __future__ import annotations

from dataclasses import replace

from app.dockerfile.instructions import Dockerfile, Stage, parse_dockerfile
from app.dockerfile.lexer import process_word

from . import cache as build_cache
from .base import Base, base_image
from .context import Context
from .dispatch import dispatch
from .limits import DEFAULT as DEFAULT_LIMITS, BuildLimits, check_parsed, check_text
from .results import BuildError, BuildResult, BuildStep, StageResult
from .state import BuildWide, StageState


def build(text: str, context: Context | None = None, *, filename: str = "Dockerfile", name: str = "image",
          target: str | None = None, build_args: dict[str, str] | None = None,
          cache: build_cache.BuildCache | None = None, context_partial: bool = False,
          limits: BuildLimits = DEFAULT_LIMITS) -> BuildResult:
    """Build a Dockerfile's text with a build context. Raises DockerfileError on a bad Dockerfile
    (or one over a limit of ``limits``), BuildError when the build cannot start (an unknown
    target, FROM of a blank name).
    ``cache``: reuse steps built before with the same parent, text and inputs (app/build/cache.py).
    ``context_partial``: the context is known to lack files (a Dockerfile pasted from
    elsewhere): a missing COPY source becomes a flagged placeholder instead of Docker's error."""
    check_text(text, filename, limits)
    parsed = parse_dockerfile(text, filename)
    check_parsed(parsed, filename, limits)
    escape = parsed.escape or "\\"
    build_args = build_args or {}
    wide = BuildWide(context or {}, escape, build_args, global_args(parsed, build_args, escape), name,
                     context_partial=context_partial, limits=limits)
    wanted = stages_to_build(parsed, target, wide)
    results: list[StageResult] = []
    failed: BuildStep | None = None
    keys = _CacheKeys(cache, wide) if cache is not None else None
    for stage in parsed.stages:
        if stage.index not in wanted:
            continue
        result = build_stage(stage, wide, keys)
        results.append(result)
        if stage.name:
            wide.stage_images[stage.name.lower()] = result.image
        wide.stage_images[str(stage.index)] = result.image
        if result.steps[-1].error:
            failed = result.steps[-1]
            break
    final = results[-1]
    final.final = failed is None
    return BuildResult(image=replace(final.image, name=name), stages=results,
                       steps=[step for r in results for step in r.steps], failed=failed,
                       warnings=list(parsed.warnings or []))


def planned_steps(text: str, *, filename: str = "Dockerfile", target: str | None = None,
                  build_args: dict[str, str] | None = None) -> int:
    """How many steps a build that succeeds has (a FROM and each instruction of every stage the
    target needs), from the parse alone: the lesson index counts steps without building."""
    parsed = parse_dockerfile(text, filename)
    escape = parsed.escape or "\\"
    build_args = build_args or {}
    wide = BuildWide({}, escape, build_args, global_args(parsed, build_args, escape), "image")
    wanted = stages_to_build(parsed, target, wide)
    return sum(1 + len(stage.instructions) for stage in parsed.stages if stage.index in wanted)


def global_args(parsed: Dockerfile, build_args: dict[str, str], escape: str) -> dict[str, str]:
    """The ARGs before the first FROM: a --build-arg as given, a default expanded with the earlier ones."""
    values: dict[str, str] = {}
    for arg in parsed.meta_args:
        for name, default in arg.pairs:
            if name in build_args:
                values[name] = build_args[name]
            elif default is not None:
                values[name] = process_word(default, values, escape)
    return values


def expand_word(word: str, variables: dict[str, str], escape: str) -> str:
    """A FROM or --from word with the build's variables; as written when it does not expand."""
    try:
        return process_word(word, variables, escape)
    except Exception:
        return word


def stages_to_build(parsed: Dockerfile, target: str | None, wide: BuildWide) -> set[int]:
    """The target stage (the last one by default) and the stages it depends on."""
    stages = parsed.stages
    if target is None:
        return needed_stages(parsed, stages[-1].index, wide)
    found = [s for s in stages if (s.name or "").lower() == target.lower()]
    if not found:
        raise BuildError(f"target stage '{target}' could not be found")
    return needed_stages(parsed, found[0].index, wide)


def needed_stages(parsed: Dockerfile, last: int, wide: BuildWide) -> set[int]:
    """The stages ``last`` depends on (FROM, COPY --from, RUN --mount from=), as BuildKit
    builds only those: a stage nothing uses is skipped, even one that would fail."""
    stages = parsed.stages
    everything = {s.index for s in stages if s.index <= last}
    names = {str(s.index): s.index for s in stages}
    names.update({s.name.lower(): s.index for s in stages if s.name})
    needed: set[int] = set()
    todo = [last]
    while todo:
        i = todo.pop()
        if i in needed:
            continue
        needed.add(i)
        for ref in filter(None, _stage_refs(stages[i], wide)):
            if "$" in ref:  # a reference only the build's variables resolve: keep every stage
                return everything
            j = names.get(ref.lower())
            if j is not None and j < i:
                todo.append(j)
    return needed


def _stage_refs(stage: Stage, wide: BuildWide) -> list[str]:
    """Every image or stage name a stage reads: its FROM, COPY --from, RUN --mount from=."""
    refs = [expand_word(stage.base.image, wide.global_args, wide.escape)]
    for inst in stage.instructions:
        refs.append(getattr(inst, "from_stage", None) or "")
        for mount in getattr(inst, "mounts", None) or []:
            refs.append(mount.from_stage or ("$" if "from=" in mount.spec else ""))
    return refs


def build_stage(stage: Stage, wide: BuildWide, keys: "_CacheKeys | None" = None) -> StageResult:
    """FROM, then one dispatch per instruction until the end or the first error."""
    if keys is None:
        state, first, ref = _from_step(stage, wide)
    else:
        state, first, ref = keys.from_step(stage, wide)
    result = StageResult(stage.index, stage.name, ref, state.image)
    _record(result, first, wide)
    for inst in stage.instructions:
        if keys is None:
            step, state = dispatch(state, inst, wide)
        else:
            step, state = keys.step(state, inst, wide)
        _record(result, step, wide)
        if step.error:
            break
    result.image = state.image
    if keys is not None:
        keys.stage_done(stage)
    return result


def _from_as_step(stage: Stage, wide: BuildWide) -> tuple[BuildStep, StageState]:
    state, step, _ = _from_step(stage, wide)
    return step, state


class _CacheKeys:
    """One build's walk through a BuildCache: the key of the last step of each stage so far."""

    def __init__(self, cache: build_cache.BuildCache, wide: BuildWide):
        self.cache = cache
        self.context = build_cache.context_digest(wide)
        self.stage_keys: dict[str, str] = {}  # stage name / index -> key of its last step
        self.parent = ""

    def from_step(self, stage: Stage, wide: BuildWide) -> tuple[StageState, BuildStep, str]:
        ref = expand_word(stage.base.image, wide.global_args, wide.escape)
        self.parent = build_cache.from_key(ref, stage.name or wide.name, wide, self.stage_keys)
        step, state = self.cache.step(self.parent, lambda: _from_as_step(stage, wide))
        return state, step, ref

    def step(self, state: StageState, inst, wide: BuildWide) -> tuple[BuildStep, StageState]:
        self.parent = build_cache.instruction_key(self.parent, inst, wide, self.stage_keys, self.context)
        return self.cache.step(self.parent, lambda: dispatch(state, inst, wide))

    def stage_done(self, stage: Stage) -> None:
        if stage.name:
            self.stage_keys[stage.name.lower()] = self.parent
        self.stage_keys[str(stage.index)] = self.parent


def _record(result: StageResult, step: BuildStep, wide: BuildWide) -> None:
    """Keep the step; once a step leaves files unknown, later RUNs are told (shell after_unknowns)."""
    result.steps.append(step)
    if any(reason.leaves_unknown_files for reason in step.uncertain):
        wide.unknowns_so_far = True


def _from_step(stage: Stage, wide: BuildWide) -> tuple[StageState, BuildStep, str]:
    """The stage's FROM: its first state, its step, and the base reference with variables expanded."""
    frm = stage.base
    ref = expand_word(frm.image, wide.global_args, wide.escape)
    if not ref.strip():  # FROM ${UNSET}: BuildKit stops here, it does not pull an image named ""
        raise BuildError(f"base name ({frm.image}) should not be blank", frm.line)
    name = stage.name or wide.name
    parent = wide.stage_images.get(ref.lower())
    if parent is not None:
        base = Base(replace(parent, name=name), [f"starts from the earlier stage '{ref}'"])
    else:
        base = base_image(ref, name)
    expanded = (f"FROM {ref}" + (f" AS {stage.name}" if stage.name else "")) if ref != frm.image else None
    step = BuildStep(stage.index, stage.name, "FROM", frm.original, frm.line, frm.end_line, base.image,
                     created_layer=bool(base.image.layers), expanded=expanded, notes=base.notes,
                     uncertain=base.uncertain)
    return StageState(stage.index, stage.name, base.image), step, ref
