"""Which package names a distribution really has (data/package-names.json.xz).

Why: the catalog carries the files of a few hundred Debian packages, but a
Dockerfile copied from a real project installs whatever it needs. The package
tools use this list to tell three cases apart:

- in the catalog: real files, real sizes;
- in the distribution, not in the catalog: installed as a small placeholder,
  flagged through ``ctx.not_simulated`` (a real build would succeed);
- nowhere: the real tool's error and exit status (a real build would fail).

The list is the mirror's own (tools/build_package_names.py): Debian bullseye,
bookworm and trixie (main, with -updates and -security), names plus the
virtual names packages Provide. Alpine's indexes could not be fetched where
the catalog was made; ``alpine_names`` then returns None and apk says it
cannot check.
"""

from __future__ import annotations

import functools
import re

from . import data_files

NAMES_DATA = "package-names.json.xz"
DEBIAN_DEFAULT = "bookworm"


class NameIndex:
    """Names of one distribution release, real and virtual."""

    def __init__(self, release: str, names: list[str], provides: list[str], release_files: dict):
        self.release = release
        self.names = frozenset(names)
        self.virtual = frozenset(provides)
        self.release_files = release_files

    def __contains__(self, name: str) -> bool:
        return name in self.names or name in self.virtual

    def __len__(self) -> int:
        return len(self.names)


@functools.cache
def _data() -> dict:
    return data_files.load(NAMES_DATA) if data_files.exists(NAMES_DATA) else {"debian": {}, "alpine": {}}


@functools.cache
def debian_names(codename: str) -> NameIndex | None:
    """Names of Debian ``codename`` (bullseye, bookworm, trixie), or None if not recorded."""
    entry = _data()["debian"].get(codename)
    if entry is None:
        return None
    return NameIndex(codename, entry["names"], entry["provides"], entry.get("release_files", {}))


@functools.cache
def alpine_names(version: str) -> NameIndex | None:
    """Names of Alpine ``version`` ("3.20"), or None: the catalog has no copy of its APKINDEX."""
    entry = _data()["alpine"].get(version)
    if entry is None:
        return None
    return NameIndex(version, entry["names"], entry["provides"], {})


def os_release_codename(os_release: str) -> str | None:
    m = re.search(r"^VERSION_CODENAME=\"?([a-z]+)", os_release or "", re.M)
    return m.group(1) if m else None
