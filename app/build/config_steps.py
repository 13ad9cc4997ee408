"""Handlers of the instructions that change only the image config (and WORKDIR).

Each takes (stage state, expanded instruction, build-wide options) and
returns an Outcome; none changes its arguments.
"""

from __future__ import annotations

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
    created_by = f"ARG {' '.join(n if d is None else f'{n}={d}' for n, d in inst.pairs)}"
    return Outcome(image_with(state.image, created_by=created_by), args=args)


def dispatch_label(state: StageState, inst: ins.Label, build: BuildWide) -> Outcome:
    labels = {**(state.image.config.get("Labels") or {}), **dict(inst.pairs)}
    return _config_step(state, inst, Labels=labels)


def dispatch_cmd(state: StageState, inst: ins.Cmd, build: BuildWide) -> Outcome:
    return _config_step(state, inst, Cmd=_argv(state, inst.command))


def dispatch_entrypoint(state: StageState, inst: ins.Entrypoint, build: BuildWide) -> Outcome:
    return _config_step(state, inst, Entrypoint=_argv(state, inst.command))


def dispatch_user(state: StageState, inst: ins.User, build: BuildWide) -> Outcome:
    config = config_with(state.image, User=inst.user)
    return Outcome(image_with(state.image, created_by=f"USER {inst.user}", config=config))


def dispatch_expose(state: StageState, inst: ins.Expose, build: BuildWide) -> Outcome:
    ports = dict(state.image.config.get("ExposedPorts") or {})
    for port in inst.ports:
        ports[port if "/" in port else f"{port}/tcp"] = {}
    return _config_step(state, inst, ExposedPorts=ports)


def dispatch_volume(state: StageState, inst: ins.Volume, build: BuildWide) -> Outcome:
    volumes = dict(state.image.config.get("Volumes") or {})
    for path in inst.paths:
        volumes[path] = {}
    return _config_step(state, inst, Volumes=volumes)


def dispatch_shell(state: StageState, inst: ins.Shell, build: BuildWide) -> Outcome:
    return _config_step(state, inst, Shell=list(inst.argv))


def dispatch_config_only(state: StageState, inst: ins.Instruction, build: BuildWide) -> Outcome:
    """STOPSIGNAL, HEALTHCHECK, ONBUILD, MAINTAINER: a history entry, nothing layerlab models."""
    return Outcome(image_with(state.image, created_by=inst.original),
                   notes=[f"{inst.keyword.upper()} changes only the image config"])


def dispatch_workdir(state: StageState, inst: ins.Workdir, build: BuildWide) -> Outcome:
    """A WORKDIR that does not exist yet is created, in a small layer of its own (BuildKit)."""
    path = posixpath.normpath(posixpath.join(state.workdir, inst.path))
    config = config_with(state.image, WorkingDir=path)
    upper = Layer()
    fs = UnionFS(list(state.image.layers), upper)
    if path == "/" or fs.exists(path):
        return Outcome(image_with(state.image, created_by=f"WORKDIR {path}", config=config))
    trace = fs.mkdir(path, parents=True)
    return Outcome(image_with(state.image, layer=upper.freeze(), created_by=f"WORKDIR {path}", config=config),
                   created_layer=True, traces=[trace],
                   notes=[f"{path} did not exist: BuildKit creates it, in a small layer of its own"])


def _config_step(state: StageState, inst: ins.Instruction, **changes) -> Outcome:
    return Outcome(image_with(state.image, created_by=inst.original, config=config_with(state.image, **changes)))


def _argv(state: StageState, command: str | list[str]) -> list[str]:
    """CMD/ENTRYPOINT as the config stores it: the JSON form as is, the shell form under SHELL."""
    if isinstance(command, list):
        return list(command)
    return [*(state.image.config.get("Shell") or ["/bin/sh", "-c"]), command]
