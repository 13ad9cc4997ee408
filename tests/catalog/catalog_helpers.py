"""A minimal command context for calling package tools without the shell.

Why not the shell: these tests pin down the package tools' own behaviour
(what files an install touches, what apt prints), so they call ``run(argv,
ctx)`` directly with the smallest object that honours the shell's context
contract (fs, env, cwd, stdin, out, err, record, not_simulated, path). The
filesystem is the real engine's UnionFS behind the shell's own RecordingFS,
never a mock.
"""

from __future__ import annotations

import posixpath

from app.catalog import base_image, package_tool
from app.engine.layer import Layer
from app.engine.union import UnionFS
from app.shell.recorder import RecordingFS


class MiniContext:
    def __init__(self, union: UnionFS, env: dict | None = None, stdin: str = ""):
        self.fs = RecordingFS(union, self.record)  # the shell's recorder, as ctx.fs is in a RUN
        self.env = env or {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
        self.cwd = "/"
        self.stdin = stdin
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.traces: list = []
        self.skipped: list[tuple[str, str]] = []
        self.argv: list[str] = []

    def out(self, text: str) -> None:
        self.stdout.append(text)

    def err(self, text: str) -> None:
        self.stderr.append(text)

    def record(self, trace) -> None:
        self.traces.append(trace)

    def not_simulated(self, command: str, hint: str) -> None:
        self.skipped.append((command, hint))

    def path(self, p: str) -> str:
        return posixpath.join(self.cwd, p)

    @property
    def output(self) -> str:
        return "".join(self.stdout)

    @property
    def errors(self) -> str:
        return "".join(self.stderr)


class Step:
    """One RUN step's union over an image's layers, with a helper to run package commands."""

    def __init__(self, ref: str, lowers: list[Layer] | None = None):
        self.base = base_image(ref)
        self.lowers = lowers if lowers is not None else [self.base.layer()]
        self.fs = UnionFS(self.lowers, Layer())
        self.tool = package_tool(self.base.distro)
        self.traces: list = []  # every trace of every command run in this step

    def run(self, *argv: str, stdin: str = "", env: dict | None = None) -> tuple[int, MiniContext]:
        ctx = MiniContext(self.fs, env=env, stdin=stdin)
        ctx.argv = list(argv)
        rc = self.tool.run(list(argv), ctx)
        self.traces.extend(ctx.traces)
        return rc, ctx

    def commit(self) -> Layer:
        return self.fs.upper.freeze()


