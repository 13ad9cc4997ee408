"""The build context as a tree: directories, files and symlinks, and how COPY sources name them.

A build context is what ``docker build`` sends the builder: a tree of
directories (empty ones too, each with its mode), regular files with their
modes, and symlinks kept as symlinks (their targets are never read, and never
followed out of the context). A lesson carries it as data (inline texts,
sized placeholders, directories and symlinks) or as a folder beside it.

``Context`` maps a context-relative path ("src/app.py") to its entry. Parent
directories a path implies need no entry of their own: they are 0755.

Sources are resolved the way BuildKit resolves them: a symlink met on the way
(and the source itself, when it is one) is followed *inside* the context, an
absolute or ``..`` target being taken from the context's root; a directory
copies its contents; wildcards use Go's filepath.Match rules, which fnmatch
follows closely enough for ``*``, ``?`` and ``[...]`` within one component.

``.dockerignore`` (see :mod:`app.build.dockerignore`) is applied once, by :mod:`app.build.folder` when
the context is read, as the docker CLI does before it sends the context.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import stat
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


@dataclass(frozen=True)
class ContextDir:
    """A directory of the build context, kept even when empty, with its mode."""

    mode: int = 0o755


@dataclass(frozen=True)
class ContextSymlink:
    """A symlink of the build context, kept as a symlink: only its target text is known."""

    target: str


Entry = ContextFile | ContextDir | ContextSymlink
Context = dict[str, Entry]

IMPLIED_DIR = ContextDir(0o755)
MAX_SYMLINK_HOPS = 40  # Linux's limit (ELOOP), which BuildKit's resolver shares
DEFAULT_SIZE_LIMIT = 256 * 1024 * 1024


@dataclass(frozen=True)
class Hit:
    """One entry a COPY source names: where it lies in the context, and where it goes.

    ``rel`` is the path below the destination ("" for a directory source
    itself, whose contents go into the destination)."""

    path: str
    rel: str
    entry: Entry


class ContextError(Exception):
    """A context folder that cannot be sent as it is; ``problems`` says why, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def clean(path: str) -> str:
    """Context-relative path without leading ./ or /: ``./src/app.py`` -> ``src/app.py``."""
    return posixpath.normpath("/" + path).lstrip("/")


def tree(context: Context) -> dict[str, Entry]:
    """Every path of the context with its entry, the implied parent directories too
    ("" is the root), sorted so that a directory comes before what it holds."""
    out: dict[str, Entry] = {"": IMPLIED_DIR}
    for path, entry in context.items():
        path = clean(path)
        parts = path.split("/")
        for i in range(1, len(parts)):
            out.setdefault("/".join(parts[:i]), IMPLIED_DIR)
        if path:
            out[path] = entry
    return dict(sorted(out.items(), key=lambda item: item[0].split("/")))


def lookup(nodes: dict[str, Entry], path: str, follow: bool = True) -> tuple[str, Entry] | None:
    """The entry ``path`` names, with symlinks followed inside the context (the last one
    only with ``follow``), as (its real context path, entry); None where nothing is."""
    real, entry = _walk(nodes, path, follow)
    return None if entry is None else (real, entry)


def _walk(nodes: dict[str, Entry], path: str, follow: bool) -> tuple[str, Entry | None]:
    """:func:`lookup`'s walk: (the real path, its entry), or (the path it was looking
    for when it found nothing, symlinks on the way followed, and None): the path
    BuildKit names in its "not found"."""
    todo = [p for p in clean(path).split("/") if p]
    here: list[str] = []
    hops = 0
    while todo:
        name = todo.pop(0)
        candidate = "/".join(here + [name])
        entry = nodes.get(candidate)
        if entry is None:
            return "/".join([candidate, *todo]), None
        if isinstance(entry, ContextSymlink) and (todo or follow):
            hops += 1
            if hops > MAX_SYMLINK_HOPS:
                return candidate, None
            # an absolute target replaces the start (posixpath.join); clean() keeps ".." at the root
            here = [p for p in clean(posixpath.join("/" + "/".join(here), entry.target)).split("/") if p]
            todo = here + todo
            here = []
            continue
        if todo and not isinstance(entry, ContextDir):
            return "/".join([candidate, *todo]), None
        here.append(name)
    real = "/".join(here)
    return real, nodes[real]


def dangling(context: Context, source: str) -> str | None:
    """Where a COPY source breaks: the first name it matches (a glob's matches included)
    whose symlinks lead to nothing in the context, as the context path BuildKit reports
    ("/logs/a.txt" not found, say, when link.txt points into an ignored folder); None
    when every match resolves. A glob that matches nothing is not broken: it copies nothing."""
    nodes = tree(context)
    src = clean(source)
    for name in (_glob(nodes, src) if is_wildcard(src) else [src]):
        missing, entry = _walk(nodes, name, follow=True)
        if entry is None:
            return "/" + missing
    return None


def _below(nodes: dict[str, Entry], top: str) -> list[tuple[str, Entry]]:
    prefix = top + "/" if top else ""
    return [(p, e) for p, e in nodes.items() if p.startswith(prefix) and p != top]


def _expand(nodes: dict[str, Entry], name: str, rel_name: str) -> list[Hit]:
    """What one named source copies: itself followed; a directory's whole subtree."""
    found = lookup(nodes, name)
    if found is None:
        return []
    real, entry = found
    if not isinstance(entry, ContextDir):
        return [Hit(real, rel_name, entry)]
    prefix = len(real) + 1 if real else 0
    return [Hit(real, "", entry)] + [Hit(p, p[prefix:], e) for p, e in _below(nodes, real)]


def _glob(nodes: dict[str, Entry], pattern: str) -> list[str]:
    """Context paths a wildcard source matches, component by component (as filepath.Glob)."""
    parts = pattern.replace("[^", "[!").split("/")
    matches = [""]
    for part in parts:
        step = []
        for base in matches:
            found = lookup(nodes, base) if base else ("", IMPLIED_DIR)
            if found is None or not isinstance(found[1], ContextDir):
                continue
            real = found[0]
            for path, _ in _below(nodes, real):
                child = path[len(real) + 1:] if real else path
                if "/" not in child and fnmatch.fnmatchcase(child, part):
                    step.append(f"{base}/{child}" if base else child)
        matches = step
    return sorted(matches)


def is_wildcard(source: str) -> bool:
    """A source with Go filepath.Match metacharacters: one that may match nothing."""
    return any(ch in source for ch in "*?[")


def resolve_each(context: Context, source: str) -> list[list[Hit]]:
    """What a COPY source copies, one list of hits per name it matches (a glob may match
    several, or none): the first hit of a directory's list is the directory itself."""
    nodes = tree(context)
    src = clean(source)
    names = _glob(nodes, src) if is_wildcard(src) else [src]
    return [hits for hits in (_expand(nodes, name, posixpath.basename(name)) for name in names) if hits]


def resolve(context: Context, source: str) -> list[Hit]:
    """Every entry a COPY source copies, as BuildKit resolves it; [] when it names nothing.

    A directory source gives itself (``rel`` "") and its whole subtree, empty
    directories and symlinks (kept, not followed) included; a file or a
    symlink source gives the entry it resolves to under the source's own name.
    """
    return [hit for hits in resolve_each(context, source) for hit in hits]


def match(context: Context, source: str) -> list[tuple[str, str]]:
    """The regular files a COPY source reads, as (context path, path relative to the destination):
    the file-only view (symlinks read as the file they name, directories left out);
    :func:`resolve` is the whole tree, which COPY copies."""
    nodes = tree(context)
    out: list[tuple[str, str]] = []
    for hit in resolve(context, source):
        if isinstance(hit.entry, ContextFile):
            out.append((hit.path, hit.rel))
        elif isinstance(hit.entry, ContextSymlink):
            found = lookup(nodes, hit.path)
            if found is not None and isinstance(found[1], ContextFile):
                out.append((found[0], hit.rel))
    return out


def is_directory(context: Context, source: str) -> bool:
    """A source that names a directory (through symlinks too): COPY copies its contents."""
    src = clean(source)
    if src in ("", "."):
        return True
    found = lookup(tree(context), src)
    return found is not None and isinstance(found[1], ContextDir)


def read_folder(root: Path, size_limit: int = DEFAULT_SIZE_LIMIT) -> tuple[Context, list[str]]:
    """A folder as a context, and the problems met (one line each) instead of tracebacks:
    special files, unreadable entries, a folder larger than ``size_limit`` bytes.
    Symlinks are read with os.readlink, never followed."""
    root = Path(root)
    out: Context = {}
    problems: list[str] = []
    total = 0
    todo = [root]
    while todo:
        folder = todo.pop()
        try:
            children = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            problems.append(f"{folder}: cannot list: {exc.strerror or exc}")
            continue
        for child in children:
            rel = Path(child.path).relative_to(root).as_posix()
            try:
                info = child.stat(follow_symlinks=False)
                if stat.S_ISLNK(info.st_mode):
                    out[rel] = ContextSymlink(os.readlink(child.path))
                elif stat.S_ISDIR(info.st_mode):
                    out[rel] = ContextDir(stat.S_IMODE(info.st_mode))
                    todo.append(Path(child.path))
                elif stat.S_ISREG(info.st_mode):
                    total += info.st_size
                    if total > size_limit:
                        problems.append(f"{root}: the build context is larger than {size_limit} bytes")
                        return out, problems
                    raw = Path(child.path).read_bytes()
                    out[rel] = ContextFile(raw, len(raw), stat.S_IMODE(info.st_mode))
                else:
                    problems.append(f"{child.path}: a special file (device, socket or pipe) cannot be sent")
            except OSError as exc:
                problems.append(f"{child.path}: cannot read: {exc.strerror or exc}")
    return dict(sorted(out.items())), problems
