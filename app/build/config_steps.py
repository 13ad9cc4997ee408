"""Handlers of the instructions that change only the image config (and WORKDIR).

Each takes (stage state, expanded instruction, build-wide options) and
returns an Outcome; none changes its arguments.
"""

from __future__ import annotations

import json
import posixpath

from app.dockerfile import instructions as ins
from app.engine import Layer, UnionFS

from .state import BuildWide, Outcome, StageState, config_with, image_with


def dispatch_env(state: StageState, inst: ins.Env, build: BuildWide) -> Outcome:
    env = {**state.env, **dict(inst.pairs)}
    config = config_with(state.image, Env=[f"{k}={v}" for k, v in env.items()])
    created_by = f"ENV {' '.join(f'{k}={v}' for k, v in inst.pairs)}"
    return Outcome(image_with(state.image, created_by=created_by, config=config))


def dispatch_arg(state: StageState, inst: ins.Arg, build: BuildWide) -> Outcome:
    """A --build-arg wins over the default, which wins over the global ARG of that name."""
    args = dict(state.args)
    for name, default in inst.pairs:
        if name in build.build_args:
            args[name] = build.build_args[name]
        elif default is not None:
            args[name] = default
        elif name in build.global_args:
            args[name] = build.global_args[name]
        else:
            args.setdefault(name, None)  # declared: a later RUN's history names it ("W=")
    created_by = f"ARG {' '.join(n if d is None else f'{n}={d}' for n, d in inst.pairs)}"
    return Outcome(image_with(state.image, created_by=created_by), args=args)


def dispatch_label(state: StageState, inst: ins.Label, build: BuildWide) -> Outcome:
    labels = {**(state.image.config.get("Labels") or {}), **dict(inst.pairs)}
    return _config_step(state, "LABEL " + " ".join(f"{k}={v}" for k, v in inst.pairs), Labels=labels)


def dispatch_cmd(state: StageState, inst: ins.Cmd, build: BuildWide) -> Outcome:
    argv = _argv(state, inst.command)
    return _config_step(state, f"CMD {go_quoted(argv)}", Cmd=argv)


def dispatch_entrypoint(state: StageState, inst: ins.Entrypoint, build: BuildWide) -> Outcome:
    argv = _argv(state, inst.command) if inst.command is not None else None
    return _config_step(state, f"ENTRYPOINT {go_quoted(argv or [])}", Entrypoint=argv)


def dispatch_user(state: StageState, inst: ins.User, build: BuildWide) -> Outcome:
    config = config_with(state.image, User=inst.user)
    return Outcome(image_with(state.image, created_by=f"USER {inst.user}", config=config))


def dispatch_expose(state: StageState, inst: ins.Expose, build: BuildWide) -> Outcome:
    ports = dict(state.image.config.get("ExposedPorts") or {})
    these = sorted({port if "/" in port else f"{port}/tcp" for port in inst.ports})
    ports.update({port: {} for port in these})
    return _config_step(state, "EXPOSE map[" + " ".join(f"{p}:{{}}" for p in these) + "]", ExposedPorts=ports)


def dispatch_volume(state: StageState, inst: ins.Volume, build: BuildWide) -> Outcome:
    volumes = dict(state.image.config.get("Volumes") or {})
    for path in inst.paths:
        volumes[path] = {}
    return _config_step(state, f"VOLUME [{' '.join(inst.paths)}]", Volumes=volumes)


def dispatch_shell(state: StageState, inst: ins.Shell, build: BuildWide) -> Outcome:
    return _config_step(state, f"SHELL [{' '.join(inst.argv)}]", Shell=list(inst.argv))


def dispatch_config_only(state: StageState, inst: ins.Instruction, build: BuildWide) -> Outcome:
    """STOPSIGNAL, HEALTHCHECK, ONBUILD, MAINTAINER: a history entry, nothing layerlab models."""
    return Outcome(image_with(state.image, created_by=config_created_by(inst)),
                   notes=[f"{inst.keyword.upper()} changes only the image config"])


def config_created_by(inst: ins.Instruction) -> str:
    """BuildKit's history text for the instructions layerlab does not model further."""
    if isinstance(inst, ins.Stopsignal):
        return f"STOPSIGNAL {inst.signal}"
    if isinstance(inst, ins.Maintainer):
        return f"MAINTAINER {inst.name}"
    if isinstance(inst, ins.Onbuild) and inst.expression:
        return f"ONBUILD {inst.expression}"
    if isinstance(inst, ins.Healthcheck):  # Go's %q of the config's Healthcheck struct
        times = " ".join(f'"{go_duration(t)}"' for t in (inst.interval, inst.timeout, inst.start_period))
        return f"HEALTHCHECK &{{{go_quoted(list(inst.test))} {times} '\\x{inst.retries or 0:02x}'}}"
    return inst.original


def go_quoted(words: list[str]) -> str:
    """Go's fmt %q of a []string, as BuildKit writes CMD and ENTRYPOINT: ["a" "b"]."""
    return "[" + " ".join(json.dumps(w, ensure_ascii=False) for w in words) + "]"


def go_duration(seconds: float | None) -> str:
    """Go's time.Duration String() for the whole seconds and milliseconds a Dockerfile gives."""
    ms = round((seconds or 0) * 1000)
    if ms == 0:
        return "0s"
    if ms < 1000:
        return f"{ms}ms"
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs = f"{rest / 1000:.3f}".rstrip("0").rstrip(".") + "s"
    return (f"{hours}h" if hours else "") + (f"{minutes}m" if hours or minutes else "") + secs


def dispatch_workdir(state: StageState, inst: ins.Workdir, build: BuildWide) -> Outcome:
    """BuildKit makes every WORKDIR a mkdir -p of its own layer: empty when the directory
    exists already (docker history shows it with a size of 0), the new directories otherwise."""
    path = posixpath.normpath(posixpath.join(state.workdir, inst.path))
    config = config_with(state.image, WorkingDir=path)
    upper = Layer()
    fs = UnionFS(list(state.image.layers), upper)
    if path == "/" or fs.exists(path):
        return Outcome(image_with(state.image, layer=upper.freeze(), created_by=f"WORKDIR {path}", config=config),
                       created_layer=True)
    trace = fs.mkdir(path, parents=True)
    return Outcome(image_with(state.image, layer=upper.freeze(), created_by=f"WORKDIR {path}", config=config),
                   created_layer=True, traces=[trace],
                   notes=[f"{path} did not exist: BuildKit creates it, in a small layer of its own"])


def _config_step(state: StageState, created_by: str, **changes) -> Outcome:
    return Outcome(image_with(state.image, created_by=created_by, config=config_with(state.image, **changes)))


def _argv(state: StageState, command: str | list[str]) -> list[str]:
    """CMD/ENTRYPOINT as the config stores it: the JSON form as is, the shell form under SHELL."""
    if isinstance(command, list):
        return list(command)
    return [*(state.image.config.get("Shell") or ["/bin/sh", "-c"]), command]
