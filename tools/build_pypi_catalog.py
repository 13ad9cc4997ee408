"""Build app/catalog/data/pypi-cp311.json.gz: real wheel file lists for pip in the simulator.

    python tools/build_pypi_catalog.py [--work DIR]

What it does, all with ordinary clients and real files:

1. ``pip download --only-binary=:all:`` of PACKAGES for CPython 3.11 on
   manylinux x86_64 (Debian bookworm's python3 is 3.11): pip's own resolver
   picks the versions and the dependencies, so every version is pinned;
2. reads each wheel: METADATA (name, version, Requires-Dist evaluated for
   Python 3.11 on Linux, with and without each extra), RECORD (every file and
   its size), entry_points.txt (the console scripts pip writes into bin/);
3. compiles each .py with this Python 3.11 as pip does at install time and
   keeps the size of the .pyc it makes (pip lists those in the installed RECORD);
4. reads Debian's /usr/lib/python3.11/EXTERNALLY-MANAGED from the libpython3.11-stdlib
   package (``apt-get download libpython3.11-stdlib``) and renders pip's own PEP 668 error
   from it with pip's own exception class, so the simulator prints exactly that;
5. measures ``pip install flask --target DIR`` for real (bytes, files), kept for the tests.

Only paths and sizes are kept (no file contents), gzipped JSON.
"""

from __future__ import annotations

import argparse
import email.parser
import gzip
import io
import json
import py_compile
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "app/catalog/data/pypi-cp311.json.gz"
PYTHON = "3.11"
PLATFORMS = ["manylinux_2_17_x86_64", "manylinux2014_x86_64", "manylinux_2_28_x86_64"]
# What a Python course installs; pip and setuptools at the versions Debian bookworm's
# python3-pip-whl / python3-setuptools-whl put into every venv (ensurepip).
PACKAGES = ["flask", "requests", "django", "fastapi", "numpy", "gunicorn", "uvicorn",
            "pip==23.0.1", "setuptools==66.1.1"]
SITE = "/usr/local/lib/python3.11/site-packages/"  # the path the .pyc files name


def download(work: Path, requirements: list[str] | None = None) -> list[Path]:
    """Wheels of ``requirements`` (default: PACKAGES) and their dependencies, for CPython 3.11 on
    manylinux x86_64, as pip would pick them there."""
    wheels = work / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:",
           "--python-version", PYTHON, "--implementation", "cp", "--abi", "cp311",
           *[f"--platform={p}" for p in PLATFORMS], "-d", str(wheels), *(requirements or PACKAGES)]
    subprocess.run(cmd, check=True)
    return sorted(wheels.glob("*.whl"))


def environment(extra: str = "") -> dict:
    env = default_environment()
    env.update(python_version=PYTHON, python_full_version=PYTHON + ".2", sys_platform="linux",
               platform_system="Linux", os_name="posix", platform_machine="x86_64",
               implementation_name="cpython", platform_python_implementation="CPython", extra=extra)
    return env


def requirements(meta) -> tuple[list, dict]:
    """([name, specifier] needed always, {extra: [[name, specifier], ...]})."""
    base, extras = [], {}
    reqs = [Requirement(r) for r in meta.get_all("Requires-Dist") or []]
    for extra in meta.get_all("Provides-Extra") or []:
        extras[canonicalize_name(extra)] = []
    for req in reqs:
        item = [canonicalize_name(req.name), str(req.specifier), sorted(req.extras)]
        if req.marker is None or req.marker.evaluate(environment()):
            base.append(item)
            continue
        for extra in extras:
            if req.marker.evaluate(environment(extra)):
                extras[extra].append(item)
    return base, extras


def pyc_size(source: bytes, rel: str, tmp: Path) -> int | None:
    src, out = tmp / "m.py", tmp / "m.pyc"
    src.write_bytes(source)
    try:
        py_compile.compile(str(src), str(out), dfile=SITE + rel, doraise=True)
    except py_compile.PyCompileError:  # pip skips files that do not compile (templates)
        return None
    return out.stat().st_size


def read_wheel(path: Path, tmp: Path) -> dict:
    with zipfile.ZipFile(path) as whl:
        names = whl.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA")).rsplit("/", 1)[0]
        meta = email.parser.Parser().parsestr(whl.read(f"{info}/METADATA").decode())
        files = []
        for line in whl.read(f"{info}/RECORD").decode().splitlines():
            rel, _, size = line.rsplit(",", 2)
            if not rel or rel.endswith("/"):
                continue
            size = int(size) if size else whl.getinfo(rel).file_size  # RECORD lists itself unsized
            files.append([rel, size])
            if rel.endswith(".py") and ".data/" not in rel.split("/")[0]:
                compiled = pyc_size(whl.read(rel), rel, tmp)
                if compiled is not None:
                    head, _, stem = rel.rpartition("/")
                    files.append([(head + "/" if head else "") +
                                  f"__pycache__/{stem[:-3]}.cpython-311.pyc", compiled])
        scripts = {}
        if f"{info}/entry_points.txt" in names:
            section = None
            for line in whl.read(f"{info}/entry_points.txt").decode().splitlines():
                line = line.strip()
                if line.startswith("["):
                    section = line.strip("[]")
                elif section == "console_scripts" and "=" in line:
                    name, target = (part.strip() for part in line.split("=", 1))
                    scripts[name] = target
    base, extras = requirements(meta)
    return {"name": meta["Name"], "version": meta["Version"], "wheel": path.name,
            "wheel_size": path.stat().st_size, "requires": base, "extras": extras,
            "scripts": scripts, "files": files}


def externally_managed_error(work: Path) -> str:
    """pip's PEP 668 error, rendered by pip from Debian's own EXTERNALLY-MANAGED file."""
    from pip._internal.exceptions import ExternallyManagedEnvironment
    from pip._vendor.rich.console import Console

    debs = work / "debs"
    debs.mkdir(exist_ok=True)
    subprocess.run(["apt-get", "download", "libpython3.11-stdlib"], cwd=debs, check=True, capture_output=True)
    deb = next(debs.glob("libpython3.11-stdlib_*.deb"))  # python3.11's stdlib ships the file
    subprocess.run(["dpkg-deb", "-x", str(deb), str(debs / "x")], check=True)
    managed = debs / "x/usr/lib/python3.11/EXTERNALLY-MANAGED"
    if not managed.is_file():  # pip would fall back to its own default text: never ship that
        raise SystemExit(f"{managed}: not in {deb.name}")
    exc = ExternallyManagedEnvironment.from_config(str(managed))
    out = io.StringIO()
    Console(file=out, width=100, no_color=True, force_terminal=False, soft_wrap=True).print(exc)
    return out.getvalue()


def measure_target(package: str, work: Path) -> dict:
    """What ``pip install PACKAGE --target DIR`` really installs here (bytes and files), for the
    test that compares the simulator's layer with it."""
    target = work / f"target-{package}"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-cache-dir", "--target",
                    str(target), package], check=True)
    files = [p for p in target.rglob("*") if p.is_file() and not p.is_symlink()]
    return {"bytes": sum(p.stat().st_size for p in files), "files": len(files)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", help="folder for the downloads (default: a temporary one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(args.work or scratch)
        tmp = work / "compile"
        tmp.mkdir(parents=True, exist_ok=True)
        packages = {}
        for wheel in download(work):
            entry = read_wheel(wheel, tmp)
            packages[canonicalize_name(entry["name"])] = entry
        data = {"python": PYTHON, "platforms": PLATFORMS, "requested": PACKAGES,
                "externally_managed_error": externally_managed_error(work), "packages": packages,
                "measured_target": {"flask": measure_target("flask", work)}}
    write_catalog(OUT, data)
    return 0


def write_catalog(out: Path, data: dict) -> None:
    """The gzipped JSON (no mtime: the same data gives the same bytes), and what it holds."""
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    out.write_bytes(gzip.compress(raw, 9, mtime=0))
    packages = data["packages"]
    total = sum(size for p in packages.values() for _, size in p["files"])
    print(f"{out.relative_to(ROOT)}: {len(packages)} packages, {total} bytes installed, "
          f"{out.stat().st_size} bytes of data")


if __name__ == "__main__":
    sys.exit(main())
