"""The sentence ``strerror`` prints for an errno name, as students see it in a shell.

English is the C library's wording; other languages use the wording of the
C library's own translation (glibc's zh_CN messages), from labels.json.
"""

from __future__ import annotations

import errno
import os

from .labels import has, text


def explain(code: str, lang: str = "en") -> str:
    """``ENOENT`` -> ``No such file or directory`` (``没有那个文件或目录`` in zh)."""
    if lang != "en" and has(lang, f"errno_{code}"):
        return text(lang, f"errno_{code}")
    number = getattr(errno, code, None)
    return os.strerror(number) if isinstance(number, int) else code

