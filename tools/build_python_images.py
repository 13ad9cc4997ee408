"""Build app/catalog/data/python-images.json.gz: the official ``python:3.X-slim`` images.

    python tools/build_python_images.py

How docker-library builds python:3.X-slim (../shared/conformance/real has its
Dockerfiles) and what this script does for each part:

1. ``FROM debian:bookworm-slim``: the catalog's real tree (not stored again here).
2. ``RUN apt-get install --no-install-recommends ca-certificates netbase tzdata``, plus
   the shared libraries CPython links that the big RUN keeps (``apt-mark manual`` of
   what ``ldd`` finds): the simulator's own build of that RUN on the real Debian data,
   its layer read back as rows. tzdata is not in the Debian package catalog: its real
   file list comes from ``apt-get download tzdata`` (``dpkg-deb`` listing), with the
   ``/etc/localtime`` and ``/etc/timezone`` its postinst writes for Etc/UTC.
3. ``./configure && make install`` of CPython into /usr/local, then the ``find`` that
   deletes test directories, ``*.pyc`` and ``libpython*.a``: APPROXIMATED by Debian's own
   CPython 3.11.2 packages (python3.11-minimal, libpython3.11-minimal, libpython3.11-stdlib,
   python3.11, libpython3.11, headers and config of libpython3.11-dev) relocated where
   ``make install`` puts them and renamed for 3.X; pip's files from its real wheel
   (the PyPI data), and its wheel in ensurepip/_bundled.
4. The symlinks RUN (python, pip, pydoc, idle, python-config).

Only paths, sizes and small text files are kept, gzipped JSON.
"""

from __future__ import annotations

import gzip
import json
import posixpath
import subprocess
import sys
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from build_catalog import read_deb  # noqa: E402  (the same .deb reader as the Debian catalog)

from app.build import build  # noqa: E402
from app.catalog import data_files  # noqa: E402
from app.engine.layer import Dir, File, Symlink  # noqa: E402

OUT = ROOT / "app/catalog/data/python-images.json.gz"
# The runtime libraries python:3.X-slim keeps (ldd of /usr/local on the real image).
RUNTIME_LIBS = ["libsqlite3-0", "libssl3", "libreadline8", "libncursesw6", "libgdbm6",
                "libgdbm-compat4", "libnsl2", "libtirpc3", "libexpat1"]
APT_RUN = ("RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates netbase"
           " && rm -rf /var/lib/apt/lists/*")
# The big RUN's apt-mark manual keeps these (installed, with CPython's build deps purged after).
LIBS_RUN = ("RUN apt-get update && apt-get install -y --no-install-recommends " + " ".join(RUNTIME_LIBS)
            + " && rm -rf /var/lib/apt/lists/*")
OFFICIAL = ROOT.parent / "shared/conformance/real/docker-library__python__3.14__slim-trixie__Dockerfile.Dockerfile"
CPYTHON_PACKAGES = ["python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib", "python3.11",
                    "libpython3.11", "libpython3.11-dev"]
# The versions the official images carried when this was written (their ENV PYTHON_VERSION).
VERSIONS = {"3.11": "3.11.14", "3.12": "3.12.12", "3.13": "3.13.9"}
SKIP_PREFIXES = ("/usr/share/doc", "/usr/share/lintian", "/usr/share/binfmts", "/usr/lib/binfmt.d",
                 "/usr/share/applications", "/usr/share/pixmaps", "/usr/src", "/etc/python3.11",
                 "/usr/include/x86_64-linux-gnu")


def layer_rows(layer) -> tuple[list, dict]:
    """A simulated layer as the catalog's rows (and the text of the files it knows)."""
    rows, contents = [], {}
    for path, node in sorted(layer.items()):
        if isinstance(node, Dir):
            rows.append([path, "d", node.mode, node.uid, node.gid, 0, None, node.mtime])
        elif isinstance(node, Symlink):
            rows.append([path, "l", 0o777, node.uid, node.gid, 0, node.target, node.mtime])
        elif isinstance(node, File):
            ino = node.inode
            rows.append([path, "f", ino.mode, ino.uid, ino.gid, ino.size, None, ino.mtime])
            if ino.data is not None:
                contents[path] = ino.data.decode("utf-8")
        else:
            raise SystemExit(f"unexpected {type(node).__name__} at {path} in the apt layer")
    return rows, contents


def apt_layers() -> tuple[dict, dict]:
    """The runtime RUN's layer and the libraries the CPython RUN keeps (its own layer's part)."""
    result = build(f"FROM debian:bookworm-slim\n{APT_RUN}\n{LIBS_RUN}\n")
    for step in result.steps[1:]:
        if step.error or step.not_simulated:
            raise SystemExit(f"{step.text} did not simulate cleanly: {step.error} {step.not_simulated}")
    deps, libs = (dict(zip(("entries", "contents"), layer_rows(layer))) for layer in result.image.layers[-2:])
    return deps, libs


def official_history() -> list[str]:
    """``created_by`` of the official Dockerfile's three RUNs as BuildKit writes them; the 3.14
    Dockerfile's text, with bookworm's ``rm -rf /var/lib/apt/lists/*`` for trixie's dist-clean."""
    from app.dockerfile.instructions import Run, parse_dockerfile

    stage = parse_dockerfile(OFFICIAL.read_text(), OFFICIAL.name).stages[0]
    runs = [i.command for i in stage.instructions if isinstance(i, Run)]
    return [f"RUN /bin/sh -c {cmd.replace('apt-get dist-clean', 'rm -rf /var/lib/apt/lists/*')} # buildkit"
            for cmd in runs]


def download(names: list[str], work: Path) -> list[Path]:
    subprocess.run(["apt-get", "-qq", "download", *names], cwd=work, check=True)
    return [next(work.glob(f"{n}_*.deb")) for n in names]


def tzdata_rows(work: Path) -> tuple[list, dict, str]:
    deb = read_deb(download(["tzdata"], work)[0])
    rows = [r for r in deb["files"] if not r[0].startswith(SKIP_PREFIXES) and r[0] != "/"]
    rows += [["/etc/localtime", "l", 0o777, 0, 0, 0, "/usr/share/zoneinfo/Etc/UTC", 0],
             ["/etc/timezone", "f", 0o644, 0, 0, 8, None, 0]]
    return rows, {"/etc/timezone": "Etc/UTC\n"}, deb["fields"]["Version"]


def relocate(path: str, xy: str) -> str | None:
    """Where ``make install`` of CPython X.Y puts the file Debian's 3.11 packages put at ``path``."""
    if path.startswith(SKIP_PREFIXES) or path.endswith((".pyc", ".a")):
        return None
    parts = path.split("/")
    if any(p in ("test", "tests", "idle_test", "__pycache__", "dist-packages") for p in parts):
        return None  # the official Dockerfile's find deletes them; dist-packages is Debian's
    tag = xy.replace(".", "")
    moves = [("/usr/lib/x86_64-linux-gnu/libpython3.11", "/usr/local/lib/libpython3.11"),
             ("/usr/lib/python3.11", "/usr/local/lib/python3.11"),
             ("/usr/include/python3.11", "/usr/local/include/python3.11"),
             ("/usr/bin/x86_64-linux-gnu-python3.11-config", "/usr/local/bin/python3.11-config"),
             ("/usr/bin/", "/usr/local/bin/"), ("/usr/share/man/", "/usr/local/share/man/")]
    for old, new in moves:
        if path.startswith(old):
            path = new + path[len(old):]
            break
    else:
        return None
    if path.startswith("/usr/local/bin/") and not posixpath.basename(path).startswith(
            ("python3.11", "pydoc3.11", "2to3-3.11", "pygettext3.11")):
        return None
    return path.replace("python3.11", f"python{xy}").replace("3.11", xy).replace("cpython-311", f"cpython-{tag}")


def cpython_rows(debs: list[dict], xy: str) -> list:
    rows, seen = [], set()
    for deb in debs:
        for row in deb["files"]:
            if row[1] == "d":
                continue
            path = relocate(row[0], xy)
            if path is None or path in seen or (xy >= "3.13" and "2to3" in path):
                continue
            seen.add(path)
            rows.append([path] + row[1:])
    return rows


def pip_rows(xy: str) -> list:
    """pip as ensurepip installs it (its real wheel's files, .pyc deleted by the Dockerfile)."""
    pypi = data_files.load("pypi-cp311.json.gz")["packages"]
    site = f"/usr/local/lib/python{xy}/site-packages"
    names = ["pip"] + (["setuptools"] if xy == "3.11" else [])  # 3.12+ images ship pip alone
    rows = []
    for name in names:
        entry = pypi[name]
        rows += [[f"{site}/{rel}", "f", 0o644, 0, 0, size, None, 0] for rel, size in entry["files"]
                 if not rel.endswith(".pyc") and "__pycache__" not in rel]
        rows.append([f"/usr/local/lib/python{xy}/ensurepip/_bundled/{entry['wheel']}", "f", 0o644, 0, 0,
                     int(entry["wheel_size"]), None, 0])
    for script in ("pip3", f"pip{xy}"):  # ensurepip's; the last RUN links pip -> pip3
        rows.append([f"/usr/local/bin/{script}", "f", 0o755, 0, 0, 234, None, 0])
    return rows


def symlink_rows(xy: str) -> list:
    """The links ``make install`` makes (python3 -> python3.X ...)."""
    links = {"python3": f"python{xy}", "pydoc3": f"pydoc{xy}", "python3-config": f"python{xy}-config",
             "idle3": f"idle{xy}"}
    rows = [[f"/usr/local/bin/{name}", "l", 0o777, 0, 0, 0, target, 0] for name, target in links.items()]
    rows.append([f"/usr/local/bin/idle{xy}", "f", 0o755, 0, 0, 97, None, 0])
    rows += [[f"/usr/local/lib/libpython{xy}.so", "l", 0o777, 0, 0, 0, f"libpython{xy}.so.1.0", 0],
             ["/usr/local/lib/libpython3.so", "l", 0o777, 0, 0, 0, f"libpython{xy}.so.1.0", 0]]
    return rows


def last_run_rows() -> list:
    """The official Dockerfile's last RUN: idle, pip, pydoc, python, python-config -> their 3 names."""
    return [[f"/usr/local/bin/{src.replace('3', '')}", "l", 0o777, 0, 0, 0, src, 0]
            for src in ("idle3", "pip3", "pydoc3", "python3", "python3-config")]


def main() -> None:
    deps, libs = apt_layers()
    packages = data_files.load("debian-bookworm-packages.json.gz")["packages"]
    with tempfile.TemporaryDirectory() as tmp:
        tz_rows, tz_contents, tz_version = tzdata_rows(Path(tmp))
    deps["entries"] += tz_rows
    deps["contents"].update(tz_contents)
    debs = [packages[name] for name in CPYTHON_PACKAGES]
    images = {}
    for xy, version in VERSIONS.items():
        images[f"{xy}-slim"] = {
            "python_version": version,
            "cpython": cpython_rows(debs, xy) + pip_rows(xy) + symlink_rows(xy),
            "links": last_run_rows(),
        }
    meta = {"generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "tzdata": tz_version, "cpython_from": {n: packages[n]["fields"]["Version"] for n in CPYTHON_PACKAGES},
            "pip": data_files.load("pypi-cp311.json.gz")["packages"]["pip"]["version"],
            "history": official_history()}
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as f:
        json.dump({"meta": meta, "runtime_deps": deps, "kept_libs": libs, "images": images}, f, separators=(",", ":"))
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
