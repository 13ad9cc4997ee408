"""``.dockerignore``: which paths of a build context docker leaves out before it sends it.

The rules are Docker's own, in three parts:
- reading the file as the docker CLI does (``dockerignore.ReadAll``): a line
  starting with ``#`` is a comment, blanks are trimmed, ``!`` marks an
  exception, each pattern is cleaned (``filepath.Clean``) and a leading ``/``
  dropped;
- matching one path (moby's ``fileutils.PatternMatcher``: ``*``, ``?``,
  ``[...]``, ``**`` across directories, the last matching pattern wins, a
  pattern that matches a parent directory matches what it holds). The docker
  SDK for Python ports that matcher exactly; we use its ``Pattern`` and
  ``fnmatch`` rather than a copy of them;
- walking the tree as BuildKit's file sender (fsutil) does: an excluded
  directory is skipped whole unless an exception pattern starts inside it,
  then the directory is sent and the walk goes on below it.

With BuildKit (what we mirror) the Dockerfile and ``.dockerignore`` get no
special treatment: a pattern that matches them keeps them out of ``COPY .``
(the builder still reads the Dockerfile: it is sent on its own). This was
checked against docker.io 20.10 (tests/docker). The SDK's own ``PatternMatcher``
adds ``!.dockerignore``, the classic builder's rule, so it is not used as is.
"""

from __future__ import annotations

import posixpath

from docker.utils.build import Pattern
from docker.utils.fnmatch import fnmatch

from .context import Context, ContextDir, ContextError, ContextFile, tree

FILENAME = ".dockerignore"


def read_patterns(text: str) -> list[str]:
    """The patterns of a .dockerignore file, as the docker CLI reads them. A lone ``!``
    is refused as BuildKit refuses it (ContextError: ``illegal exclusion pattern: "!"``)."""
    patterns = []
    for number, line in enumerate(text.splitlines()):
        if number == 0:
            line = line.removeprefix("\ufeff")
        if line.startswith("#"):
            continue
        line = line.strip()
        if not line:
            continue
        invert = line.startswith("!")
        if invert:
            line = line[1:].strip()
        if line:
            line = posixpath.normpath(line)
            if len(line) > 1 and line.startswith("/"):
                line = line[1:]
        elif invert:
            raise ContextError([f'{FILENAME} line {number + 1}: illegal exclusion pattern: "!"'])
        patterns.append("!" + line if invert else line)
    return patterns


class Matcher:
    """moby's PatternMatcher over a list of patterns: is one path excluded?"""

    def __init__(self, patterns: list[str]):
        self.patterns = [p for p in (Pattern(text) for text in patterns) if p.dirs]
        self.has_exceptions = any(p.exclusion for p in self.patterns)

    def excluded(self, path: str) -> bool:
        matched = False
        parent = posixpath.dirname(path)
        parent_dirs = parent.split("/") if parent else []
        for pattern in self.patterns:
            hit = fnmatch(path, pattern.cleaned_pattern)
            if not hit and parent and len(pattern.dirs) <= len(parent_dirs):
                hit = fnmatch("/".join(parent_dirs[: len(pattern.dirs)]), pattern.cleaned_pattern)
            if hit:
                matched = not pattern.exclusion
        return matched

    def may_include_below(self, directory: str) -> bool:
        """An exception pattern that starts inside ``directory`` (fsutil's test to walk on)."""
        prefix = directory + "/"
        return any(p.exclusion and (p.cleaned_pattern + "/").startswith(prefix) for p in self.patterns)


def filter_context(context: Context, patterns: list[str]) -> Context:
    """``context`` less what ``patterns`` exclude, walked as BuildKit sends it."""
    if not patterns:
        return context
    matcher = Matcher(patterns)
    kept: Context = {}
    skipped: list[str] = []
    for path, entry in tree(context).items():
        if not path or any(path.startswith(s + "/") for s in skipped):
            continue
        if matcher.excluded(path):
            if isinstance(entry, ContextDir):
                if matcher.has_exceptions and matcher.may_include_below(path):
                    kept[path] = entry
                else:
                    skipped.append(path)
            continue
        kept[path] = entry
    return kept


def apply_dockerignore(context: Context) -> Context:
    """The context as docker sends it: its own ``.dockerignore`` applied (none: unchanged).
    A .dockerignore whose bytes are unknown (a sized placeholder) excludes nothing.
    Raises ContextError for a pattern docker refuses."""
    spec = context.get(FILENAME)
    if not isinstance(spec, ContextFile) or not spec.data:
        return context
    return filter_context(context, read_patterns(spec.data.decode("utf-8", "replace")))
