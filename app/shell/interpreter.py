"""Runs a syntax tree against the union filesystem, the way dash (Debian's
/bin/sh) would, without ever starting a process on the host.

Every command is looked up in this order: shell functions, the shell's own
builtins (cd, export, set, ...), the package tool handed in by the build
(apt-get, pip, ...), layerlab's simulated commands (app/shell/commands), and
finally "not simulated": recorded with a hint, status 0, never executed.
"""


from __future__ import annotations

import shlex
from typing import Any

from . import patterns
from .context import RunRecord, decode
from .dispatch import Dispatch, Handlers
from .expand import ExpansionError, Expander
from .parser import ShellSyntaxError, parse
from .redirects import Redirections
from .state import (ExitShell, LoopControl, RedirectError, ReturnFromFunction, State, note as _ns,
                    unknown_cause)
from .streams import IO, Buffer, FileSink, Null
from .syntax import (AndOr, Case, DoubleBracket, For, FunctionDef, Group, If, Node, Pipeline,
                     Redirect, Sequence, Simple, Subshell, While)


class Shell(Redirections, Dispatch):
    def __init__(self, record: RunRecord, state: State, handlers: Handlers):
        self.record = record
        self.state = state
        self.handlers = handlers
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
        self.record.check_string(value, f"the variable {name}")
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
            status = exc.status if isinstance(exc, ReturnFromFunction) else 0
        finally:
            self.flush_files()
        self.state.status = status
        return status

    def subshell(self) -> "Shell":
        child = Shell(self.record, self.state.copy(), self.handlers)
        child.line = self.line
        child.flow = self.flow
        return child

    def command_substitution(self, body: Node) -> str:
        child = self.subshell()
        out = Buffer(self.record.limits.max_string_bytes)
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
        status = _EXECUTORS[type(node)](self, node, io)
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
                out = io.stdout if last else Buffer(self.record.limits.max_string_bytes)
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


# One executor per node type (the parser's syntax.py), looked up by type, never by name.
_EXECUTORS = {
    Sequence: Shell._exec_Sequence, AndOr: Shell._exec_AndOr, Pipeline: Shell._exec_Pipeline,
    Subshell: Shell._exec_Subshell, Group: Shell._exec_Group, If: Shell._exec_If,
    For: Shell._exec_For, While: Shell._exec_While, Case: Shell._exec_Case,
    FunctionDef: Shell._exec_FunctionDef, DoubleBracket: Shell._exec_DoubleBracket,
    Simple: Shell._exec_Simple,
}
