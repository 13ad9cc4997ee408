"""apk (Alpine), yum (CentOS 7) and pip: approximate package tools, and they say so.

Why approximate: only Debian has a catalog generated from the real archive.
These tools still touch the files their real counterparts touch (the state
that makes layers grow: apk's installed database and index cache, the rpm
database yum copies up whole, pip's site-packages), with package sizes from
the hand-made data files (data/approx-*.json, numbers and sources in
data/README.md). Every run tells the student it is approximate, through
``ctx.not_simulated``, so nobody takes the byte counts for the real thing.
"""

from __future__ import annotations

import posixpath
from typing import Any

from . import data_files
from .fs_ops import Ops


def _spec(key: str) -> dict:
    return data_files.load(f"approx-{key}.json")


def _flags(argv: list[str]) -> tuple[set[str], list[str]]:
    flags = {a for a in argv if a.startswith("-")}
    return flags, [a for a in argv if not a.startswith("-")]


def _add_package_files(ops: Ops, name: str, files: list, label: str) -> int:
    rows = []
    for path, size in files:
        rows.append([path, "f", 0o755 if "/bin/" in path else 0o644, 0, 0, size, None, 0])
    parents = sorted({posixpath.dirname(r[0]) for r in rows})
    for d in parents:
        ops.mkdirs(d)
    return ops.add_rows(rows, label)[1]


class ApkTool:
    """apk add/del/update/info on Alpine images (approximate)."""

    commands = frozenset({"apk"})

    def __init__(self, key: str = "alpine-3.20"):
        self.key = key

    def run(self, argv: list[str], ctx: Any) -> int:
        spec = _spec(self.key)
        ops = Ops(ctx)
        flags, args = _flags(argv[1:])
        if not args:
            ctx.err("usage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]\n")
            return 1
        sub, names = args[0], args[1:]
        ctx.not_simulated(f"apk {sub}", "apk is approximated in layerlab: package sizes and file lists "
                                        "are plausible, not Alpine's exact data")
        repos = spec["apk_repositories"]
        if sub == "update" or (sub == "add" and ("--update" in flags or "-U" in flags)):
            if "--no-cache" not in flags:
                self._update(ctx, ops, spec, repos)
        if sub == "update":
            return 0
        if sub == "add":
            return self._add(ctx, ops, spec, names, flags, repos)
        if sub == "del":
            return self._del(ctx, ops, spec, names)
        if sub == "info":
            ctx.out("".join(n + "\n" for n in self._world(ops)))
            return 0
        ctx.err(f"apk: unknown command '{sub}' (layerlab simulates add, del, update, info)\n")
        return 1

    def _update(self, ctx, ops, spec, repos) -> None:
        for repo, (fname, size) in zip(repos, spec["apk_index_files"]):
            ctx.out(f"fetch {repo}/x86_64/APKINDEX.tar.gz\n")
            ops.add_sized(f"/var/cache/apk/{fname}", size)
        ctx.out(f"{spec['pretty_version']} [{repos[0]}]\nOK: {spec['apk_index_count']} distinct packages available\n")

    def _world(self, ops) -> list[str]:
        return (ops.read_text("/etc/apk/world") or "").split()

    def _add(self, ctx, ops, spec, names, flags, repos) -> int:
        packages = spec["packages"]
        unknown = [n for n in names if n not in packages]
        if unknown:
            ctx.err("ERROR: unable to select packages:\n" +
                    "".join(f"  {n} (no such package):\n    required by: world[{n}]\n" for n in unknown))
            return len(unknown)
        if "--no-cache" not in flags and not any(
                n.startswith("APKINDEX") for n in ops.listdir("/var/cache/apk")):
            self._update(ctx, ops, spec, repos)  # apk add fetches the index and keeps it
        elif "--no-cache" in flags:
            for repo in repos:
                ctx.out(f"fetch {repo}/x86_64/APKINDEX.tar.gz\n")
        world = self._world(ops)
        installed_db = ops.read_text("/lib/apk/db/installed") or ""
        have = {line[2:] for line in installed_db.splitlines() if line.startswith("P:")}
        plan: list[str] = []

        def visit(n: str) -> None:
            if n in have or n in plan or n not in packages:
                return
            for dep in packages[n].get("depends", []):
                visit(dep)
            plan.append(n)

        for n in names:
            visit(n)
        total = 0
        stanzas = ""
        for i, n in enumerate(plan, 1):
            p = packages[n]
            ctx.out(f"({i}/{len(plan)}) Installing {n} ({p['version']})\n")
            total += _add_package_files(ops, n, p["files"], f"apk {n}")
            stanzas += (f"C:Q1approximate=\nP:{n}\nV:{p['version']}\nA:x86_64\n"
                        f"S:{sum(s for _, s in p['files']) // 2}\nI:{sum(s for _, s in p['files'])}\n"
                        f"T:{p.get('description', n)}\n"
                        + "".join(f"F:{posixpath.dirname(f).lstrip('/')}\nR:{posixpath.basename(f)}\n"
                                  for f, _ in p["files"]) + "\n")
        if plan:
            ops.write("/lib/apk/db/installed", installed_db + stanzas)
            ops.write("/lib/apk/db/scripts.tar", b"\0" * 512 * (2 + len(plan)))
        ops.write("/etc/apk/world", "\n".join(sorted(set(world) | set(names))) + "\n")
        ctx.out(f"OK: {(spec['size'] + total) // 1_000_000} MiB in {len(have) + len(plan)} packages\n")
        return 0

    def _del(self, ctx, ops, spec, names) -> int:
        packages = spec["packages"]
        world = [w for w in self._world(ops) if w not in names]
        for i, n in enumerate(names, 1):
            if n in packages:
                ctx.out(f"({i}/{len(names)}) Purging {n} ({packages[n]['version']})\n")
                ops.remove_paths([f for f, _ in packages[n]["files"]], f"apk del {n}")
        db = ops.read_text("/lib/apk/db/installed") or ""
        kept = [s for s in db.split("\n\n") if s.strip() and not any(f"\nP:{n}\n" in "\n" + s + "\n"
                                                                       for n in names)]
        ops.write("/lib/apk/db/installed", "\n\n".join(kept) + "\n\n" if kept else "")
        ops.write("/etc/apk/world", "\n".join(world) + "\n")
        ctx.out(f"OK: {len(kept)} packages\n")
        return 0


class YumTool:
    """yum install/remove/clean/makecache on CentOS 7 (approximate). CentOS 7 has no dnf."""

    commands = frozenset({"yum"})

    def __init__(self, key: str = "centos-7"):
        self.key = key

    def run(self, argv: list[str], ctx: Any) -> int:
        spec = _spec(self.key)
        ops = Ops(ctx)
        flags, args = _flags(argv[1:])
        if not args:
            ctx.err("You need to give some command\n")
            return 1
        sub, names = args[0], args[1:]
        ctx.not_simulated(f"yum {sub}", "yum is approximated in layerlab: package sizes and file lists are "
                                        "plausible, not CentOS's exact data (and CentOS 7's mirrors are "
                                        "end-of-life: a real build needs vault.centos.org)")
        if sub == "clean":
            ops.remove_tree("/var/cache/yum/x86_64")
            ctx.out("Loaded plugins: fastestmirror, ovl\nCleaning repos: base extras updates\n"
                    "Cleaning up list of fastest mirrors\n")
            return 0
        if sub in ("makecache", "install", "update"):
            if not ops.listdir("/var/cache/yum/x86_64/7"):
                for path, size in spec["yum_metadata_files"]:
                    ops.add_sized(path, size)
        if sub == "makecache":
            return 0
        if sub in ("install", "remove", "erase"):
            packages = spec["packages"]
            unknown = [n for n in names if n not in packages]
            if unknown and sub == "install":
                for n in unknown:
                    ctx.out(f"No package {n} available.\n")
                ctx.err("Error: Nothing to do\n")
                return 1
            if sub == "install" and "-y" not in flags and "--assumeyes" not in flags:
                ctx.out("Is this ok [y/d/N]: Exiting on user command\nYour transaction was saved\n")
                return 1
            for n in names:
                p = packages[n]
                if sub == "install":
                    ctx.out(f"  Installing : {n}-{p['version']}.x86_64\n")
                    _add_package_files(ops, n, p["files"], f"yum {n}")
                else:
                    ctx.out(f"  Erasing    : {n}-{p['version']}.x86_64\n")
                    ops.remove_paths([f for f, _ in p["files"]], f"yum remove {n}")
            # rpm's Berkeley DB is rewritten in place: the whole file is copied up.
            rpmdb = "/var/lib/rpm/Packages"
            try:
                self._touch_rpmdb(ops, rpmdb)
            except Exception:  # an image without an rpm database: nothing to copy up
                pass
            ops.write("/var/log/yum.log", "".join(f"Installed: {n}\n" for n in names), append=True)
            ctx.out("Complete!\n")
            return 0
        ctx.err(f"No such command: {sub}. Please use /usr/bin/yum --help\n")
        return 1

    @staticmethod
    def _touch_rpmdb(ops: Ops, path: str) -> None:
        if ops.exists(path):
            ops.record(ops.fs.open_rw(path))


# Plausible installed sizes (bytes) of popular pip packages with their dependencies.
PIP_SIZES = {"requests": 1_200_000, "flask": 2_600_000, "numpy": 58_000_000, "pandas": 135_000_000,
             "django": 28_000_000, "pytest": 3_800_000, "boto3": 95_000_000, "fastapi": 12_000_000,
             "uvicorn": 1_000_000, "gunicorn": 800_000, "pyyaml": 2_100_000, "click": 400_000}
PIP_DEFAULT = 1_000_000


class PipTool:
    """pip/pip3 install: files of a plausible size in site-packages; not simulated precisely."""

    commands = frozenset({"pip", "pip3"})

    def __init__(self, distro: str):
        self.distro = distro

    def run(self, argv: list[str], ctx: Any) -> int:
        ops = Ops(ctx)
        prog = posixpath.basename(argv[0])
        flags, args = _flags(argv[1:])
        if not self._present(ops, argv[0]):
            ctx.err(f"sh: 1: {prog}: not found\n")
            return 127
        if not args or args[0] != "install":
            ctx.not_simulated(f"{prog} {' '.join(argv[1:2])}", "layerlab simulates only pip install")
            return 1 if not args else 0
        names = [a for a in args[1:] if not a.endswith(".txt")]
        if "-r" in flags:
            ctx.not_simulated(f"{prog} install -r", "requirements files are not read; nothing installed")
            return 0
        managed = [f"/usr/lib/python3.{m}/EXTERNALLY-MANAGED" for m in (11, 12)]
        venv = ctx.env.get("VIRTUAL_ENV")
        if (not venv and "--break-system-packages" not in flags
                and any(ops.exists(p) for p in managed)):
            ctx.err("error: externally-managed-environment\n\n× This environment is externally managed\n"
                    "╰─> To install Python packages system-wide, try apt install\n"
                    "    python3-xyz, where xyz is the package you are trying to\n    install.\n\n"
                    "note: If you believe this is a mistake, please contact your Python installation "
                    "or OS distribution provider. You can override this, at the risk of breaking your "
                    "Python installation or OS, by passing --break-system-packages.\n")
            return 1
        ctx.not_simulated(f"{prog} install {' '.join(names)}",
                          "pip is approximated: files of a plausible size land in site-packages; "
                          "versions, dependencies and exact sizes are not PyPI's")
        site = (f"{venv}/lib/python3.11/site-packages" if venv else
                "/usr/local/lib/python3.11/dist-packages" if self.distro in ("debian", "ubuntu") else
                "/usr/lib/python3.11/site-packages")
        cache = "--no-cache-dir" not in flags and not ctx.env.get("PIP_NO_CACHE_DIR")
        for spec in names:
            name = spec.split("==")[0].split(">=")[0].split("[")[0].lower()
            size = PIP_SIZES.get(name, PIP_DEFAULT)
            ctx.out(f"Collecting {spec}\n  Downloading {name}-1.0-py3-none-any.whl\n")
            rows = [[f"{site}/{name}/__init__.py", "f", 0o644, 0, 0, size * 3 // 5, None, 0],
                    [f"{site}/{name}/__pycache__/__init__.cpython-311.pyc", "f", 0o644, 0, 0,
                     size - size * 3 // 5, None, 0],
                    [f"{site}/{name}-1.0.dist-info/METADATA", "f", 0o644, 0, 0, 4000, None, 0],
                    [f"{site}/{name}-1.0.dist-info/RECORD", "f", 0o644, 0, 0, 1200, None, 0]]
            for d in sorted({posixpath.dirname(r[0]) for r in rows}):
                ops.mkdirs(d)
            ops.add_rows(rows, f"pip {name}")
            if cache:
                ops.add_sized(f"/root/.cache/pip/http-v2/{name}.body", size // 3)
            ctx.out(f"Installing collected packages: {name}\nSuccessfully installed {name}-1.0\n")
        return 0

    @staticmethod
    def _present(ops: Ops, prog: str) -> bool:
        if "/" in prog:
            return ops.exists(prog)
        return any(ops.exists(f"{d}/{prog}") for d in ("/usr/bin", "/usr/local/bin", "/bin"))
