#!/usr/bin/env python3
"""Measure, for real, the sizes the simulator must reproduce; write app/catalog/data/real_sizes.json.

Why: the tests hold the simulator to real numbers, not to numbers it made
up. Two measurements (needs root, debootstrap, debuerreotype, overlayfs):

1. ``FROM debian:bookworm``: debootstrap --variant=minbase, finished as the
   official image is (tools/build_catalog.py's steps, debuerreotype's
   scripts), tarred with debuerreotype-tar, unpacked: the size of that tree.
2. ``RUN apt-get update && apt-get install -y --no-install-recommends python3``:
   run in a chroot on overlayfs (lower = the unpacked image, a fresh upper),
   exactly like Docker's overlay2 driver runs a RUN step; the size of the
   upper directory is the layer's size.

Sizes are counted as a layer tar counts them (and as the engine's
``Layer.size`` does): regular files' bytes, each hard-linked inode once, plus
symlink target lengths. ``du -sb`` is recorded as well.

Usage: tools/measure_real_sizes.py [--work /var/tmp/layerlab-measure]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_catalog as bc  # noqa: E402  (same directory: the shared build steps)

OUT = bc.DATA / "real_sizes.json"
RUN_LINE = "apt-get update && apt-get install -y --no-install-recommends python3"


def tree_size(root: Path) -> dict:
    """Layer-style size of a directory tree, plus du -sb and counts, and a per-top-dir split."""
    seen: set[tuple[int, int]] = set()
    total = files = links = dirs = 0
    by_top: dict[str, int] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirs += len(dirnames)
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            rel = "/" + os.path.relpath(p, root)
            top = "/" + "/".join(rel.strip("/").split("/")[:3])
            if os.path.islink(p):
                n = len(os.readlink(p).encode())
                links += 1
            elif os.path.isfile(p):
                if (st.st_dev, st.st_ino) in seen:
                    continue
                seen.add((st.st_dev, st.st_ino))
                n = st.st_size
                files += 1
            else:
                continue  # whiteouts (char 0/0), devices
            total += n
            by_top[top] = by_top.get(top, 0) + n
    du = int(subprocess.run(["du", "-sb", str(root)], check=True, capture_output=True,
                            text=True).stdout.split()[0])
    big = dict(sorted(by_top.items(), key=lambda kv: -kv[1])[:15])
    return {"bytes": total, "du_sb": du, "regular_files": files, "symlinks": links,
            "directories": dirs, "largest_dirs": big}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", default="/var/tmp/layerlab-measure", type=Path)
    opts = ap.parse_args()
    work: Path = opts.work
    work.mkdir(parents=True, exist_ok=True)
    today = dt.datetime.now(dt.timezone.utc).date()
    epoch = int(dt.datetime(today.year, today.month, today.day, tzinfo=dt.timezone.utc).timestamp())

    minbase, rootfs = work / "minbase", work / "rootfs"
    bc.debootstrap(minbase)
    if not (work / "rootfs.tar").exists():
        if rootfs.exists():
            shutil.rmtree(rootfs)
        rootfs.mkdir()
        bc.run("bash", "-c", f"tar -cC {minbase} . | tar -xC {rootfs}")
        bc.finish_rootfs(rootfs, epoch, today.strftime("%Y%m%d"))
        bc.make_tar(rootfs, work / "rootfs.tar")
    image = bc.extract_image(work / "rootfs.tar", work / "image")
    (image / "debuerreotype-epoch").unlink(missing_ok=True)  # not part of the image
    base = tree_size(image)
    bc.log(f"debian:bookworm tree: {base['bytes']} bytes (du -sb {base['du_sb']})")
    (image / "debuerreotype-epoch").write_text(f"{epoch}\n")

    ovl = work / "ovl"
    if ovl.exists():
        bc.run("umount", ovl / "merged", check=False)
        shutil.rmtree(ovl)
    for d in ("upper", "work", "merged"):
        (ovl / d).mkdir(parents=True)
    bc.run("mount", "-t", "overlay", "overlay", "-o",
           f"lowerdir={image},upperdir={ovl/'upper'},workdir={ovl/'work'}", ovl / "merged")
    try:
        subprocess.run([str(bc.DBR / "debuerreotype-chroot"), str(ovl / "merged"), "bash", "-c",
                        "DEBIAN_FRONTEND=noninteractive " + RUN_LINE], check=True,
                       stdout=subprocess.DEVNULL)
        python_version = bc.chroot(ovl / "merged", "dpkg-query", "-W", "-f", "${Version}", "python3",
                                   capture=True)
        apt_version = bc.chroot(ovl / "merged", "dpkg-query", "-W", "-f", "${Version}", "apt",
                                capture=True)
    finally:
        bc.run("umount", ovl / "merged")
    layer = tree_size(ovl / "upper")
    listing = sorted("/" + str(p.relative_to(ovl / "upper")) for p in (ovl / "upper").rglob("*"))
    (work / "python3-layer-paths.txt").write_text("\n".join(listing) + "\n")
    # Every path of the real layer, for the tests' path-by-path comparison.
    with gzip.open(bc.DATA / "real_python3_layer_paths.txt.gz", "wt", compresslevel=9) as f:
        f.write("\n".join(listing) + "\n")
    bc.log(f"python3 layer: {layer['bytes']} bytes (du -sb {layer['du_sb']})")

    result = {
        "measured": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "how": "tools/measure_real_sizes.py: debootstrap minbase + debuerreotype steps; RUN in a chroot "
               "on overlayfs, upper directory measured. bytes = regular files (hard links once) + "
               "symlink target lengths, as a layer tar and the engine count them.",
        "mirror": bc.MIRROR, "suite": bc.SUITE, "architecture": "amd64",
        "debootstrap": bc.run("debootstrap", "--version", capture=True).strip(),
        "debuerreotype": (bc.DBR.parent / "VERSION").read_text().strip(),
        "kernel": os.uname().release,
        "debian_bookworm": base,
        "python3_layer": {"run": RUN_LINE, "python3_version": python_version,
                          "apt_version": apt_version, **layer},
    }
    OUT.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    bc.log(f"wrote {OUT}")


if __name__ == "__main__":
    main()
