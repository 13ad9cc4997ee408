#!/usr/bin/env python3
"""Add PyPI wheels to the pip catalog without touching the ones it has (no root; network to PyPI).

Why a second file instead of a new run of tools/build_pypi_catalog.py: that run resolves
every package again from today's PyPI, which moves the versions and sizes the lessons and
their tests already show. This tool downloads the requirements of REQUIREMENTS (by default
layerlab's own ``[project].dependencies``, for lessons/11-this-app.yaml) the way that tool
does (``pip download --only-binary=:all:`` for CPython 3.11 on manylinux x86_64), reads each
wheel with its ``read_wheel`` (RECORD sizes, the .pyc sizes, requirements, console scripts),
and writes app/catalog/data/pypi-cp311-extra.json.gz with the wheels the main file lacks.
app/catalog/pip.py reads it after the main file; a name the main file has is never here.

Usage:  tools/build_pypi_extras.py [--work DIR] [--requirements pyproject.toml]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_pypi_catalog import OUT as MAIN, PLATFORMS, PYTHON, download, read_wheel, write_catalog  # noqa: E402
from packaging.utils import canonicalize_name  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "app/catalog/data/pypi-cp311-extra.json.gz"


def requirements(pyproject: Path) -> list[str]:
    deps = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    return [d.split("#")[0].strip() for d in deps]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", help="folder for the downloads (default: a temporary one)")
    ap.add_argument("--requirements", default=str(ROOT / "pyproject.toml"), type=Path)
    args = ap.parse_args()
    have = set(json.loads(gzip.decompress(MAIN.read_bytes()))["packages"])
    reqs = requirements(args.requirements)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(args.work or scratch)
        tmp = work / "compile"
        tmp.mkdir(parents=True, exist_ok=True)
        packages = {}
        for wheel in download(work, reqs):
            entry = read_wheel(wheel, tmp)
            name = canonicalize_name(entry["name"])
            if name not in have:
                packages[name] = entry
    data = {"python": PYTHON, "platforms": PLATFORMS, "requested": reqs, "packages": packages}
    write_catalog(OUT, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
