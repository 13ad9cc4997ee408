"""Runs a syntax tree against the union filesystem, the way dash (Debian's
/bin/sh) would, without ever starting a process on the host.

Every command is looked up in this order: shell functions, the shell's own
builtins (cd, export, set, ...), the package tool handed in by the build
(apt-get, pip, ...), layerlab's simulated commands (app/shell/commands), and
finally "not simulated": recorded with a hint, status 0, never executed.
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass, field
from typing import Any

from app.engine import FSError

from . import patterns
from .commands import REGISTRY, not_simulated_hint
from .context import Context, LimitReached, RunRecord, decode, encode
from .expand import ExpansionError, Expander
from .parser import ShellSyntaxError, parse
from .streams import IO, Buffer, FileSink, Null
from .syntax import (AndOr, Case, DoubleBracket, For, FunctionDef, Group, If, Node, Pipeline,
                     Redirect, Sequence, Simple, Subshell, While)

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Commands dash runs itself: they need no file in the tree.
SHELL_BUILTINS = frozenset({"echo", "printf", "test", "[", "true", "false", "pwd", "kill"})
MAX_SCRIPT = 64 * 1024  # scripts in the tree larger than this (./configure) are not interpreted


def too_big_hint(name: str, size: int) -> str:
    return (f"`{name}` is a {size // 1024} KiB shell script (a generated one, like ./configure); "
            "layerlab interprets scripts up to 64 KiB, so the layer shows only what the other "
            "commands did")


class ExitShell(Exception):
    def __init__(self, status: int):
        self.status = status


class ReturnFromFunction(Exception):
    def __init__(self, status: int):
        self.status = status


class LoopControl(Exception):
    def __init__(self, kind: str, levels: int):
        self.kind = kind
        self.levels = levels


class RedirectError(Exception):
    pass


@dataclass
class State:
    """Everything a subshell copies and a real process would own."""

    vars: dict[str, str] = field(default_factory=dict)
    exported: set[str] = field(default_factory=set)
    cwd: str = "/"
    positional: list[str] = field(default_factory=list)
    functions: dict[str, Node] = field(default_factory=dict)
    errexit: bool = False
    xtrace: bool = False
    pipefail: bool = False
    nounset: bool = False
    noglob: bool = False
    umask: int = 0o022
    status: int = 0
    name: str = "/bin/sh"
    dialect: str = "dash"  # "dash" (Debian's /bin/sh), "bash", or "ash" (busybox, Alpine)

    def copy(self) -> "State":
        return State(dict(self.vars), set(self.exported), self.cwd, list(self.positional),
                     dict(self.functions), self.errexit, self.xtrace, self.pipefail, self.nounset,
                     self.noglob, self.umask, self.status, self.name, self.dialect)

    @property
    def bash(self) -> bool:
        """bash and busybox ash both know ``[[ ]]``, ``echo -e`` and ``pipefail``; dash does not."""
        return self.dialect in ("bash", "ash")

    def environment(self) -> dict[str, str]:
        return {k: v for k, v in self.vars.items() if k in self.exported}


class Shell:
    def __init__(self, record: RunRecord, state: State):
        self.record = record
        self.state = state
        self.expander = Expander(self)
        self.cond_depth = 0  # >0 inside if/while conditions, && / || and !: no errexit
        # Where the running command's status goes: "run" (a plain list), "and" (left
        # of &&), "or" (left of ||: a fallback follows) or "cond" (if/while/!).
        self.flow = "run"
        self.open_files: list[FileSink] = []
        self.line = 1
        self.last_failed: str | None = None
        self.local_frames: list[dict[str, str | None]] = []

    # -- variables ------------------------------------------------------------------
    def get_var(self, name: str) -> str | None:
        st = self.state
        if name == "?":
            return str(st.status)
        if name == "$":
            return "1"
        if name == "!":
            return ""
        if name == "#":
            return str(len(st.positional))
        if name in ("@", "*"):
            sep = (st.vars.get("IFS", " ") or "")[:1] if name == "*" else " "
            return sep.join(st.positional)
        if name == "0":
            return st.name
        if name == "-":
            return "".join(f for f, on in (("e", st.errexit), ("u", st.nounset), ("x", st.xtrace),
                                           ("f", st.noglob)) if on)
        if name.isdigit():
            k = int(name)
            return st.positional[k - 1] if k <= len(st.positional) else None
        return st.vars.get(name)

    def set_var(self, name: str, value: str) -> None:
        self.state.vars[name] = value

    def home_of(self, user: str) -> str | None:
        passwd = self.record.fs.peek_read("/etc/passwd")
        if passwd is None:
            return None
        data = decode(passwd)
        for line in data.splitlines():
            f = line.split(":")
            if len(f) >= 6 and f[0] == user:
                return f[5]
        return None

    # -- messages -------------------------------------------------------------------
    def error(self, io: IO, message: str) -> None:
        if self.state.dialect == "bash":
            io.stderr.write(f"{self.state.name}: line {self.line}: {message}\n")
        elif self.state.dialect == "ash":
            io.stderr.write(f"{self.state.name}: {message}\n")
        else:
            io.stderr.write(f"{self.state.name}: {self.line}: {message}\n")

    # -- entry points -----------------------------------------------------------------
    def run_script(self, script: str, io: IO) -> int:
        try:
            tree = parse(script, bash=self.state.bash)
        except ShellSyntaxError as exc:
            self.line = exc.line
            self.error(io, str(exc))
            self.state.status = 2
            self.record.syntax_error = True
            return 2
        try:
            status = self.execute(tree, io)
        except ExitShell as exc:
            status = exc.status
        except (ReturnFromFunction, LoopControl) as exc:
            status = getattr(exc, "status", 0)
        finally:
            self.flush_files()
        self.state.status = status
        return status

    def subshell(self) -> "Shell":
        child = Shell(self.record, self.state.copy())
        child.line = self.line
        child.flow = self.flow
        return child

    def command_substitution(self, body: Node) -> str:
        child = self.subshell()
        out = Buffer()
        io = IO("", {1: out, 2: self._current_stderr})
        try:
            status = child.execute(body, io)
        except ExitShell as exc:
            status = exc.status
        except (ReturnFromFunction, LoopControl):
            status = 0
        child.flush_files()
        self.state.status = status
        self._cmdsub_status = status
        return out.value()

    _current_stderr: Any = Null()
    _cmdsub_status: int | None = None

    # -- execution ----------------------------------------------------------------------
    def execute(self, node: Node, io: IO) -> int:
        method = getattr(self, "_exec_" + type(node).__name__)
        status = method(node, io)
        self.state.status = status
        return status

    def _errexit(self, status: int) -> None:
        if status and self.state.errexit and self.cond_depth == 0:
            raise ExitShell(status)

    def _exec_Sequence(self, node: Sequence, io: IO) -> int:
        status = 0
        for item in node.items:
            status = self.execute(item, io)
        return status

    def _exec_AndOr(self, node: AndOr, io: IO) -> int:
        outer = self.flow
        ops = [op for op, _ in node.rest]

        def flow_after(k: int) -> str:  # the operator that follows item k decides
            if k < len(ops):
                return "and" if ops[k] == "&&" else "or"
            return outer
        self.cond_depth += 1
        try:
            self.flow = flow_after(0) if outer != "cond" else "cond"
            status = self.execute(node.first, io)
            for k, (op, pipe) in enumerate(node.rest):
                if (op == "&&") != (status == 0):
                    continue
                self.flow = flow_after(k + 1) if outer != "cond" else "cond"
                if k == len(node.rest) - 1:
                    self.cond_depth -= 1
                    try:
                        status = self.execute(pipe, io)
                    finally:
                        self.cond_depth += 1
                else:
                    status = self.execute(pipe, io)
        finally:
            self.cond_depth -= 1
            self.flow = outer
        return status

    def _exec_Pipeline(self, node: Pipeline, io: IO) -> int:
        outer = self.flow
        if node.negated:
            self.cond_depth += 1
            self.flow = "cond"
        try:
            statuses = []
            stdin = io.stdin
            for k, cmd in enumerate(node.commands):
                last = k == len(node.commands) - 1
                out = io.stdout if last else Buffer()
                sub_io = io.with_(stdin=stdin, fd1=out)
                if len(node.commands) == 1:
                    statuses.append(self.execute(cmd, sub_io))
                else:
                    child = self.subshell()
                    try:
                        statuses.append(child.execute(cmd, sub_io))
                    except ExitShell as exc:
                        statuses.append(exc.status)
                    child.flush_files()
                if not last:
                    stdin = out.value()
        finally:
            if node.negated:
                self.cond_depth -= 1
            self.flow = outer
        status = statuses[-1]
        if self.state.pipefail:
            status = next((s for s in reversed(statuses) if s), 0)
        if node.negated:
            return int(status == 0)
        self._errexit(status)
        return status

    def _with_redirects(self, redirects: list[Redirect], io: IO, run) -> int:
        if not redirects:
            return run(io)
        try:
            new_io, opened = self.open_redirects(redirects, io)
        except RedirectError as exc:
            self.error(io, str(exc))
            return 2 if self.state.dialect == "dash" else 1
        try:
            return run(new_io)
        finally:
            for sink in opened:
                sink.flush()
                if sink in self.open_files:
                    self.open_files.remove(sink)

    def _exec_Subshell(self, node: Subshell, io: IO) -> int:
        def run(io2: IO) -> int:
            child = self.subshell()
            try:
                status = child.execute(node.body, io2)
            except ExitShell as exc:
                status = exc.status
            child.flush_files()
            return status
        status = self._with_redirects(node.redirects, io, run)
        self._errexit(status)
        return status

    def _exec_Group(self, node: Group, io: IO) -> int:
        return self._with_redirects(node.redirects, io, lambda io2: self.execute(node.body, io2))

    def _condition(self, node: Node, io: IO) -> int:
        self.cond_depth += 1
        outer, self.flow = self.flow, "cond"
        try:
            return self.execute(node, io)
        finally:
            self.cond_depth -= 1
            self.flow = outer

    def _tolerate(self, status: int, command: str, unknowns_before: int) -> int:
        """After a command layerlab did not simulate, a later failure may be an artefact:
        the file the download, the archive or the compiler would have made is missing,
        the value it would have printed is empty. Such a failure does not end the RUN
        (a real build may well go on): it is reported as not simulated and counts as 0.
        Failures that choose a path (if/while conditions, the left of ||) keep their status."""
        if status == 0 or unknowns_before + self.record.inherited_unknowns == 0 \
                or self.flow not in ("run", "and"):
            return status
        if self.flow == "and" and command.split(" ", 1)[0] in ("test", "[", "[["):
            return status  # `[ -z "$found" ] && exit 1`: a test before && chooses a path
        self.record.not_simulated.append(_ns(command, (
            f"failed in the simulation (status {status}), but only after {unknown_cause(self.record)}: "
            "a real build may well get past it, so the RUN goes on as if it had succeeded")))
        return 0

    def _exec_If(self, node: If, io: IO) -> int:
        def run(io2: IO) -> int:
            for cond, body in node.clauses:
                if self._condition(cond, io2) == 0:
                    return self.execute(body, io2)
            if node.orelse is not None:
                return self.execute(node.orelse, io2)
            return 0
        return self._with_redirects(node.redirects, io, run)

    def _loop_body(self, body: Node, io: IO) -> tuple[int, str | None]:
        try:
            return self.execute(body, io), None
        except LoopControl as exc:
            if exc.levels > 1:
                exc.levels -= 1
                raise
            return 0, exc.kind

    def _exec_For(self, node: For, io: IO) -> int:
        def run(io2: IO) -> int:
            items = self.expander.fields(node.words) if node.words is not None \
                else list(self.state.positional)
            status = 0
            for item in items:
                self.record.loop()
                self.set_var(node.var, item)
                status, ctl = self._loop_body(node.body, io2)
                if ctl == "break":
                    break
            return status
        return self._with_redirects(node.redirects, io, run)

    def _exec_While(self, node: While, io: IO) -> int:
        def run(io2: IO) -> int:
            status = 0
            while True:
                self.record.loop()
                cond = self._condition(node.cond, io2)
                if (cond == 0) == node.until:
                    break
                status, ctl = self._loop_body(node.body, io2)
                if ctl == "break":
                    break
            return status
        return self._with_redirects(node.redirects, io, run)

    def _exec_Case(self, node: Case, io: IO) -> int:
        def run(io2: IO) -> int:
            word = self.expander.string(node.word)
            for pats, body in node.items:
                for pat in pats:
                    if patterns.matches(self.expander.pattern(pat), word):
                        return self.execute(body, io2) if body is not None else 0
            return 0
        return self._with_redirects(node.redirects, io, run)

    def _exec_FunctionDef(self, node: FunctionDef, io: IO) -> int:
        self.state.functions[node.name] = node.body
        return 0

    def _exec_DoubleBracket(self, node: DoubleBracket, io: IO) -> int:
        from .commands.testcmd import double_bracket
        self.line = node.line
        self.record.step()
        args = []
        for w in node.words:
            args.append((self.expander.string(w), w))
        status = double_bracket(self, args, io)
        self._errexit(status)
        return status

    # -- simple commands ------------------------------------------------------------------
    def _exec_Simple(self, node: Simple, io: IO) -> int:
        self.line = node.line
        self.record.step()
        self._current_stderr = io.stderr
        self._cmdsub_status = None
        try:
            argv = self.expander.fields(node.words)
            assigns = [(name, self.expander.string(value)) for name, value in node.assigns]
        except ExpansionError as exc:
            self.error(io, str(exc))
            raise ExitShell(exc.status)
        if self.state.xtrace:
            shown = [f"{n}={v}" for n, v in assigns] + argv
            io.stderr.write("+ " + " ".join(shown) + "\n")
        if not argv:
            for name, value in assigns:
                self.set_var(name, value)
            status = self._cmdsub_status or 0
            if node.redirects:
                status = self._with_redirects(node.redirects, io, lambda io2: status)
            self._errexit(status)
            return status
        self.record.commands.append(shlex.join(argv))
        if argv == ["exec"] and node.redirects:
            return self._exec_redirects(node, io)
        unknowns_before = self.record.unknowns_before_last = len(self.record.not_simulated)
        status = self._with_redirects(node.redirects, io,
                                      lambda io2: self.dispatch(argv, assigns, io2))
        self.flush_files()
        status = self._tolerate(status, shlex.join(argv), unknowns_before)
        if status:
            self.last_failed = shlex.join(argv)
            self.record.last_failed = self.last_failed
        self._errexit(status)
        return status

    def _exec_redirects(self, node: Simple, io: IO) -> int:
        """``exec >log 2>&1``: the redirections stay for the rest of this shell."""
        try:
            new_io, _ = self.open_redirects(node.redirects, io)
        except RedirectError as exc:
            self.error(io, str(exc))
            raise ExitShell(2)
        io.fds.update(new_io.fds)
        io.stdin = new_io.stdin
        return 0

    def flush_files(self) -> None:
        for sink in list(self.open_files):
            sink.flush()

    # -- redirections ---------------------------------------------------------------------
    def open_redirects(self, redirects: list[Redirect], io: IO) -> tuple[IO, list]:
        fds = dict(io.fds)
        stdin = io.stdin
        opened: list = []
        for r in redirects:
            if r.op in ("<<", "<<-"):
                text = self.expander.string(r.heredoc) if r.heredoc else ""
                if r.fd == 0:
                    stdin = text
                continue
            try:
                target = self.expander.string(r.target)
            except ExpansionError as exc:
                raise RedirectError(str(exc)) from None
            if r.op in (">&", "<&"):
                if target == "-":
                    if r.fd == 0:
                        stdin = ""
                    else:
                        fds[r.fd] = Null()
                    continue
                if target.isdigit():
                    src = int(target)
                    if r.op == ">&" or src != 0:
                        if src not in fds:
                            raise RedirectError(f"{target}: Bad file descriptor")
                        fds[r.fd] = fds[src]
                    continue
                if r.op == ">&":  # bash's `>& file`: stdout and stderr to the file
                    sink = self.open_output(target, False, fds)
                    opened.append(sink)
                    fds[1] = fds[2] = sink
                    continue
                raise RedirectError("Syntax error: Bad fd number")
            if r.op in (">", ">|", ">>"):
                sink = self.open_output(target, r.op == ">>", fds)
                opened.append(sink)
                fds[r.fd] = sink
            elif r.op in ("<", "<>"):
                text = self.open_input(target, create=r.op == "<>")
                if r.fd == 0:
                    stdin = text
        return IO(stdin, fds), opened

    def _abs(self, path: str) -> str:
        return posixpath.join(self.state.cwd, path)

    def open_output(self, target: str, append: bool, fds: dict) -> Any:
        path = posixpath.normpath(self._abs(target))
        if path == "/dev/null":
            return Null()
        if path in ("/dev/stdout", "/proc/self/fd/1", "/dev/fd/1"):
            return fds.get(1, Null())
        if path in ("/dev/stderr", "/proc/self/fd/2", "/dev/fd/2"):
            return fds.get(2, Null())
        if path.startswith(("/proc/", "/sys/")) or path in ("/proc", "/sys"):
            raise RedirectError(self._redirect_message(target, True, "EROFS",
                                                       "Read-only file system"))
        if path.startswith("/dev/"):
            self.record.not_simulated.append(_ns(f"> {target}", "devices live in the "
                                                 "container's /dev (a tmpfs), not in the image: "
                                                 "nothing was written"))
            return Null()
        fs = self.record.fs
        full = self._abs(target)
        try:
            if append and fs.exists(full):
                fs.open_rw(full)
            else:
                fs.write(full, b"", mode=0o666 & ~self.state.umask)
        except FSError as exc:
            raise RedirectError(self._redirect_message(target, True, exc.code,
                                                       exc.explanation)) from None
        sink = FileSink(full, self._flush_file)
        self.open_files.append(sink)
        return sink

    def _redirect_message(self, target: str, create: bool, code: str, explanation: str) -> str:
        """What each shell prints when a redirection cannot be opened."""
        text = explanation.split(":")[0]
        missing = code in ("ENOENT", "ENOTDIR")
        if self.state.dialect == "dash":
            if missing:
                text = "Directory nonexistent" if create else "No such file"
            return f"cannot {'create' if create else 'open'} {target}: {text}"
        if self.state.dialect == "ash":
            if missing:
                text = "nonexistent directory" if create else "no such file"
            return f"can't {'create' if create else 'open'} {target}: {text}"
        return f"{target}: {text}"

    def _flush_file(self, path: str, text: str) -> None:
        try:
            self.record.fs.write(path, encode(text), append=True)
        except FSError:
            pass  # recorded: the diagram shows the failed write, as the kernel refused it

    def open_input(self, target: str, create: bool = False) -> str:
        path = posixpath.normpath(self._abs(target))
        if path == "/dev/null":
            return ""
        if path in ("/dev/zero", "/dev/urandom", "/dev/random"):
            return "\0" * 4096 if path == "/dev/zero" else _pseudo_random(4096)
        if path.startswith(("/dev/", "/proc/", "/sys/")):
            self.record.not_simulated.append(_ns(f"< {target}", "the kernel's /proc, /sys and "
                                                 "/dev are not part of the image: read as empty"))
            return ""
        full = self._abs(target)
        fs = self.record.fs
        try:
            if create and not fs.exists(full):
                fs.write(full, b"")
            data = fs.read(full)
        except FSError as exc:
            raise RedirectError(self._redirect_message(target, False, exc.code,
                                                       exc.explanation)) from None
        return decode(data)

    # -- dispatch -------------------------------------------------------------------------
    def dispatch(self, argv: list[str], assigns: list[tuple[str, str]], io: IO) -> int:
        from . import builtins

        name = argv[0]
        if "/" not in name and name in self.state.functions:
            return self.call_function(name, argv, assigns, io)
        special = builtins.SPECIAL.get(name)
        if special is not None:
            for k, v in assigns:  # special builtins keep prefix assignments (POSIX)
                self.set_var(k, v)
            return special(self, argv, io)
        regular = builtins.REGULAR.get(name)
        if regular is not None:
            saved = {k: self.state.vars.get(k) for k, _ in assigns}
            for k, v in assigns:
                self.set_var(k, v)
            try:
                return regular(self, argv, io)
            finally:
                for k, old in saved.items():
                    if old is None:
                        self.state.vars.pop(k, None)
                    else:
                        self.state.vars[k] = old
        env = self.state.environment()
        env.update(assigns)
        base = posixpath.basename(name) if "/" in name else name
        if "/" in name:
            status = self.run_path(name, argv, env, io)
            if status is not None:
                return status
        return self.run_external(base, argv, env, io)

    def context(self, argv: list[str], env: dict[str, str], io: IO) -> Context:
        return Context(self, argv, env, io.stdin, io.stdout, io.stderr)

    def run_external(self, base: str, argv: list[str], env: dict[str, str], io: IO) -> int:
        argv = [base] + argv[1:]
        # Only when the caller vouches that the tree's binaries are complete.
        if self.record.strict_path and base not in SHELL_BUILTINS:
            from .builtins import find_in_path
            if find_in_path(self, base, env.get("PATH", DEFAULT_PATH)) is None:
                self.error(io, f"{base}: not found")
                return 127
        ctx = self.context(argv, env, io)
        packages = self.record.packages
        if packages is not None and base in getattr(packages, "commands", ()):
            try:
                return int(packages.run(argv, ctx))
            except (LimitReached, ExitShell, RecursionError):
                raise
            except FSError as exc:  # its trace is recorded by ctx.fs
                ctx.err(f"{base}: {exc.message}\n")
                return 100
            except Exception as exc:  # noqa: BLE001 - a gap in layerlab's package data, not the student's
                self.record.not_simulated.append(_ns(shlex.join(argv), (
                    f"layerlab's package tool could not simulate this ({type(exc).__name__}: {exc}); "
                    "the layer shows only what the other commands did")))
                return 0
        impl = REGISTRY.get(base)
        if base == "[[" and not self.state.bash:  # dash has no [[ ]]: it is looked up as a command
            self.error(io, "[[: not found")
            return 127
        if impl is not None:
            try:
                return impl(ctx)
            except (LimitReached, ExitShell, RecursionError):
                raise
            except FSError as exc:  # an engine refusal the command did not expect (recorded)
                ctx.err(f"{base}: {exc}\n")
                return 1
            except Exception as exc:  # noqa: BLE001 - a gap in layerlab, never the student's fault
                self.record.not_simulated.append(_ns(shlex.join(argv), (
                    f"layerlab could not simulate this use of `{base}` ({type(exc).__name__}); "
                    "the layer shows only what the other commands did")))
                return 0
        self.record.not_simulated.append(_ns(shlex.join(argv), not_simulated_hint(base)))
        return 0

    def run_path(self, name: str, argv: list[str], env: dict[str, str], io: IO) -> int | None:
        """``./script.sh`` or ``/usr/bin/foo``: shell scripts in the tree are interpreted."""
        full = self._abs(name)
        fs = self.record.fs
        st = fs.peek_stat(full)
        if st is None:
            base = posixpath.basename(name)
            known = base in REGISTRY or (self.record.packages is not None
                                         and base in getattr(self.record.packages, "commands", ()))
            if known and not self.record.strict_path:
                return None  # e.g. /usr/bin/apt-get in a tree without binaries: still simulated
            self.error(io, f"{name}: not found")
            return 127
        if st.type == "dir":
            self.error(io, f"{name}: Permission denied")
            return 126
        base = posixpath.basename(name)
        if base in REGISTRY:
            return None
        try:
            data = fs.read(full)
        except FSError:
            return None
        head = decode(data[:200]).split("\n", 1)[0]
        if head.startswith("#!") and any(sh in head for sh in ("/sh", "bash", "dash", "busybox")) \
                or not head.startswith("#!") and data[:4] != b"\x7fELF" and data:
            from .builtins import run_shell_script
            dialect = "bash" if "bash" in head else self.record.sh_dialect
            if len(data) > MAX_SCRIPT:
                self.record.not_simulated.append(_ns(shlex.join(argv), too_big_hint(name, len(data))))
                return 0
            return run_shell_script(self, decode(data), argv, env, io, dialect)
        return None

    def call_function(self, name: str, argv: list[str], assigns, io: IO) -> int:
        saved = self.state.positional
        self.state.positional = argv[1:]
        for k, v in assigns:
            self.set_var(k, v)
        self.local_frames.append({})
        try:
            return self.execute(self.state.functions[name], io)
        except ReturnFromFunction as exc:
            return exc.status
        finally:
            self.state.positional = saved
            for k, old in self.local_frames.pop().items():  # `local` variables end here
                if old is None:
                    self.state.vars.pop(k, None)
                else:
                    self.state.vars[k] = old


def unknown_cause(record: RunRecord) -> str:
    """What layerlab could not simulate before a failure, in words."""
    if record.not_simulated:
        return f"`{record.not_simulated[0].command}`, which layerlab did not simulate"
    return "earlier build steps that layerlab could not fully simulate"


def _ns(command: str, hint: str):
    from .context import NotSimulated
    return NotSimulated(command, hint)


def _pseudo_random(n: int) -> str:
    import hashlib
    out = b""
    seed = b"layerlab"
    while len(out) < n:
        seed = hashlib.sha256(seed).digest()
        out += seed
    return decode(out[:n])
