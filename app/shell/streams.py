"""Where a command's output goes: a buffer (pipe, ``$(...)``, the RUN log),
nowhere (``/dev/null``), or a file in the union filesystem.

Why file output is buffered per command: one engine write per command keeps
the trace list readable (``for i in 1 2 3; do echo $i; done >> f`` draws three
appends, not one per byte) while every later command still sees the data: the
shell flushes open files after each simple command.
"""

from __future__ import annotations

from typing import Callable

from .recorder import LimitReached

UNLIMITED = 1 << 62


def _over(limit: int, what: str, setting: str) -> LimitReached:
    return LimitReached(f"{what} grew past {limit} bytes (limit {setting})")


class Buffer:
    """Text a command wrote; ``limit`` bounds it as it grows (a pipe, ``$(...)``, the RUN log)."""

    def __init__(self, limit: int = UNLIMITED, setting: str = "max_string_bytes") -> None:
        self.parts: list[str] = []
        self.size = 0
        self.limit, self.setting = limit, setting

    def write(self, text: str) -> None:
        if text:
            self.size += len(text)
            if self.size > self.limit:
                raise _over(self.limit, "a command's output", self.setting)
            self.parts.append(text)

    def value(self) -> str:
        return "".join(self.parts)

    def flush(self) -> None:
        pass


class Null:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


class FileSink:
    """An open file: text written is appended to ``path`` in the union on flush."""

    def __init__(self, path: str, flush_to: Callable[[str, str], None], limit: int = UNLIMITED):
        self.path = path
        self._flush_to = flush_to
        self.parts: list[str] = []
        self.size = 0
        self.limit = limit

    def write(self, text: str) -> None:
        if text:
            self.size += len(text)
            if self.size > self.limit:
                raise _over(self.limit, f"the output to {self.path}", "max_file_bytes")
            self.parts.append(text)

    def flush(self) -> None:
        if self.parts:
            data, self.parts, self.size = "".join(self.parts), [], 0
            self._flush_to(self.path, data)


class IO:
    """A command's file descriptors: 0 is text to read, the others are sinks."""

    def __init__(self, stdin: str, fds: dict[int, object]):
        self.stdin = stdin
        self.fds = fds

    @property
    def stdout(self):
        return self.fds.get(1, Null())

    @property
    def stderr(self):
        return self.fds.get(2, Null())

    def with_(self, stdin: str | None = None, **fds: object) -> "IO":
        new = dict(self.fds)
        for key, sink in fds.items():
            new[int(key[2:])] = sink  # fd1=..., fd2=...
        return IO(self.stdin if stdin is None else stdin, new)
