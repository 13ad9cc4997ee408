"""The official ``python:3.X-slim`` images, from data/python-images.json.gz
(tools/build_python_images.py).

Why four layers: docker-library builds python:3.X-slim as debian:bookworm-slim
(the catalog's real tree, the very same layer object), one RUN of apt-get
(ca-certificates, netbase, tzdata: the simulator's own build of that RUN on
real Debian data, tzdata from its real .deb), one RUN that compiles CPython
into /usr/local and keeps the libraries it links (those are the simulator's
apt build too), and a RUN of short links (python -> python3). CPython cannot be compiled
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


def base(key: str) -> str:
    """The Debian tree the image starts from (every python:3.X-slim: bookworm-slim)."""
    return "bookworm-slim"


@functools.cache
def layer_parts(key: str) -> tuple[tuple[list, dict], ...]:
    """(rows, contents) of the three layers the official Dockerfile puts on bookworm-slim:
    the runtime apt RUN, CPython's RUN (the libraries it keeps, then ``make install``),
    and the RUN of the short links (python -> python3 ...)."""
    data = data_files.load(DATA)
    deps, libs, image = data["runtime_deps"], data["kept_libs"], data["images"][key]
    return ((with_parents(deps["entries"]), deps["contents"]),
            (with_parents(libs["entries"] + image["cpython"]), libs["contents"]),
            (with_parents(image["links"]), {}))


def history(key: str) -> tuple[tuple[str, str], ...]:
    """(created_by, comment) of those three layers, as the official image's history has them."""
    return tuple((text, "buildkit.dockerfile.v0") for text in data_files.load(DATA)["meta"]["history"])


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
