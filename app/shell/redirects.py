"""Redirections: ``>``, ``>>``, ``<``, ``<>``, ``2>&1``, here-documents, through the recorder.

A mixin of ``Shell`` (app/shell/interpreter.py): it uses the shell's ``state``
(cwd, umask, dialect), ``record`` (the RecordingFS and the notes) and
``expander``, and keeps the files it opened in ``open_files`` until they are
flushed, so a loop writing to one file draws one trace per write.
"""

from __future__ import annotations

import hashlib
import posixpath
from typing import TYPE_CHECKING, Any

from app.engine import FSError

from .context import decode, encode
from .expand import ExpansionError
from .state import RedirectError, note as _ns
from .streams import IO, FileSink, Null
from .syntax import Redirect

if TYPE_CHECKING:  # pragma: no cover
    from .context import RunRecord
    from .expand import Expander
    from .state import State


class Redirections:
    """Opening what a command's redirections name, as dash, bash and busybox ash do."""

    state: "State"
    record: "RunRecord"
    expander: "Expander"
    open_files: list[FileSink]

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
                self.record.check_string(text, "a here-document")
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
        sink = FileSink(full, self._flush_file, self.record.limits.max_file_bytes)
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


def _pseudo_random(n: int) -> str:
    out = b""
    seed = b"layerlab"
    while len(out) < n:
        seed = hashlib.sha256(seed).digest()
        out += seed
    return decode(out[:n])
