"""What a line typed in the playground's command line asks Docker to do.

``docker run [--name N] IMAGE``, ``docker exec [-it] C CMD...``, ``docker rm [-f] C``,
``docker commit C TAG`` and ``docker diff C`` are Docker's verbs; any other
line is a command run in the current container, as if typed in its shell
(``docker exec C sh -c LINE``). Lines are split with shlex, as a shell would.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

VERBS = ("run", "exec", "rm", "commit", "diff")
# Flags of docker run/exec that take no value and change nothing the simulator draws.
QUIET_FLAGS = {"-d", "--detach", "-i", "-t", "-it", "-ti", "-dit", "--interactive", "--tty", "-f", "--force"}


class CommandError(ValueError):
    """A line the playground cannot read; the message says how to write it."""


@dataclass(frozen=True)
class Command:
    verb: str  # run | exec | rm | commit | diff
    container: str | None = None  # the container named (None: the current one)
    image: str | None = None  # run: the image; commit: the new tag
    script: str = ""  # exec: the shell command line


def parse_command(line: str) -> Command:
    """The Docker verb a command line asks for. Raises CommandError."""
    text = line.strip()
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise CommandError(f"cannot split the command: {exc}") from None
    if not words:
        raise CommandError("type a command, such as: echo hi > /greeting")
    if words[0] != "docker":
        return Command("exec", script=text)
    if len(words) < 2 or words[1] not in VERBS:
        raise CommandError("the playground knows docker run, exec, rm, commit and diff "
                           "(any other line runs in the container's shell)")
    verb, rest = words[1], words[2:]
    return _PARSERS[verb](rest)


def _run(rest: list[str]) -> Command:
    name = None
    args = [w for w in rest if w not in QUIET_FLAGS and w != "--rm"]
    while args and args[0].startswith("-"):
        flag = args.pop(0)
        if flag == "--name" and args:
            name = args.pop(0)
        elif flag.startswith("--name="):
            name = flag.split("=", 1)[1]
        else:
            raise CommandError(f"docker run: the playground does not know the flag {flag}")
    if not args:
        raise CommandError("docker run needs an image: docker run [--name NAME] IMAGE")
    return Command("run", container=name, image=args[0], script=shlex.join(args[1:]))


def _exec(rest: list[str]) -> Command:
    args = [w for w in rest if w not in QUIET_FLAGS]
    if len(args) < 2:
        raise CommandError("docker exec needs a container and a command: docker exec CONTAINER COMMAND")
    container, argv = args[0], args[1:]
    if len(argv) == 3 and argv[0] in ("sh", "/bin/sh", "bash", "/bin/bash") and argv[1] == "-c":
        return Command("exec", container=container, script=argv[2])
    return Command("exec", container=container, script=shlex.join(argv))


def _one_container(verb: str):
    def parse(rest: list[str]) -> Command:
        args = [w for w in rest if w not in QUIET_FLAGS]
        if len(args) != 1:
            raise CommandError(f"docker {verb} takes one container: docker {verb} CONTAINER")
        return Command(verb, container=args[0])
    return parse


def _commit(rest: list[str]) -> Command:
    if len(rest) != 2 or rest[0].startswith("-"):
        raise CommandError("docker commit takes a container and a tag: docker commit CONTAINER TAG")
    return Command("commit", container=rest[0], image=rest[1])


_PARSERS = {"run": _run, "exec": _exec, "rm": _one_container("rm"), "diff": _one_container("diff"), "commit": _commit}
