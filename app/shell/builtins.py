"""The shell's own builtins: the commands that change the shell itself
(cd, export, set, exit, ...), so they cannot be separate programs.

``SPECIAL`` builtins keep ``A=1`` prefixes (POSIX "special built-ins");
``REGULAR`` ones see them only while they run. ``sh``/``bash`` start a new
shell of this interpreter: a child process in a real build, so it gets a copy
of the exported environment and nothing else.
"""

from __future__ import annotations

import posixpath
import re
from typing import Callable

from app.engine import FSError

from .commands import REGISTRY, register
from .context import NotSimulated, decode
from .interpreter import (DEFAULT_PATH, MAX_SCRIPT, ExitShell, LoopControl, ReturnFromFunction,
                          Shell, State, too_big_hint)
from .streams import IO

Builtin = Callable[[Shell, list[str], IO], int]
SPECIAL: dict[str, Builtin] = {}
REGULAR: dict[str, Builtin] = {}
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")


def special(*names: str):
    def wrap(fn: Builtin) -> Builtin:
        for n in names:
            SPECIAL[n] = fn
        return fn
    return wrap


def regular(*names: str):
    def wrap(fn: Builtin) -> Builtin:
        for n in names:
            REGULAR[n] = fn
        return fn
    return wrap


def _number(shell: Shell, io: IO, cmd: str, arg: str) -> int:
    if not re.fullmatch(r"\d+", arg):
        shell.error(io, f"{cmd}: Illegal number: {arg}")
        raise ExitShell(2)
    return int(arg)


@special(":")
def colon(shell: Shell, argv: list[str], io: IO) -> int:
    return 0


@regular("true")
def true(shell: Shell, argv: list[str], io: IO) -> int:
    return 0


@regular("false")
def false(shell: Shell, argv: list[str], io: IO) -> int:
    return 1


@regular("cd")
def cd(shell: Shell, argv: list[str], io: IO) -> int:
    args = [a for a in argv[1:] if a not in ("-L", "-P")]
    target = args[0] if args else (shell.get_var("HOME") or "/")
    if target == "-":
        target = shell.get_var("OLDPWD") or shell.state.cwd
        io.stdout.write(target + "\n")
    full = posixpath.normpath(posixpath.join(shell.state.cwd, target))
    st = shell.record.fs.peek_stat(full)
    ok = st is not None and st.type == "dir"
    if not ok:
        shell.error(io, f"cd: can't cd to {target}")
        return 2
    shell.set_var("OLDPWD", shell.state.cwd)
    shell.state.cwd = full
    shell.set_var("PWD", full)
    return 0


@regular("pwd")
def pwd(shell: Shell, argv: list[str], io: IO) -> int:
    io.stdout.write(shell.state.cwd + "\n")
    return 0


def _assign_list(shell: Shell, argv: list[str], io: IO, export: bool) -> int:
    for arg in argv[1:]:
        if arg in ("-p", "-n", "--"):
            if arg == "-p":
                for k in sorted(shell.state.exported if export else shell.state.vars):
                    if k in shell.state.vars:
                        io.stdout.write(f"{'export' if export else 'readonly'} {k}='{shell.state.vars[k]}'\n")
            continue
        name, eq, value = arg.partition("=")
        if not NAME.match(name):
            shell.error(io, f"{argv[0]}: {name}: bad variable name")
            raise ExitShell(2)
        if eq:
            shell.set_var(name, value)
        if export:
            shell.state.exported.add(name)
    return 0


@special("export")
def export(shell: Shell, argv: list[str], io: IO) -> int:
    return _assign_list(shell, argv, io, True)


@special("readonly", "local", "declare", "typeset")
def readonly(shell: Shell, argv: list[str], io: IO) -> int:
    args = [a for a in argv if not (a.startswith("-") and len(a) > 1)]
    if argv[0] in ("local", "declare", "typeset") and shell.local_frames:
        frame = shell.local_frames[-1]
        for a in args[1:]:
            name = a.split("=", 1)[0]
            if name not in frame:
                frame[name] = shell.state.vars.get(name)
    return _assign_list(shell, args, io, "-x" in argv)


@special("unset")
def unset(shell: Shell, argv: list[str], io: IO) -> int:
    funcs = "-f" in argv
    for name in argv[1:]:
        if name in ("-f", "-v"):
            continue
        if funcs:
            shell.state.functions.pop(name, None)
        else:
            shell.state.vars.pop(name, None)
            shell.state.exported.discard(name)
    return 0


OPTION_LETTERS = {"e": "errexit", "x": "xtrace", "u": "nounset", "f": "noglob"}
LONG_OPTIONS = {"errexit": "errexit", "xtrace": "xtrace", "nounset": "nounset",
                "noglob": "noglob", "pipefail": "pipefail"}
IGNORED_LONG = {"posix", "noclobber", "allexport", "verbose", "monitor", "errtrace",
                "functrace", "ignoreeof", "noexec", "notify", "vi", "emacs", "nolog", "hashall"}


def apply_options(shell: Shell, args: list[str], io: IO, cmd: str = "set") -> list[str] | None:
    """Apply ``-e``/``+x``/``-o pipefail``... Returns the remaining operands, None on error."""
    st = shell.state
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return args[i + 1:]
        if arg in ("-", "+") or not arg or arg[0] not in "-+":
            return args[i:] if arg not in ("-", "+") else args[i + 1:]
        on = arg[0] == "-"
        if "o" in arg[1:]:  # -o NAME, or letters with o among them (`set -eo pipefail`, `bash -exo pipefail`)
            if i + 1 >= len(args):
                return [] if arg[1:] == "o" else None
            opt = args[i + 1]
            if opt == "pipefail" and st.dialect == "dash":
                shell.error(io, f"{cmd}: Illegal option -o pipefail")
                return None
            if opt in LONG_OPTIONS:
                setattr(st, LONG_OPTIONS[opt], on)
            elif opt not in IGNORED_LONG:
                shell.error(io, f"{cmd}: Illegal option -o {opt}")
                return None
            args = args[:i] + [arg.replace("o", "", 1)] + args[i + 2:] if arg[1:] != "o" else args
            if arg[1:] == "o":
                i += 2
                continue
            arg = args[i]
        for letter in arg[1:]:
            if letter in OPTION_LETTERS:
                setattr(st, OPTION_LETTERS[letter], on)
            elif letter in "vnCamhbEHBTPk" or (cmd != "set" and letter in "lis"):
                pass
            else:
                shell.error(io, f"{cmd}: Illegal option {arg[0]}{letter}")
                return None
        i += 1
    return []


@special("set")
def set_(shell: Shell, argv: list[str], io: IO) -> int:
    if len(argv) == 1:
        for k in sorted(shell.state.vars):
            io.stdout.write(f"{k}='{shell.state.vars[k]}'\n")
        return 0
    rest = apply_options(shell, argv[1:], io)
    if rest is None:
        raise ExitShell(2)  # an error in a special builtin ends a non-interactive sh
    if "--" in argv or rest:
        shell.state.positional = rest
    return 0


@special("exit")
def exit_(shell: Shell, argv: list[str], io: IO) -> int:
    status = _number(shell, io, "exit", argv[1]) if len(argv) > 1 else shell.state.status
    raise ExitShell(status & 0xFF)


@special("return")
def return_(shell: Shell, argv: list[str], io: IO) -> int:
    status = _number(shell, io, "return", argv[1]) if len(argv) > 1 else shell.state.status
    raise ReturnFromFunction(status & 0xFF)


@special("break", "continue")
def break_(shell: Shell, argv: list[str], io: IO) -> int:
    levels = _number(shell, io, argv[0], argv[1]) if len(argv) > 1 else 1
    raise LoopControl(argv[0], max(1, levels))


@special("shift")
def shift(shell: Shell, argv: list[str], io: IO) -> int:
    n = _number(shell, io, "shift", argv[1]) if len(argv) > 1 else 1
    if n > len(shell.state.positional):
        shell.error(io, "shift: can't shift that many")
        raise ExitShell(2)
    shell.state.positional = shell.state.positional[n:]
    return 0


@special(".", "source")
def source(shell: Shell, argv: list[str], io: IO) -> int:
    if len(argv) < 2:
        return 0
    path = argv[1]
    full = _find_script(shell, path)
    try:
        data = shell.record.fs.read(full)
    except FSError:
        shell.error(io, f"{argv[0]}: cannot open {path}: No such file")
        raise ExitShell(2)
    from .parser import ShellSyntaxError, parse
    try:
        tree = parse(decode(data), bash=shell.state.bash)
    except ShellSyntaxError as exc:
        shell.error(io, str(exc))
        raise ExitShell(2)
    saved = shell.state.positional
    if len(argv) > 2:
        shell.state.positional = argv[2:]
    try:
        return shell.execute(tree, io)
    except ReturnFromFunction as exc:
        return exc.status
    finally:
        shell.state.positional = saved


def _find_script(shell: Shell, path: str) -> str:
    if "/" in path:
        return posixpath.join(shell.state.cwd, path)
    for d in (shell.get_var("PATH") or DEFAULT_PATH).split(":"):
        cand = posixpath.join(d or ".", path)
        if shell.record.fs.exists(posixpath.join(shell.state.cwd, cand)):
            return posixpath.join(shell.state.cwd, cand)
    return posixpath.join(shell.state.cwd, path)


@special("eval")
def eval_(shell: Shell, argv: list[str], io: IO) -> int:
    text = " ".join(argv[1:])
    if not text.strip():
        return 0
    shell.record.not_simulated.append(NotSimulated(
        "eval " + text, "eval runs text that is only known while the build runs; layerlab "
        "never evaluates it, so the layer shows only what the other commands did"))
    return 0


@special("exec")
def exec_(shell: Shell, argv: list[str], io: IO) -> int:
    if len(argv) == 1:
        return 0
    status = shell.dispatch(argv[1:], [], io)
    raise ExitShell(status)


@special("trap")
def trap(shell: Shell, argv: list[str], io: IO) -> int:
    return 0


@regular("wait", "alias", "unalias", "hash", "ulimit", "times")
def nothing(shell: Shell, argv: list[str], io: IO) -> int:
    return 0


@regular("umask")
def umask(shell: Shell, argv: list[str], io: IO) -> int:
    if len(argv) == 1:
        io.stdout.write(f"{shell.state.umask:04o}\n")
        return 0
    try:
        shell.state.umask = int(argv[-1], 8) & 0o777
    except ValueError:
        shell.error(io, f"umask: Illegal number: {argv[-1]}")
        return 2
    return 0


@regular("read")
def read(shell: Shell, argv: list[str], io: IO) -> int:
    names = [a for a in argv[1:] if not a.startswith("-")]
    raw = "-r" in argv
    if not io.stdin:
        for n in names:
            shell.set_var(n, "")
        return 1
    line, nl, rest = io.stdin.partition("\n")
    io.stdin = rest
    if not raw:
        line = re.sub(r"\\(.)", r"\1", line)
    names = names or ["REPLY"]
    fields = line.split(None, len(names) - 1)
    for k, n in enumerate(names):
        shell.set_var(n, fields[k] if k < len(fields) else "")
    return 0 if nl else 1


def find_in_path(shell: Shell, name: str, path: str | None = None) -> str | None:
    """The first executable ``name`` on PATH in the simulated tree."""
    fs = shell.record.fs
    for d in (path if path is not None else (shell.get_var("PATH") or DEFAULT_PATH)).split(":"):
        cand = posixpath.join(d or ".", name)
        st = fs.peek_stat(posixpath.join(shell.state.cwd, cand))
        if st is None:
            continue
        if st.type == "file" and st.mode & 0o111:
            return cand
    return None


@regular("command", "type")
def command(shell: Shell, argv: list[str], io: IO) -> int:
    args = argv[1:]
    verbose = argv[0] == "type"
    if args and args[0] in ("-v", "-V"):
        verbose = verbose or args[0] == "-V"
        args = args[1:]
    elif argv[0] == "command":
        if args and args[0] == "-p":
            args = args[1:]
        if not args:
            return 0
        return shell.dispatch([a for a in args], [], io) if args[0] not in shell.state.functions \
            else shell.run_external(args[0], args, shell.state.environment(), io)
    status = 0
    for name in args:
        if name in shell.state.functions:
            io.stdout.write(f"{name} is a shell function\n" if verbose else f"{name}\n")
        elif name in SPECIAL or name in REGULAR or name in ("echo", "printf", "test", "["):
            io.stdout.write(f"{name} is a shell builtin\n" if verbose else f"{name}\n")
        else:
            found = name if "/" in name and shell.record.fs.exists(name) else find_in_path(shell, name)
            if found:
                io.stdout.write(f"{name} is {found}\n" if verbose else f"{found}\n")
            else:
                if verbose:
                    io.stdout.write(f"{name}: not found\n")
                status = 127 if verbose else 1
    return status


# -- child shells -------------------------------------------------------------------------
def run_shell_script(shell: Shell, script: str, argv: list[str], env: dict[str, str], io: IO,
                     dialect: str, options: list[str] | None = None) -> int:
    """Run ``script`` in a new shell process: it inherits only the environment and cwd."""
    state = State(vars=dict(env), exported=set(env), cwd=shell.state.cwd,
                  positional=list(argv[1:]), name=argv[0], dialect=dialect,
                  umask=shell.state.umask)
    child = Shell(shell.record, state)
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
    register(_name)(shell_command)


@register("env")
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


@register("nohup", "timeout", "nice", "stdbuf", "setsid", "time")
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
assert "sh" in REGISTRY
