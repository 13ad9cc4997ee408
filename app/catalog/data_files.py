"""Reading the catalog's data files (app/catalog/data/*.json[.gz]), once per process.

Why a module of its own: the data files are large (the Debian package
catalog holds tens of thousands of paths) and several modules need them; they
are parsed at most once per process and shared read-only.
"""

from __future__ import annotations

import functools
import gzip
import json
import lzma
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@functools.cache
def load(name: str) -> dict:
    """Parse ``data/<name>`` (``.json``, ``.json.gz`` or ``.json.xz``). Treat the result as read-only."""
    path = DATA_DIR / name
    if name.endswith(".xz"):
        with lzma.open(path, "rt", encoding="utf-8") as f:
            return json.load(f)
    if name.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return json.load(f)
    return json.loads(path.read_text(encoding="utf-8"))


def exists(name: str) -> bool:
    return (DATA_DIR / name).exists()
