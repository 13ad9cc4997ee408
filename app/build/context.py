"""The build context: the files ``COPY`` and ``ADD`` can read, and how sources match them.

A lesson carries its build context as data (inline texts, sized placeholders,
or a folder beside the lesson). Sources are matched the way BuildKit matches
them: a path names a file or a directory (copied with its contents), and
wildcards use Go's filepath.Match rules, which fnmatch follows closely enough
for ``*``, ``?`` and ``[...]`` within one path component.
"""

from __future__ import annotations

import fnmatch
import posixpath
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ContextFile:
    """One file of the build context. ``data`` None: only its size is known."""

    data: bytes | None
    size: int = 0
    mode: int = 0o644

    @classmethod
    def text(cls, body: str, mode: int = 0o644) -> "ContextFile":
        raw = body.encode()
        return cls(raw, len(raw), mode)


Context = dict[str, ContextFile]


def clean(path: str) -> str:
    """Context-relative path without leading ./ or /: ``./src/app.py`` -> ``src/app.py``."""
    path = posixpath.normpath("/" + path).lstrip("/")
    return path


def match(context: Context, source: str) -> list[tuple[str, str]]:
    """Context files a COPY source names, as (context path, path relative to the source).

    ``COPY src /app`` with a directory ``src`` copies its *contents*; with a
    file it copies the file. The relative part tells the caller where below
    the destination each file goes.
    """
    src = clean(source)
    if src in ("", "."):
        return [(p, p) for p in sorted(context)]
    has_glob = any(ch in src for ch in "*?[")
    hits: list[tuple[str, str]] = []
    for path in sorted(context):
        if has_glob:
            parts = path.split("/")
            pattern_parts = src.split("/")
            if len(parts) >= len(pattern_parts) and all(
                fnmatch.fnmatchcase(parts[i], pattern_parts[i]) for i in range(len(pattern_parts))
            ):
                top = "/".join(parts[: len(pattern_parts)])
                rest = "/".join(parts[len(pattern_parts):])
                hits.append((path, rest if rest else posixpath.basename(top)))
        elif path == src:
            hits.append((path, posixpath.basename(path)))
        elif path.startswith(src + "/"):
            hits.append((path, path[len(src) + 1:]))
    return hits


def is_directory(context: Context, source: str) -> bool:
    src = clean(source)
    return src in ("", ".") or any(p.startswith(src + "/") for p in context)


def from_folder(root: Path) -> Context:
    """A build context folder on disk, every file with its bytes and mode."""
    out: Context = {}
    for p in sorted(Path(root).rglob("*")):
        if p.is_file():
            raw = p.read_bytes()
            out[p.relative_to(root).as_posix()] = ContextFile(raw, len(raw), p.stat().st_mode & 0o7777)
    return out
