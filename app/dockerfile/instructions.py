"""Parse tree -> typed instructions and stages, checked with BuildKit's rules (its instructions/parse.go).

The parser (`parser.py`) only cuts text into keyword, flags and arguments.
Here each instruction gets its meaning: which flags it accepts, how many
arguments, what they are called; a refusal becomes a `DockerfileError` at the
offending word. The types live in `instruction_types.py` and are re-exported
here with `expand()` and `Scope` (`expand.py`), so callers import one module.
"""

from __future__ import annotations

import re

from .errors import DockerfileError, did_you_mean
from .expand import Scope, expand
from .flags import BOOL, STRING, STRINGS, FlagError, Flags
from .gotext import quote
from .instruction_types import (
    KEYWORDS, Add, Arg, Cmd, Copy, Dockerfile, Entrypoint, Env, Expose, From, Healthcheck, Instruction,
    Label, Maintainer, Onbuild, Run, Shell, Stage, Stopsignal, User, Volume, Workdir,
)
from .mounts import Mount, MountError, parse_mount
from .parser import Heredoc, Node, heredoc_marker, parse
from .ports import check_port_spec

__all__ = [
    "Instruction", "From", "Run", "Copy", "Add", "Cmd", "Entrypoint", "Env", "Label", "Arg",
    "Workdir", "User", "Expose", "Volume", "Stopsignal", "Healthcheck", "Shell", "Onbuild",
    "Maintainer", "Stage", "Dockerfile", "parse_dockerfile", "instruction_from_node",
    "KEYWORDS", "expand", "Scope", "check_port_spec",
]

_VALID_STAGE_NAME = re.compile(r"[a-z][a-z0-9\-_.]*\Z")
_DURATION_PART = re.compile(r"([0-9]*\.?[0-9]*)(ns|us|µs|μs|ms|s|m|h)")
_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_LEADING_TABS = re.compile(r"^\t+", re.MULTILINE)


# ---------------------------------------------------------------------------
# node -> instruction


class _Refusal(Exception):
    """Internal: BuildKit refuses this instruction; the caller adds the location."""

    def __init__(self, message: str, offending: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.offending = offending
        self.hint = hint


def _flags(node: Node, declared: dict[str, str]) -> Flags:
    flags = Flags(node.flags)
    for name, kind in declared.items():
        flags.add(name, kind)
    try:
        flags.parse()
    except FlagError as err:
        raise _Refusal(err.message, err.flag, err.hint) from None
    return flags


def _common(node: Node) -> dict:
    return {"original": node.original, "line": node.start_line, "end_line": node.end_line}


def _exactly_one(node: Node, keyword: str, example: str) -> str:
    if len(node.value) != 1:
        raise _Refusal(f"{keyword} requires exactly one argument", None,
                       hint=f"Example: {keyword} {example}")
    return node.value[0]


def _chomped(doc: Heredoc) -> Heredoc:
    content = _LEADING_TABS.sub("", doc.content) if doc.chomp else doc.content
    return Heredoc(doc.name, content, doc.file_descriptor, doc.expand, doc.chomp)


def _sources_and_dest(node: Node, keyword: str) -> tuple[list[str], str, list[Heredoc]]:
    if len(node.value) < 2:
        raise _Refusal(f"{keyword} requires at least two arguments, but only one was provided. "
                       "Destination could not be determined",
                       node.value[0] if node.value else None,
                       hint=f"Example: {keyword} app.py /app/  (sources first, destination last)")
    *sources, dest = node.value
    if not node.json and heredoc_marker(dest) is not None:
        raise _Refusal(f"{keyword} cannot accept a heredoc as a destination", dest,
                       hint=f"Example: {keyword} <<EOF /app/config.txt")
    return list(sources), dest, [_chomped(doc) for doc in node.heredocs]


def _duration(flags: Flags, name: str) -> float | None:
    text = flags.string(name)
    if text == "":
        return None
    seconds = _parse_go_duration(text)
    if seconds is None:
        raise _Refusal(f'time: invalid duration "{text}"', f"--{name}",
                       hint=f"Write --{name}=30s (units: ns, us, ms, s, m, h).")
    if 0 < seconds < 0.001:
        raise _Refusal(f'Interval "{name}" cannot be less than 1ms', f"--{name}")
    return seconds


def _parse_go_duration(text: str) -> float | None:
    """Go's time.ParseDuration, in seconds (None when Go would refuse it)."""
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.lstrip("+-") if text[:1] in "+-" else text
    if body == "0":
        return 0.0
    if not body:
        return None
    total, pos = 0.0, 0
    while pos < len(body):
        match = _DURATION_PART.match(body, pos)
        if not match or match.group(1) in ("", "."):
            return None
        total += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
        pos = match.end()
    return sign * total




def _from(node: Node) -> From:
    args = node.value
    if len(args) == 3 and args[1].lower() == "as":
        name = args[2].lower()
        if not _VALID_STAGE_NAME.match(name):
            raise _Refusal(f"invalid name for build stage: {quote(args[2])}, name can't start with a number "
                           "or contain symbols", args[2], hint="Stage names look like: build, app-1, base.dev")
    elif len(args) != 1:
        raise _Refusal("FROM requires either one or three arguments", None,
                       hint="Example: FROM debian:bookworm AS build")
    else:
        name = None
    flags = _flags(node, {"platform": STRING})
    return From(args[0], name, flags.string("platform") or None, **_common(node))


def _run(node: Node) -> Run:
    flags = _flags(node, {"mount": STRINGS, "network": STRING, "security": STRING, "device": STRINGS})
    mounts = []
    for spec in flags.strings("mount"):
        if "$" in spec:
            mounts.append(Mount(spec=spec))  # parsed once expanded
            continue
        try:
            mounts.append(parse_mount(spec))
        except MountError as err:
            raise _Refusal(str(err), spec, hint="Example: --mount=type=cache,target=/root/.cache") from None
    network = flags.string("network") or None
    if network is not None and network not in ("default", "none", "host"):
        raise _Refusal(f"unsupported network mode {quote(network)}", network,
                       hint="--network takes default, none or host.")
    security = flags.string("security") or None
    if security is not None and security not in ("sandbox", "insecure"):
        raise _Refusal(f"security {quote(security)} is not valid", security,
                       hint="--security takes sandbox or insecure.")
    command: str | list[str] = list(node.value) if node.json else (node.value[0] if node.value else "")
    return Run(command, node.json, [_chomped(doc) for doc in node.heredocs], mounts, network, security,
               **_common(node))


def _copy(node: Node) -> Copy:
    sources, dest, docs = _sources_and_dest(node, "COPY")
    flags = _flags(node, {"chown": STRING, "from": STRING, "chmod": STRING, "link": BOOL,
                          "exclude": STRINGS, "parents": BOOL})
    return Copy(sources, dest, flags.string("from") or None, flags.string("chown") or None,
                flags.string("chmod") or None, flags.boolean("link"), flags.strings("exclude"),
                flags.boolean("parents"), docs, node.json, **_common(node))


def _add(node: Node) -> Add:
    sources, dest, docs = _sources_and_dest(node, "ADD")
    flags = _flags(node, {"chown": STRING, "chmod": STRING, "link": BOOL, "keep-git-dir": BOOL,
                          "checksum": STRING, "unpack": BOOL, "exclude": STRINGS})
    unpack = flags.boolean("unpack") if flags.used("unpack") else None
    return Add(sources, dest, flags.string("chown") or None, flags.string("chmod") or None,
               flags.string("checksum") or None, flags.boolean("keep-git-dir"), flags.boolean("link"),
               flags.strings("exclude"), docs, unpack, node.json, **_common(node))


def _command_line(node: Node) -> str | list[str]:
    return list(node.value) if node.json else (node.value[0] if node.value else "")


def _cmd(node: Node) -> Cmd:
    _flags(node, {})
    return Cmd(_command_line(node), node.json, **_common(node))


def _entrypoint(node: Node) -> Entrypoint:
    _flags(node, {})
    command = _command_line(node)
    return Entrypoint(command if command else None, node.json, **_common(node))


def _pairs(node: Node, keyword: str) -> list[tuple[str, str]]:
    if not node.value:
        raise _Refusal(f"{keyword} requires at least one argument", None,
                       hint=f"Example: {keyword} name=value")
    pairs = []
    for i in range(0, len(node.value), 2):
        key, value = node.value[i], node.value[i + 1]
        if key == "":
            raise _Refusal(f"{keyword} names can not be blank", "=" + value,
                           hint=f"Example: {keyword} name=value")
        pairs.append((key, value))
    return pairs


def _env(node: Node) -> Env:
    _flags(node, {})
    return Env(_pairs(node, "ENV"), **_common(node))


def _label(node: Node) -> Label:
    _flags(node, {})
    return Label(_pairs(node, "LABEL"), **_common(node))


def _arg(node: Node) -> Arg:
    if not node.value:
        raise _Refusal("ARG requires at least one argument", None, hint="Example: ARG VERSION=1.0")
    flags = _flags(node, {"required": BOOL})
    pairs: list[tuple[str, str | None]] = []
    for word in node.value:
        if "=" in word:
            key, value = word.split("=", 1)
            if key == "":
                raise _Refusal("ARG names can not be blank", word, hint="Example: ARG VERSION=1.0")
            pairs.append((key, value))
        else:
            pairs.append((word, None))
    return Arg(pairs, flags.used("required"), **_common(node))


def _workdir(node: Node) -> Workdir:
    path = _exactly_one(node, "WORKDIR", "/app")
    _flags(node, {})
    return Workdir(path, **_common(node))


def _user(node: Node) -> User:
    user = _exactly_one(node, "USER", "app  or  1000:1000")
    _flags(node, {})
    return User(user, **_common(node))


def _expose(node: Node) -> Expose:
    if not node.value:
        raise _Refusal("EXPOSE requires at least one argument", None, hint="Example: EXPOSE 80/tcp")
    _flags(node, {})
    for port in node.value:
        problem = None if "$" in port else check_port_spec(port)
        if problem:
            raise _Refusal(problem, port, hint="Ports look like 80, 80/tcp, 53/udp or 8000-8010.")
    return Expose(list(node.value), **_common(node))


def _volume(node: Node) -> Volume:
    if not node.value:
        raise _Refusal("VOLUME requires at least one argument", None, hint="Example: VOLUME /data")
    _flags(node, {})
    paths = []
    for path in node.value:
        if path.strip() == "":
            raise _Refusal("VOLUME specified can not be an empty string", None,
                           hint='Example: VOLUME ["/data"]')
        paths.append(path.strip())
    return Volume(paths, **_common(node))


def _stopsignal(node: Node) -> Stopsignal:
    # BuildKit parses no flags for STOPSIGNAL, so it neither accepts nor refuses any.
    return Stopsignal(_exactly_one(node, "STOPSIGNAL", "SIGTERM"), **_common(node))


def _healthcheck(node: Node) -> Healthcheck:
    if not node.value:
        raise _Refusal("HEALTHCHECK requires at least one argument", None,
                       hint="Example: HEALTHCHECK CMD curl -f http://localhost/ || exit 1")
    kind = node.value[0].upper()
    args = node.value[1:]
    if kind == "NONE":
        if args:
            raise _Refusal("HEALTHCHECK NONE takes no arguments", args[0])
        return Healthcheck(["NONE"], **_common(node))
    flags = _flags(node, {"interval": STRING, "timeout": STRING, "start-period": STRING,
                          "start-interval": STRING, "retries": STRING})
    if kind != "CMD":
        raise _Refusal(f"Unknown type {quote(kind)} in HEALTHCHECK (try CMD)", node.value[0],
                       hint="HEALTHCHECK takes CMD <command> or NONE.")
    if not args:
        raise _Refusal("Missing command after HEALTHCHECK CMD", node.value[0],
                       hint="Example: HEALTHCHECK CMD curl -f http://localhost/ || exit 1")
    test = ["CMD"] + list(args) if node.json else ["CMD-SHELL"] + list(args)
    retries = None
    if flags.string("retries"):
        text = flags.string("retries")
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            raise _Refusal(f'strconv.ParseInt: parsing {quote(text)}: invalid syntax', "--retries",
                           hint="Write a whole number of retries, e.g. --retries=3.")
        retries = int(text)
        if retries < 0:
            raise _Refusal(f"--retries cannot be negative ({retries})", "--retries")
    return Healthcheck(test, _duration(flags, "interval"), _duration(flags, "timeout"),
                       _duration(flags, "start-period"), _duration(flags, "start-interval"), retries,
                       **_common(node))


def _shell(node: Node) -> Shell:
    _flags(node, {})
    if not node.value:
        raise _Refusal("SHELL requires at least one argument", None, hint='Example: SHELL ["/bin/bash", "-c"]')
    if not node.json:
        raise _Refusal("SHELL requires the arguments to be in JSON form", node.value[0],
                       hint=f'Write it as JSON: SHELL {_as_json_hint(node.value[0])}')
    return Shell(list(node.value), **_common(node))


def _as_json_hint(text: str) -> str:
    return "[" + ", ".join(quote(word) for word in text.split()) + "]"


def _onbuild(node: Node) -> Onbuild:
    if node.next is None:
        raise _Refusal("ONBUILD requires at least one argument", None, hint="Example: ONBUILD COPY . /app")
    _flags(node, {})
    trigger = node.next.keyword.upper()
    if trigger == "ONBUILD":
        raise _Refusal("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", node.next.original,
                       hint="Give ONBUILD one ordinary instruction, e.g. ONBUILD RUN make.")
    if trigger in ("MAINTAINER", "FROM"):
        raise _Refusal(f"{trigger} isn't allowed as an ONBUILD trigger", node.next.original,
                       hint="A trigger runs inside the child's build; it cannot start a stage or set metadata.")
    expression = re.sub(r"(?i)^\s*ONBUILD\s*", "", node.original)
    for doc in node.heredocs:
        expression += "\n" + doc.content + doc.name
    try:
        inner = instruction_from_node(node.next)
    except _Refusal:
        inner = None
    return Onbuild(inner, expression, **_common(node))


def _maintainer(node: Node) -> Maintainer:
    name = _exactly_one(node, "MAINTAINER", "Jane Doe <jane@example.com>")
    _flags(node, {})
    return Maintainer(name, **_common(node))


_BUILDERS = {
    "from": _from, "run": _run, "copy": _copy, "add": _add, "cmd": _cmd, "entrypoint": _entrypoint,
    "env": _env, "label": _label, "arg": _arg, "workdir": _workdir, "user": _user, "expose": _expose,
    "volume": _volume, "stopsignal": _stopsignal, "healthcheck": _healthcheck, "shell": _shell,
    "onbuild": _onbuild, "maintainer": _maintainer,
}


def instruction_from_node(node: Node) -> Instruction:
    """One parse-tree node -> its typed instruction (raises _Refusal without a location)."""
    builder = _BUILDERS.get(node.cmd)
    if builder is None:
        suggestion = did_you_mean(node.keyword, list(KEYWORDS))
        message = f"unknown instruction: {node.keyword}"
        if suggestion:
            message += f" (did you mean {suggestion}?)"
        raise _Refusal(message, node.keyword,
                       hint=None if suggestion else "Instructions are: " + ", ".join(KEYWORDS) + ".")
    return builder(node)


# ---------------------------------------------------------------------------
# the whole file


def _locate(lines: list[str], text: str | None, start: int, end: int) -> tuple[int, int]:
    """(line, column) of `text` within lines start..end, else the instruction's first word.

    A match that starts a word (after a blank, `=` or the line start) wins over
    one inside another word, so `ENV a=b c` points at the lone `c`.
    """
    last = min(end, len(lines))
    if text:
        pattern = re.compile(r"(?:^|(?<=[\s=]))" + re.escape(text))
        for number in range(start, last + 1):
            match = pattern.search(lines[number - 1])
            if match:
                return number, match.start() + 1
        for number in range(start, last + 1):
            column = lines[number - 1].find(text)
            if column >= 0:
                return number, column + 1
    first = lines[start - 1] if 0 < start <= len(lines) else ""
    return start, len(first) - len(first.lstrip()) + 1


def parse_dockerfile(text: str, filename: str = "Dockerfile") -> Dockerfile:
    """Dockerfile text -> meta ARGs and stages of typed instructions; DockerfileError if BuildKit refuses it."""
    result = parse(text, filename)
    lines = [line.rstrip("\r") for line in text.split("\n")]
    meta_args: list[Arg] = []
    stages: list[Stage] = []
    names: dict[str, int] = {}

    def refuse(message: str, node: Node, offending: str | None, hint: str | None) -> DockerfileError:
        line, column = _locate(lines, offending, node.start_line, node.end_line)
        return DockerfileError(message, filename, line, column, hint)

    for node in result.nodes:
        try:
            instruction = instruction_from_node(node)
        except _Refusal as err:
            raise refuse(err.message, node, err.offending, err.hint) from None
        instruction.source = "\n".join(lines[node.start_line - 1:node.end_line])
        if isinstance(instruction, From):
            if instruction.stage_name is not None:
                if instruction.stage_name in names:
                    raise refuse(f"duplicate stage name {quote(instruction.stage_name)}", node,
                                 node.value[2], f"Stage {names[instruction.stage_name]} already has that "
                                 "name; pick another one.")
                names[instruction.stage_name] = len(stages)
            stages.append(Stage(len(stages), instruction.stage_name, instruction))
        elif not stages:
            if isinstance(instruction, Arg):
                meta_args.append(instruction)
            else:
                raise refuse(f"no build stage in current context: {node.keyword} comes before the first FROM",
                             node, node.keyword, "Start the Dockerfile with FROM (only ARG may come before it).")
        else:
            stages[-1].instructions.append(instruction)
    if not stages:
        last = result.nodes[-1]
        raise refuse("dockerfile contains no stages to build", last, None,
                     "Add a FROM instruction, e.g. FROM debian:bookworm-slim.")
    return Dockerfile(meta_args, stages, list(result.warnings), result.escape, dict(result.directives))

