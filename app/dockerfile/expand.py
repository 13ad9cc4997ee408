"""Variable expansion of typed instructions, and the ARG/ENV scope it needs.

BuildKit expands `$VAR` itself in the words of FROM, COPY/ADD, ENV, LABEL,
ARG, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL (and RUN --mount values), but
leaves RUN/CMD/ENTRYPOINT text to the shell in the container, and ONBUILD and
HEALTHCHECK alone.  Expansion also removes quotes: `ENV A="x y"` sets `x y`.

Which variables are visible follows BuildKit: an ARG before the first FROM
(a "meta" ARG) is usable only in FROM lines, unless a stage re-declares it
with `ARG NAME`, which then takes the global value; ENV wins over an ARG of
the same name; build arguments (`--build-arg`) override ARG defaults.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from .errors import DockerfileError
from .lexer import Lexer, ShellWordError
from .mounts import MountError, parse_mount
from .parser import Heredoc, heredoc_marker
from . import instruction_types as ins
from .ports import check_port_spec

__all__ = ["expand", "Scope", "platform_args"]


def platform_args(platform: str = "linux/amd64") -> dict[str, str]:
    """BuildKit's automatic platform ARGs (TARGETOS, BUILDARCH ...) for one platform."""
    parts = platform.split("/")
    os_, arch = parts[0], parts[1] if len(parts) > 1 else ""
    variant = parts[2] if len(parts) > 2 else ""
    out = {}
    for prefix in ("BUILD", "TARGET"):
        out[prefix + "PLATFORM"] = platform
        out[prefix + "OS"] = os_
        out[prefix + "ARCH"] = arch
        out[prefix + "VARIANT"] = variant
    return out


class _Expander:
    def __init__(self, inst: ins.Instruction, env: Mapping[str, str], escape: str, filename: str):
        self.inst = inst
        self.env = env
        self.lexer = Lexer(escape)
        self.escape = escape
        self.filename = filename

    def error(self, message: str, text: str, hint: str | None = None) -> DockerfileError:
        """An error at the word's place in the instruction (exact for one-line instructions)."""
        column = self.inst.original.find(text) + 1 if text else 0
        return DockerfileError(message, self.filename, self.inst.line, max(column, 1), hint)

    def word(self, text: str | None) -> str | None:
        if text is None:
            return None
        try:
            return self.lexer.process_word(text, self.env)
        except ShellWordError as err:
            raise self.error(str(err), text, "Check the ${...} and the quotes in this word.") from None

    def words(self, text: str) -> list[str]:
        try:
            return self.lexer.process_words(text, self.env)
        except ShellWordError as err:
            raise self.error(str(err), text, "Check the ${...} and the quotes in this word.") from None

    def source(self, text: str, is_json: bool) -> str:
        """A COPY/ADD source; a heredoc marker stays as written so it still names its document."""
        if not is_json and heredoc_marker(text) is not None:
            return text
        return self.word(text)

    def heredoc(self, doc: Heredoc) -> Heredoc:
        if not doc.expand:
            return doc
        lexer = Lexer(self.escape, skip_process_quotes=True)
        try:
            content = lexer.process_word(doc.content, self.env)
        except ShellWordError as err:
            raise self.error(str(err), "<<", f"Quote the name (<<'{doc.name}') to keep the text as it is.") from None
        return dataclasses.replace(doc, content=content)


def expand(inst: ins.Instruction, env: Mapping[str, str], escape: str = "\\", *,
           filename: str = "Dockerfile") -> ins.Instruction:
    """A copy of `inst` with the words BuildKit expands expanded against `env`."""
    x = _Expander(inst, env, escape, filename)
    replace = dataclasses.replace
    if isinstance(inst, ins.From):
        return replace(inst, image=x.word(inst.image), platform=x.word(inst.platform))
    if isinstance(inst, ins.Copy):
        return replace(inst, sources=[x.source(s, inst.json) for s in inst.sources], dest=x.word(inst.dest),
                       from_stage=x.word(inst.from_stage), chown=x.word(inst.chown), chmod=x.word(inst.chmod),
                       exclude=[x.word(e) for e in inst.exclude], heredocs=[x.heredoc(d) for d in inst.heredocs])
    if isinstance(inst, ins.Add):
        return replace(inst, sources=[x.source(s, inst.json) for s in inst.sources], dest=x.word(inst.dest),
                       chown=x.word(inst.chown), chmod=x.word(inst.chmod), checksum=x.word(inst.checksum),
                       exclude=[x.word(e) for e in inst.exclude], heredocs=[x.heredoc(d) for d in inst.heredocs])
    if isinstance(inst, (ins.Env, ins.Label)):
        return replace(inst, pairs=[(x.word(k), x.word(v)) for k, v in inst.pairs])
    if isinstance(inst, ins.Arg):
        return replace(inst, pairs=[(x.word(k), x.word(v)) for k, v in inst.pairs])
    if isinstance(inst, ins.Workdir):
        return replace(inst, path=x.word(inst.path))
    if isinstance(inst, ins.User):
        return replace(inst, user=x.word(inst.user))
    if isinstance(inst, ins.Expose):
        ports = [port for word in inst.ports for port in x.words(word)]
        for port in ports:
            problem = check_port_spec(port)
            if problem:
                raise x.error(problem, "", "Ports look like 80, 80/tcp, 53/udp or 8000-8010.")
        return replace(inst, ports=ports)
    if isinstance(inst, ins.Volume):
        return replace(inst, paths=[x.word(p) for p in inst.paths])
    if isinstance(inst, ins.Stopsignal):
        return replace(inst, signal=x.word(inst.signal))
    if isinstance(inst, ins.Run) and inst.mounts:
        mounts = []
        for mount in inst.mounts:
            try:
                mounts.append(parse_mount(x.word(mount.spec)))
            except MountError as err:
                raise x.error(str(err), mount.spec, "Example: --mount=type=cache,target=/root/.cache") from None
        return replace(inst, mounts=mounts)
    return replace(inst)


class Scope:
    """Which ARG and ENV values an instruction sees, stage by stage, as BuildKit tracks them.

    Use: `scope.apply(inst)` for every instruction in order (meta ARGs, then
    each stage's FROM and instructions); it returns the expanded instruction
    and updates the scope.  `scope.env` is what the next instruction sees.
    """

    def __init__(self, build_args: Mapping[str, str] | None = None, *, escape: str = "\\",
                 platform: str = "linux/amd64", filename: str = "Dockerfile"):
        self.build_args = dict(build_args or {})
        self.escape = escape
        self.filename = filename
        self.global_args: dict[str, str] = platform_args(platform)
        self.stage_args: dict[str, str] = {}
        self.stage_env: dict[str, str] = {}
        self.in_stage = False

    @property
    def env(self) -> dict[str, str]:
        """Variables visible to the next instruction: before FROM the meta ARGs, in a stage ARG then ENV."""
        if not self.in_stage:
            return dict(self.global_args)
        return {**self.stage_args, **self.stage_env}

    def enter_stage(self, base_env: Mapping[str, str] | None = None) -> None:
        """Start a stage; its ENV starts as the base image's, no ARG is visible yet."""
        self.in_stage = True
        self.stage_args = {}
        self.stage_env = dict(base_env or {})

    def apply(self, inst: ins.Instruction, base_env: Mapping[str, str] | None = None) -> ins.Instruction:
        if isinstance(inst, ins.From):
            expanded = expand(inst, self.global_args, self.escape, filename=self.filename)
            self.enter_stage(base_env)
            return expanded
        if isinstance(inst, ins.Arg):
            return self._declare(inst)
        expanded = expand(inst, self.env, self.escape, filename=self.filename)
        if isinstance(expanded, ins.Env):
            for key, value in expanded.pairs:
                self.stage_env[key] = value
        return expanded

    def _declare(self, arg: ins.Arg) -> ins.Arg:
        pairs = []
        for name, default in arg.pairs:
            # Each ARG sees the ones declared before it on the same line.
            visible = self.env
            probe = dataclasses.replace(arg, pairs=[(name, default)])
            name, value = expand(probe, visible, self.escape, filename=self.filename).pairs[0]
            if name in self.build_args:
                value = self.build_args[name]
            elif value is None and self.in_stage and name in self.global_args:
                value = self.global_args[name]
            target = self.stage_args if self.in_stage else self.global_args
            if value is not None:
                target[name] = value
            pairs.append((name, value))
        return dataclasses.replace(arg, pairs=pairs)
