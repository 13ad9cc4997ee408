"""Build app/catalog/data/npm-packages.json.gz: real npm tarball file lists for npm in the simulator.

    python tools/build_npm_catalog.py [--work DIR]

What it does, all with the ordinary npm client and the registry's real tarballs:

1. a real ``npm install --ignore-scripts`` of the PACKAGES (DEV_PACKAGES as devDependencies) in a
   scratch project, and ``npm install --package-lock-only`` of each one alone: npm's own resolver
   picks every version, so the catalog holds each version some real install of them chose;
2. for every package version in those lockfiles: its lock entry (version, integrity, license,
   dependencies, engines, bin...) and the file list of its real tarball (from the registry,
   the one npm itself fetched: path, size, executable bit), and the tarball's size (the npm cache);
3. ``npm view NAME versions`` of the requested packages (so ``express@99`` fails as npm fails);
4. one real ``npm view`` of a name that does not exist, for npm's 404 text;
5. where npm placed every package of each one-package install (for the placement test);
6. a real ``npm install express`` measured (bytes and files of node_modules) with its
   package.json and package-lock.json, which the tests build with ``npm ci``.

Only paths and sizes are kept (no file contents), gzipped JSON.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "app/catalog/data/npm-packages.json.gz"
REGISTRY = "https://registry.npmjs.org"
# What a Node.js course installs (30 top-level packages).
PACKAGES = ["express", "cors", "body-parser", "dotenv", "morgan", "helmet", "cookie-parser",
            "express-session", "jsonwebtoken", "bcryptjs", "mongoose", "pg", "mysql2", "redis", "axios",
            "lodash", "dayjs", "uuid", "chalk", "commander", "ws", "socket.io", "multer", "joi", "winston",
            "ejs"]
DEV_PACKAGES = ["nodemon", "jest", "eslint", "typescript"]
ABSENT_PROBE = "layerlab-no-such-package"  # the registry answers 404 (checked when the data is made)
NPM_FLAGS = ["--ignore-scripts", "--no-audit", "--no-fund", "--no-omit-lockfile-registry-resolved",
             "--loglevel=error"]


def npm(args: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["npm", *args], cwd=cwd, check=check, capture_output=True, text=True)


def project(work: Path, name: str, deps: dict, dev: dict | None = None) -> Path:
    folder = work / name
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"name": name, "version": "1.0.0", "dependencies": deps}
    if dev:
        manifest["devDependencies"] = dev
    (folder / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def locks(work: Path) -> list[dict]:
    """Lockfiles npm writes: the whole course installed, then each package alone (lock only)."""
    everything = project(work, "all", {p: "*" for p in PACKAGES}, {p: "*" for p in DEV_PACKAGES})
    npm(["install", *NPM_FLAGS], everything)
    out = [json.loads((everything / "package-lock.json").read_text())]
    for name in PACKAGES + DEV_PACKAGES:
        alone = project(work, f"one-{name}", {name: "*"})
        npm(["install", "--package-lock-only", *NPM_FLAGS], alone)
        out.append(json.loads((alone / "package-lock.json").read_text()))
    return out


def package_name(lock_path: str, entry: dict) -> str:
    return entry.get("name") or lock_path.rsplit("node_modules/", 1)[-1]


def tarball_files(url: str) -> tuple[list, int]:
    """The files of a package tarball as npm extracts it (first path component stripped)."""
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read()
    files = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            rel = member.name.split("/", 1)[1] if "/" in member.name else member.name
            row = [rel, member.size]
            if member.mode & 0o111:
                row.append(1)
            files.append(row)
    files.sort()
    return files, len(data)


KEEP = ("version", "integrity", "license", "dependencies", "optionalDependencies", "peerDependencies",
        "peerDependenciesMeta", "engines", "bin", "os", "cpu", "funding", "hasInstallScript")


def real_layouts(all_locks: list[dict]) -> dict:
    """Where real npm placed each package of each one-package install: {name: {location: version}}."""
    out = {}
    for lock in all_locks[1:]:
        (name,) = lock["packages"][""]["dependencies"]
        out[name] = {loc: e["version"] for loc, e in lock["packages"].items() if loc and not e.get("link")}
    return out


def catalog(all_locks: list[dict]) -> dict:
    """Every package version the lockfiles name, with its tarball's files (8 downloads at a time)."""
    packages: dict[str, dict] = {}
    todo = []
    for lock in all_locks:
        for path, entry in lock["packages"].items():
            if not path or entry.get("link"):
                continue
            name = package_name(path, entry)
            versions = packages.setdefault(name, {"catalog": {}})["catalog"]
            if entry["version"] in versions:
                continue
            kept = {k: entry[k] for k in KEEP if k in entry}
            kept["resolved"] = entry["resolved"]
            versions[entry["version"]] = kept
            todo.append(kept)
    with ThreadPoolExecutor(8) as pool:
        for kept, (files, size) in zip(todo, pool.map(lambda k: tarball_files(k["resolved"]), todo)):
            kept["files"], kept["tarball_size"] = files, size
    print(f"  {len(todo)} tarballs read", file=sys.stderr)
    return packages


def published_versions(packages: dict, work: Path) -> None:
    for name in PACKAGES + DEV_PACKAGES:
        view = json.loads(npm(["view", name, "versions", "dist-tags", "--json"], work).stdout)
        packages[name]["published"] = view["versions"]
        packages[name]["dist_tags"] = {"latest": view["dist-tags"]["latest"]}


def absent_error(work: Path) -> dict:
    """npm's real answer for a name the registry does not have (none if the probe exists now)."""
    result = npm(["view", ABSENT_PROBE, "--loglevel=error"], work, check=False)
    if result.returncode == 0:
        print(f"{ABSENT_PROBE} exists now: no 404 recorded", file=sys.stderr)
        return {}
    return {ABSENT_PROBE: "".join(line + "\n" for line in result.stderr.splitlines() if "complete log" not in line)}


def measure_express(work: Path) -> dict:
    folder = work / "measure-express"
    folder.mkdir(parents=True, exist_ok=True)
    npm(["install", *NPM_FLAGS, "express"], folder)
    nbytes = nfiles = 0
    for dirpath, dirnames, filenames in os.walk(folder / "node_modules"):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if path.is_symlink():
                nbytes += len(os.readlink(path))
            elif path.is_file():
                nbytes += path.stat().st_size
                nfiles += 1
    return {"bytes": nbytes, "files": nfiles, "package_json": (folder / "package.json").read_text(),
            "package_lock": (folder / "package-lock.json").read_text()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", help="folder for the scratch projects (default: a temporary one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(args.work or scratch)
        all_locks = locks(work)
        packages = catalog(all_locks)
        published_versions(packages, work)
        data = {"meta": {"generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                         "npm": npm(["--version"], work).stdout.strip(), "registry": REGISTRY},
                "requested": PACKAGES, "dev": DEV_PACKAGES, "packages": packages,
                "absent": absent_error(work), "real_layouts": real_layouts(all_locks),
                "measured_install": {"express": measure_express(work)}}
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    OUT.write_bytes(gzip.compress(raw, 9, mtime=0))
    versions = sum(len(p["catalog"]) for p in packages.values())
    files = sum(len(v["files"]) for p in packages.values() for v in p["catalog"].values())
    print(f"{OUT.relative_to(ROOT)}: {len(packages)} packages, {versions} versions, {files} files, "
          f"{OUT.stat().st_size} bytes of data")
    return 0


if __name__ == "__main__":
    sys.exit(main())
