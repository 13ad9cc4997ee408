#!/usr/bin/env python3
"""Add Debian packages to the catalog without touching the ones it has (needs root, debootstrap).

Why a second file instead of a new run of tools/build_catalog.py: that run
rebuilds the bookworm tree from today's mirror, which moves every base file,
every existing package and every golden diagram of the course. This tool
only ADDS: it writes app/catalog/data/debian-bookworm-extra-packages.json.gz,
which app/catalog/debian_packages.py reads after the main file, and a package
the main file already has is never written (nor overridden) here.

What it does, with real Debian data (the mirror as it is today):

1. a bookworm ``debootstrap --variant=minbase`` tree, ``apt-get update`` and
   ``full-upgrade`` (the state the catalog's base image was made in);
2. apt's own answer to ``apt-get install -s --no-install-recommends LINE`` for
   each install line of ``INSTALL_LINES``, kept as ``apt_closures``;
3. ``apt-get download`` of every package of those closures that the main
   catalog lacks, each .deb read as tools/build_catalog.py reads one (control
   fields, control members, the data tar's rows, merged-/usr paths);
4. the install line run for real in a chroot on overlayfs: files the
   maintainer scripts and triggers made that no .deb holds (graphviz's
   ``dot -c`` plugin config, fontconfig's caches for the new fonts) are
   attributed to the new packages as ``generated_files``; what they made in
   packages the catalog already has is left out (those entries stay as they are).

Usage:  sudo tools/build_catalog_extras.py [--work /var/tmp/layerlab-extras]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_catalog import (INST, MIRROR, RUN_BOOKKEEPING, SUITE, attribute_outputs, file_owners,  # noqa: E402
                           canonical, read_deb, read_upper, sources_deb822, write_gz)

from app.catalog import data_files  # noqa: E402

OUT = data_files.DATA_DIR / "debian-bookworm-extra-packages.json.gz"

# The apt-get install lines of lessons that need packages the main catalog lacks.
INSTALL_LINES = [
    # layerlab's own top-level Dockerfile (lessons/11-this-app.yaml)
    "python3 python3-venv graphviz fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0",
]


def log(msg: str) -> None:
    print(f"[build_catalog_extras] {msg}", file=sys.stderr, flush=True)


def sh(*args: str | Path, capture: bool = False) -> str:
    res = subprocess.run([str(a) for a in args], check=True, text=True,
                         stdout=subprocess.PIPE if capture else None)
    return res.stdout if capture else ""


def in_chroot(root: Path, script: str, capture: bool = False) -> str:
    return sh("chroot", root, "bash", "-c", "DEBIAN_FRONTEND=noninteractive " + script, capture=capture)


def make_rootfs(root: Path) -> None:
    """A bookworm minbase tree, updated and fully upgraded, with the official image's sources."""
    if (root / ".extras-ready").exists():
        return
    if not (root / "etc/os-release").exists():
        sh("debootstrap", "--variant=minbase", "--merged-usr", SUITE, root, MIRROR)
    (root / "etc/apt/sources.list").unlink(missing_ok=True)
    (root / "etc/apt/sources.list.d/debian.sources").write_text(sources_deb822(dt.date.today().strftime("%Y%m%d")))
    shutil.copy("/etc/resolv.conf", root / "etc/resolv.conf")
    in_chroot(root, "apt-get update -qq && apt-get full-upgrade -yqq")
    (root / ".extras-ready").write_text("ok\n")


def closure(root: Path, line: str) -> list[str]:
    out = in_chroot(root, f"apt-get install -s -y --no-install-recommends {line}", capture=True)
    return [m.group(1) for row in out.splitlines() if (m := INST.match(row))]


def download(root: Path, names: list[str], debs: Path) -> list[Path]:
    inside = root / "tmp/debs"
    inside.mkdir(parents=True, exist_ok=True)
    in_chroot(root, "cd /tmp/debs && apt-get -qq download " + " ".join(sorted(names)))
    debs.mkdir(parents=True, exist_ok=True)
    for p in inside.glob("*.deb"):
        shutil.move(str(p), debs / p.name)
    shutil.rmtree(inside)
    return sorted(p for p in debs.glob("*.deb") if p.name.split("_")[0] in names)


def real_install(root: Path, work: Path, line: str) -> dict:
    """The upper directory of ``apt-get install`` on overlayfs over ``root``: {path: [kind, mode, size, target]}."""
    base = work / "ovl"
    if base.exists():
        subprocess.run(["umount", "-R", str(base / "merged")], check=False)
        shutil.rmtree(base)
    for d in ("upper", "work", "merged"):
        (base / d).mkdir(parents=True)
    merged = base / "merged"
    sh("mount", "-t", "overlay", "overlay", "-o",
       f"lowerdir={root},upperdir={base / 'upper'},workdir={base / 'work'}", merged)
    try:
        sh("mount", "-t", "proc", "proc", merged / "proc")
        try:
            in_chroot(merged, f"apt-get install -y -qq --no-install-recommends {line} >/dev/null")
        finally:
            sh("umount", merged / "proc")
    finally:
        sh("umount", merged)
    return read_upper(base / "upper")


def known_paths(main: dict, new: dict) -> tuple[set[str], dict]:
    """Every path a package of either file ships or a script of the main file made; owners."""
    known, owners = file_owners({**main["packages"], **new})
    for rows in main.get("generated_files", {}).values():
        known.update(r[0] for r in rows)
    return known, owners


def font_cache_owners(outputs: dict, owners: dict, new: set[str]) -> dict[str, list]:
    """fontconfig's caches (``/var/cache/fontconfig/<md5 of a font directory>-le64.cache-8``)
    by the new package that ships the directory cached; caches of directories of packages
    the main catalog has are left out, as the main catalog left them out ("(run)")."""
    by_hash = {}
    for key, names in owners.items():
        if key.endswith("#dir") and "/fonts" in key:
            path = key[:-4]
            by_hash[hashlib.md5(path.encode()).hexdigest()] = next((n for n in names if n in new), None)
    per: dict[str, list] = {}
    for path, (kind, mode, size, target) in sorted(outputs.items()):
        m = re.match(r"^/var/cache/fontconfig/([0-9a-f]{32})-le64\.cache-8$", path)
        if m and by_hash.get(m.group(1)):
            per.setdefault(by_hash[m.group(1)], []).append([path, kind, mode, size, target])
    return per


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", default="/var/tmp/layerlab-extras", type=Path)
    work: Path = ap.parse_args().work
    root = work / "rootfs"
    work.mkdir(parents=True, exist_ok=True)
    make_rootfs(root)
    main_data = data_files.load("debian-bookworm-packages.json.gz")
    have = set(main_data["packages"])
    top_links = {"/bin": "/usr/bin", "/sbin": "/usr/sbin", "/lib": "/usr/lib", "/lib64": "/usr/lib64"}
    closures, packages, generated = {}, {}, {}
    for line in INSTALL_LINES:
        closures[line] = {"no_recommends": closure(root, line)}
        missing = [n for n in closures[line]["no_recommends"] if n not in have and n not in packages]
        log(f"{line}: {len(closures[line]['no_recommends'])} packages, {len(missing)} not in the catalog")
        for deb in download(root, missing, work / "debs"):
            info = read_deb(deb)
            for row in info["files"]:
                row[0] = canonical(row[0], top_links)
                if row[1] == "h":
                    row[6] = canonical(row[6], top_links)
            packages[deb.name.split("_")[0]] = info
        outputs = real_install(root, work, line)
        known, owners = known_paths(main_data, packages)
        scripts = {n: packages[n].pop("_scripts", "") for n in missing}
        for owner, rows in font_cache_owners(outputs, owners, set(missing)).items():
            generated.setdefault(owner, []).extend(rows)
            known.update(r[0] for r in rows)
        for owner, rows in attribute_outputs(outputs, owners, known, set(missing), scripts).items():
            if owner != "(run)":
                generated.setdefault(owner, []).extend(rows)
            else:
                log(f"not replayed: {[r[0] for r in rows if not RUN_BOOKKEEPING.match(r[0])][:20]}")
    for info in packages.values():
        info.pop("_scripts", None)
    meta = {"generated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "mirror": MIRROR, "suite": SUITE, "architecture": "amd64", "install_lines": INSTALL_LINES,
            "package_versions": {n: p["fields"].get("Version") for n, p in packages.items()}}
    write_gz(OUT, {"meta": meta, "apt_closures": closures, "packages": packages,
                   "generated_files": generated})
    log(f"wrote {OUT} ({OUT.stat().st_size:,} bytes): {len(packages)} packages, "
        f"{sum(len(p['files']) for p in packages.values())} file entries")
    print(json.dumps({n: len(r) for n, r in generated.items()}))


if __name__ == "__main__":
    main()
