"""Programs that start another shell or command: ``sh``/``bash``, ``env``, ``nohup``...

In a real build each is a child process; here it is a new ``Shell`` of this
interpreter (``Shell.child``) that gets a copy of the exported environment
and nothing else, or the same shell running the wrapped command with a
changed environment. They are commands (``(ctx) -> int``), handed to the
interpreter with the others by ``app.shell.run``.
"""

from __future__ import annotations

import posixpath

from app.engine import FSError

from .builtins import NAME, apply_options
from .commands import registrar
from .context import decode
from .dispatch import Command
from .interpreter import Shell
from .state import MAX_SCRIPT, too_big_hint
from .streams import IO

PROGRAMS: dict[str, Command] = {}


program = registrar(PROGRAMS)


# -- child shells -------------------------------------------------------------------------
def run_shell_script(shell: Shell, script: str, argv: list[str], env: dict[str, str], io: IO,
                     dialect: str, options: list[str] | None = None) -> int:
    """Run ``script`` in a new shell process: it inherits only the environment and cwd."""
    child = shell.child(env, argv, dialect)
    if options:
        if apply_options(child, options, io, cmd=argv[0]) is None:
            return 2
    return child.run_script(script, io)


def shell_command(ctx) -> int:
    """``sh``/``bash``/``dash``: ``-c 'script' [name args]``, ``script.sh [args]`` or stdin."""
    shell: Shell = ctx.shell
    argv = ctx.argv
    dialect = "bash" if argv[0] == "bash" else "ash" if argv[0] == "ash" else \
        ("dash" if argv[0] == "dash" else shell.record.sh_dialect)
    options: list[str] = []
    script = None
    from_stdin = False  # -s: the script comes from stdin, the operands are $1...
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "-c":
            script = ""
            i += 1
            continue
        if a == "--":
            i += 1
            break
        if a in ("-o", "+o") and i + 1 < len(argv):
            options += [a, argv[i + 1]]
            i += 2
            continue
        if a.startswith("--"):
            i += 1
            continue
        if len(a) > 1 and a[0] in "-+":
            if "c" in a[1:]:
                script = ""
            if "s" in a[1:] and a[0] == "-":
                from_stdin = True
            letters = a[1:].replace("c", "").replace("l", "").replace("i", "").replace("s", "")
            if letters:
                options.append(a[0] + letters)
            i += 1
            continue
        break
    rest = argv[i:]
    io = ctx.streams()
    if script == "":
        if not rest:
            shell.error(io, f"{argv[0]}: -c requires an argument")
            return 2
        return run_shell_script(shell, rest[0], rest[1:] or [argv[0]], ctx.env, io, dialect, options)
    if rest and not from_stdin:
        full = posixpath.join(shell.state.cwd, rest[0])
        try:
            data = shell.record.fs.read(full)
        except FSError:
            ctx.err(f"{argv[0]}: 0: cannot open {rest[0]}: No such file\n" if dialect == "dash" else
                    f"{argv[0]}: {rest[0]}: No such file or directory\n")
            return 2 if dialect == "dash" else 127
        if len(data) > MAX_SCRIPT:
            ctx.not_simulated(" ".join(argv), too_big_hint(rest[0], len(data)))
            return 0
        return run_shell_script(shell, decode(data), rest, ctx.env, io, dialect, options)
    from .commands.net import UNKNOWN_DOWNLOAD
    if UNKNOWN_DOWNLOAD in ctx.stdin:
        ctx.not_simulated(f"{argv[0]} (script piped in from a download)",
                          "the script was downloaded while the build runs; layerlab cannot know "
                          "what it does, so the layer shows only what the other commands did")
        return 0
    return run_shell_script(shell, ctx.stdin, [argv[0]] + rest, ctx.env, IO("", io.fds), dialect,
                            options)


for _name in ("sh", "bash", "dash", "ash"):
    PROGRAMS[_name] = shell_command


@program("env")
def env_command(ctx) -> int:
    """``env [-i] [-u NAME] [NAME=VALUE]... [COMMAND [ARG]...]``: run COMMAND with a changed environment."""
    args = ctx.argv[1:]
    env = dict(ctx.env)
    while args:
        a = args[0]
        if a in ("-i", "-", "--ignore-environment"):
            env = {}
        elif a in ("-u", "--unset") and len(args) > 1:
            env.pop(args[1], None)
            args = args[1:]
        elif a == "--":
            args = args[1:]
            break
        elif "=" in a and NAME.match(a.split("=", 1)[0]):
            k, v = a.split("=", 1)
            env[k] = v
        else:
            break
        args = args[1:]
    if not args:
        ctx.out("".join(f"{k}={v}\n" for k, v in env.items()))
        return 0
    shell: Shell = ctx.shell
    io = ctx.streams()
    return shell.run_external(posixpath.basename(args[0]), args, env, io)


@program("nohup", "timeout", "nice", "stdbuf", "setsid", "time")
def wrapper_command(ctx) -> int:
    """Commands that run another command unchanged (as far as the layer can tell)."""
    args = ctx.argv[1:]
    if ctx.argv[0] == "timeout":
        while args and args[0].startswith("-"):
            args = args[2:] if args[0] in ("-s", "-k", "--signal", "--kill-after") else args[1:]
        args = args[1:]  # the duration
    else:
        while args and args[0].startswith("-"):
            args = args[2:] if args[0] in ("-n", "-i", "-o", "-e") else args[1:]
    if not args:
        return 0
    shell: Shell = ctx.shell
    io = ctx.streams()
    return shell.run_external(posixpath.basename(args[0]), args, ctx.env, io)
