"""Which code a command name runs: functions, builtins, the package tool, layerlab's commands.

A mixin of ``Shell`` (app/shell/interpreter.py). What a name can run is handed
to the shell as ``Handlers`` when it is built (by ``app.shell.run``), as
mvdan/sh's ``interp.Runner`` takes its exec handlers: the interpreter imports
neither the builtins nor the commands, so there is no import cycle and a
test can run a shell with handlers of its own.
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Self

from app.engine import FSError

from .commands import not_simulated_hint
from .context import Context, LimitReached, decode
from .state import (DEFAULT_PATH, MAX_SCRIPT, SHELL_BUILTINS, ExitShell, ReturnFromFunction,
                    State, note as _ns, too_big_hint)
from .streams import IO

if TYPE_CHECKING:  # pragma: no cover
    from .context import RunRecord

Builtin = Callable[[Any, list[str], IO], int]  # (shell, argv, io) -> status
Command = Callable[[Context], int]


@dataclass(frozen=True)
class Handlers:
    """What the names a script types run, in lookup order after functions.

    ``special``: POSIX special builtins (keep ``A=1`` prefixes); ``regular``:
    the other builtins; ``commands``: layerlab's simulated programs.
    """

    special: Mapping[str, Builtin]
    regular: Mapping[str, Builtin]
    commands: Mapping[str, Command]


class Dispatch:
    """Looking a command name up and running what it names."""

    state: State
    record: "RunRecord"
    handlers: Handlers

    # -- dispatch -------------------------------------------------------------------------
    def dispatch(self, argv: list[str], assigns: list[tuple[str, str]], io: IO) -> int:
        name = argv[0]
        if "/" not in name and name in self.state.functions:
            return self.call_function(name, argv, assigns, io)
        special = self.handlers.special.get(name)
        if special is not None:
            for k, v in assigns:  # special builtins keep prefix assignments (POSIX)
                self.set_var(k, v)
            return special(self, argv, io)
        regular = self.handlers.regular.get(name)
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
        invoked = argv[0]  # /venv/bin/pip: a package tool needs the path it was called by
        argv = [base] + argv[1:]
        # Only when the caller vouches that the tree's binaries are complete.
        if self.record.strict_path and base not in SHELL_BUILTINS:
            if self.find_in_path(base, env.get("PATH", DEFAULT_PATH)) is None:
                self.error(io, f"{base}: not found")
                return 127
        ctx = self.context(argv, env, io)
        packages = self.record.packages
        if packages is not None and base in packages.commands:
            try:
                return int(packages.run([invoked] + argv[1:], ctx))
            except (LimitReached, ExitShell, RecursionError):
                raise
            except FSError as exc:  # its trace is recorded by ctx.fs
                ctx.err(f"{base}: {exc.message}\n")
                return 100
            except Exception as exc:  # noqa: BLE001 - a gap in layerlab's package data, not the student's
                if self.record.strict:
                    raise
                self.record.not_simulated.append(_ns(shlex.join(argv), (
                    f"layerlab's package tool could not simulate this ({type(exc).__name__}: {exc}); "
                    "the layer shows only what the other commands did")))
                return 0
        impl = self.handlers.commands.get(base)
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
                if self.record.strict:
                    raise
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
            known = base in self.handlers.commands or (self.record.packages is not None
                                         and base in self.record.packages.commands)
            if known and not self.record.strict_path:
                return None  # e.g. /usr/bin/apt-get in a tree without binaries: still simulated
            self.error(io, f"{name}: not found")
            return 127
        if st.type == "dir":
            self.error(io, f"{name}: Permission denied")
            return 126
        base = posixpath.basename(name)
        if base in self.handlers.commands:
            return None
        try:
            data = fs.read(full)
        except FSError:
            return None
        head = decode(data[:200]).split("\n", 1)[0]
        if head.startswith("#!") and any(sh in head for sh in ("/sh", "bash", "dash", "busybox")) \
                or not head.startswith("#!") and data[:4] != b"\x7fELF" and data:
            dialect = "bash" if "bash" in head else self.record.sh_dialect
            if len(data) > MAX_SCRIPT:
                self.record.not_simulated.append(_ns(shlex.join(argv), too_big_hint(name, len(data))))
                return 0
            return self.child(env, argv, dialect).run_script(decode(data), io)
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

    def find_in_path(self, name: str, path: str | None = None) -> str | None:
        """The first executable ``name`` on PATH in the simulated tree."""
        fs = self.record.fs
        for d in (path if path is not None else (self.get_var("PATH") or DEFAULT_PATH)).split(":"):
            cand = posixpath.join(d or ".", name)
            st = fs.peek_stat(posixpath.join(self.state.cwd, cand))
            if st is not None and st.type == "file" and st.mode & 0o111:
                return cand
        return None

    def child(self, env: dict[str, str], argv: list[str], dialect: str) -> Self:
        """A new shell process: it inherits only the environment, cwd and umask."""
        state = State(vars=dict(env), exported=set(env), cwd=self.state.cwd,
                      positional=list(argv[1:]), name=argv[0], dialect=dialect,
                      umask=self.state.umask)
        return type(self)(self.record, state, self.handlers)
