"""Run ``layerlab`` in this process (``app.cli.main``), as a shell would, without the 1-3 s of a new Python."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

from app.cli import main


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def layerlab(*args: str) -> Ran:
    """``layerlab ARGS...``: its exit status and what it printed (argparse's exit 2 included)."""
    out, err = _stream(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main([str(a) for a in args])
        except SystemExit as exc:  # argparse refusing an option
            status = exc.code if isinstance(exc.code, int) else 2
    out.flush()
    return Ran(status, out.buffer.getvalue().decode("utf-8", "replace"), err.getvalue())


def _stream() -> io.TextIOWrapper:
    """A stdout with a .buffer, as the real one has (`parse --json`, `render -o -` write bytes to it)."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
