"""The official ``python:3.X-slim`` images, from data/python-images.json.gz
(tools/build_python_images.py).

Why a tree of three parts: docker-library builds python:3.X-slim as
debian:bookworm-slim (the catalog's real tree), one RUN of apt-get
(ca-certificates, netbase, tzdata and the libraries CPython links: the
simulator's own build of that RUN on real Debian data, tzdata from its real
.deb) and CPython compiled into /usr/local. That last part cannot be compiled
here: it is Debian's own CPython 3.11.2 file list relocated to where
``make install`` puts it, with pip's files from its real wheel, so the image
is flagged approximate and says so in its note.
"""

from __future__ import annotations

import functools

from . import data_files
from .trees import with_parents

DATA = "python-images.json.gz"
DEBIAN_DATA = "debian-bookworm.json.gz"
PATH = "PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def keys() -> list[str]:
    """The image keys the data holds, e.g. ``3.12-slim``."""
    return list(data_files.load(DATA)["images"]) if data_files.exists(DATA) else []


def tags(key: str) -> list[str]:
    """Every tag that names the image ``key`` (``3.12-slim`` -> ``3.12.12-slim-bookworm`` ...)."""
    version = data_files.load(DATA)["images"][key]["python_version"]
    xy, variant = key.split("-", 1)
    return [f"{v}-{variant}{suffix}" for v in (xy, version) for suffix in ("", "-bookworm")]


@functools.cache
def tree(key: str) -> tuple[list, dict]:
    """Rows and contents: bookworm-slim, then the apt RUN's layer, then CPython in /usr/local.

    A path a later part also has (dpkg's status, ld.so.cache) keeps its place in the
    order and takes the later part's row, as the upper layer of a union would show it.
    """
    data = data_files.load(DATA)
    slim = data_files.load(DEBIAN_DATA)["images"]["bookworm-slim"]
    deps = data["runtime_deps"]
    by_path: dict[str, list] = {}
    for row in slim["entries"] + deps["entries"] + data["images"][key]["cpython"]:
        by_path[row[0]] = row
    rows = with_parents(list(by_path.values()))
    contents = {**slim["contents"], **deps["contents"]}
    return rows, contents


def spec(key: str) -> dict:
    """What the image says about itself: config, version, and where its data comes from."""
    data = data_files.load(DATA)
    meta = data["meta"]
    version = data["images"][key]["python_version"]
    return {
        "python_version": version,
        "config": {"Env": [PATH, f"PYTHON_VERSION={version}"], "Cmd": ["python3"]},
        "note": (
            f"approximate: python:{key} as docker-library builds it: debian:bookworm-slim (real data), "
            f"the apt-get RUN of ca-certificates, netbase, tzdata {meta['tzdata']} and CPython's libraries "
            f"(real Debian packages), and CPython {version} in /usr/local, which is NOT compiled here: "
            f"Debian's CPython {meta['cpython_from']['libpython3.11-stdlib']} file list relocated and renamed "
            f"for {key.split('-')[0]}, with pip {meta['pip']}'s files from its real wheel "
            f"(tools/build_python_images.py, {meta['generated'][:10]})."),
    }
