"""BuildKit's build cache keys, one per instruction, to show which steps a rebuild reuses.

app/build/cache.py is the simulator's own cache (stricter than BuildKit's, to be safe);
this module says what *docker build* would print as ``CACHED``. BuildKit (docker.io 20.10,
dockerfile2llb) turns a stage into a chain of operations, and an operation is reused when
its key was seen before. The key of each one is its parent's key plus:

- ``FROM``: the base reference (an earlier stage: that stage's last key);
- ``RUN``: the command (shell form: the SHELL argv around it, not expanded), and the
  environment it runs with: every ENV *and every ARG with a value* in scope (so a changed
  ARG value misses at the first RUN after it, used or not), the working directory, USER,
  mounts, network;
- ``COPY``/``ADD``: sources and destination after ARG/ENV expansion, the flags, and the
  content checksum of what the sources name in the context (paths, types, modes, bytes,
  link targets; ``app.build.context.resolve`` says which entries) or of the stage they
  come from;
- ``WORKDIR``: the absolute path (it makes the directory).

ENV, ARG, LABEL, CMD, USER, SHELL and the rest make no operation of their own
(``key`` None): they only change the config, or what the next RUN's key holds. A miss
makes every later key new, since each key holds its parent's.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field

from app.dockerfile import instructions as ins
from app.dockerfile.expand import Scope

from .cache import key_hash
from .context import Context, ContextDir, ContextFile, ContextSymlink, resolve

MAKES_STEP = ("FROM", "RUN", "COPY", "ADD", "WORKDIR")


@dataclass(frozen=True)
class CacheStep:
    number: int  # the instruction's place in the Dockerfile, 1 = the first FROM
    stage: int
    vertex: int | None  # BuildKit's [i/n] in its stage (FROM is 1); None: no step of its own
    keyword: str
    text: str
    key: str | None
    line: int = 0  # the instruction's first line in the Dockerfile


def _entry(entry) -> tuple:
    if isinstance(entry, ContextFile):
        body = hashlib.sha256(entry.data).hexdigest() if entry.data is not None else f"size {entry.size}"
        return ("file", entry.mode & 0o7777, body)
    if isinstance(entry, ContextSymlink):
        return ("symlink", entry.target)
    if isinstance(entry, ContextDir):
        return ("dir", entry.mode & 0o7777)
    return ("?",)


def sources_checksum(context: Context, sources: list[str]) -> str:
    """The content checksum of what ``sources`` name in the context: BuildKit's contenthash."""
    return key_hash([[(hit.path, hit.rel, _entry(hit.entry)) for hit in resolve(context, src)] for src in sources])


@dataclass
class _Stage:
    parent: str = ""
    workdir: str = "/"
    user: str = ""
    shell: list[str] = field(default_factory=lambda: ["/bin/sh", "-c"])
    vertices: int = 0


def _key(stage: _Stage, inst, scope: Scope, context: Context, stage_keys: dict[str, str]) -> str | None:
    """The key of one instruction after ``stage.parent`` (None for config-only ones); updates ``stage``."""
    if isinstance(inst, ins.Run):
        argv = inst.command if inst.json else [*stage.shell, inst.command]
        return key_hash(stage.parent, "RUN", argv, sorted(scope.env.items()), stage.workdir, stage.user,
                     [m.spec for m in inst.mounts], inst.network, inst.security,
                     [(d.name, d.content) for d in inst.heredocs])
    if isinstance(inst, (ins.Copy, ins.Add)):
        from_stage = getattr(inst, "from_stage", None)
        dest = inst.dest if inst.dest.startswith("/") else posixpath.join(stage.workdir, inst.dest)
        contents = (stage_keys.get(from_stage.lower(), from_stage) if from_stage
                    else sources_checksum(context, inst.paths))
        return key_hash(stage.parent, inst.keyword, inst.sources, dest, inst.dest.endswith("/"), inst.chown,
                     inst.chmod, contents, inst.link, inst.exclude, [(d.name, d.content) for d in inst.heredocs])
    if isinstance(inst, ins.Workdir):
        stage.workdir = posixpath.normpath(posixpath.join(stage.workdir, inst.path))
        return key_hash(stage.parent, "WORKDIR", stage.workdir)
    if isinstance(inst, ins.User):
        stage.user = inst.user
    elif isinstance(inst, ins.Shell):
        stage.shell = list(inst.argv)
    return None


def cache_keys(text: str, context: Context, *, filename: str = "Dockerfile",
               build_args: dict[str, str] | None = None) -> list[CacheStep]:
    """Every instruction of every stage, in order, with its BuildKit cache key.

    Raises ``DockerfileError`` for a Dockerfile that does not parse (as build does)."""
    dockerfile = ins.parse_dockerfile(text, filename)
    scope = Scope(build_args, escape=dockerfile.escape, filename=filename)
    for arg in dockerfile.meta_args:
        scope.apply(arg)
    out: list[CacheStep] = []
    stage_keys: dict[str, str] = {}
    for stage_spec in dockerfile.stages:
        base = scope.apply(stage_spec.base)
        stage = _Stage(vertices=1)
        stage.parent = stage_keys.get(base.image.lower()) or key_hash("FROM", base.image)
        out.append(CacheStep(len(out) + 1, stage_spec.index, 1, "FROM", stage_spec.base.original, stage.parent,
                             stage_spec.base.line))
        for inst in stage_spec.instructions:
            expanded = scope.apply(inst)
            key = _key(stage, expanded, scope, context, stage_keys)
            vertex = None
            if key is not None:
                stage.parent = key
                stage.vertices += 1
                vertex = stage.vertices
            out.append(CacheStep(len(out) + 1, stage_spec.index, vertex, inst.keyword, inst.original, key, inst.line))
        stage_keys[str(stage_spec.index)] = stage.parent
        if stage_spec.name:
            stage_keys[stage_spec.name.lower()] = stage.parent
    return out


def cached(steps: list[CacheStep], earlier: set[str]) -> list[bool | None]:
    """Per step: True (CACHED: its key was built before), False (rebuilt), None (no step of its own)."""
    return [None if step.key is None else step.key in earlier for step in steps]


def progress_lines(steps: list[CacheStep], statuses: list[bool | None]) -> list[str]:
    """What ``docker build --progress=plain`` prints for the steps, ``CACHED`` under the reused ones."""
    totals: dict[int, int] = {}
    for step in steps:
        if step.vertex is not None:
            totals[step.stage] = max(totals.get(step.stage, 0), step.vertex)
    lines: list[str] = []
    for step, hit in zip(steps, statuses):
        if step.vertex is None:
            continue
        number = len([line for line in lines if not line.endswith(" CACHED")]) + 1
        lines.append(f"#{number} [{step.vertex}/{totals[step.stage]}] {' '.join(step.text.split())}")
        if hit and step.vertex != 1:
            lines.append(f"#{number} CACHED")
    return lines
