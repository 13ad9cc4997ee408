"""The sentence ``strerror`` prints for an errno name, as students see it in a shell."""

from __future__ import annotations

import errno
import os


def explain(code: str) -> str:
    """``ENOENT`` -> ``No such file or directory`` (the C library's wording)."""
    number = getattr(errno, code, None)
    return os.strerror(number) if isinstance(number, int) else code
