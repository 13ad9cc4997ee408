"""The shell's own builtins: the commands that change the shell itself
(cd, export, set, exit, ...), so they cannot be separate programs.

``SPECIAL`` builtins keep ``A=1`` prefixes (POSIX "special built-ins");
``REGULAR`` ones see them only while they run. ``sh``/``bash``, ``env`` and
``nohup`` start a new process: they are in app/shell/shell_programs.py.
"""

from __future__ import annotations

import posixpath
import re

from app.engine import FSError

from .commands import registrar
from .context import NotSimulated, decode
from .dispatch import Builtin
from .interpreter import Shell
from .state import DEFAULT_PATH, ExitShell, LoopControl, ReturnFromFunction
from .streams import IO

SPECIAL: dict[str, Builtin] = {}
REGULAR: dict[str, Builtin] = {}
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")


special = registrar(SPECIAL)
regular = registrar(REGULAR)


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
            found = name if "/" in name and shell.record.fs.exists(name) else shell.find_in_path(name)
            if found:
                io.stdout.write(f"{name} is {found}\n" if verbose else f"{found}\n")
            else:
                if verbose:
                    io.stdout.write(f"{name}: not found\n")
                status = 127 if verbose else 1
    return status
