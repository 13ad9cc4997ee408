"""A build context folder as docker sends it: read as a tree, then filtered by its .dockerignore.

Apart from context.py (the tree) and dockerignore.py (the filter) because it
needs both, and the filter needs the tree: one module on top, no cycle.
"""

from __future__ import annotations

from pathlib import Path

from .context import DEFAULT_SIZE_LIMIT, Context, ContextError, read_folder
from .dockerignore import apply_dockerignore


def from_folder(root: Path, size_limit: int = DEFAULT_SIZE_LIMIT) -> Context:
    """A build context folder as docker sends it: the tree, less what its .dockerignore
    excludes. Raises ContextError listing the problems (see :func:`read_folder`)."""
    context, problems = read_folder(root, size_limit)
    if problems:
        raise ContextError(problems)
    return apply_dockerignore(context)
