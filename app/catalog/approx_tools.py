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
import re
from typing import Any

from . import data_files
from .package_files import PackageFiles
from .package_names import alpine_names


def _spec(key: str) -> dict:
    return data_files.load(f"approx-{key}.json")


def _flags(argv: list[str]) -> tuple[set[str], list[str]]:
    flags = {a for a in argv if a.startswith("-")}
    return flags, [a for a in argv if not a.startswith("-")]


def _add_package_files(ops: PackageFiles, files: list, label: str) -> int:
    rows = []
    for path, size in files:
        rows.append([path, "f", 0o755 if "/bin/" in path else 0o644, 0, 0, size, None, 0])
    parents = sorted({posixpath.dirname(r[0]) for r in rows})
    for d in parents:
        ops.mkdirs(d)
    return ops.add_rows(rows, label)[1]


# apk options that take a value (apk-tools 2.14).
APK_VALUE_OPTIONS = {"-X", "--repository", "-t", "--virtual", "-p", "--root", "--arch", "--cache-dir",
                     "--keys-dir", "--repositories-file", "-o", "--output", "--print-arch-file",
                     "--wait", "--timeout", "--cache-max-age", "-d", "--description"}
VERSION_CONSTRAINT = re.compile(r"[<>=~].*$")


def parse_apk(argv: list[str]) -> tuple[set[str], dict[str, list[str]], list[str]]:
    """(flags, {option: values}, words) of an apk command line."""
    flags, values, words = set(), {}, []
    it = iter(argv)
    for a in it:
        if a.startswith("--") and "=" in a:
            key, val = a.split("=", 1)
            values.setdefault(key, []).append(val)
        elif a in APK_VALUE_OPTIONS:
            values.setdefault(a, []).append(next(it, ""))
        elif a.startswith("-") and len(a) > 1:
            flags.add(a)
        else:
            words.append(a)
    for short, long in (("-X", "--repository"), ("-t", "--virtual")):
        if short in values:
            values.setdefault(long, []).extend(values.pop(short))
    if "-U" in flags:
        flags.add("--update-cache")
    return flags, values, words


class ApkTool:
    """apk add/del/update/info on Alpine images (approximate).

    Packages in the hand-made data install their (plausible) files. Other names
    install as placeholders, an entry in /lib/apk/db/installed and nothing else,
    flagged: layerlab has no copy of Alpine's APKINDEX (Alpine's mirror could not
    be reached when the catalog was made), so it cannot tell a real name from a
    made-up one; with an index in data/package-names.json.xz, unknown names fail
    as apk does. ``--virtual NAME`` records a virtual package whose dependencies
    ``apk del NAME`` removes again, as the official images' build steps expect.
    """

    commands = frozenset({"apk"})

    def __init__(self, key: str = "alpine-3.20"):
        self.key = key

    def run(self, argv: list[str], ctx: Any) -> int:
        spec = _spec(self.key)
        ops = PackageFiles(ctx)
        flags, values, args = parse_apk(argv[1:])
        if "--print-arch" in flags:
            ctx.out("x86_64\n")
            return 0
        if not args:
            ctx.err("usage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]\n")
            return 1
        sub, names = args[0], args[1:]
        ctx.not_simulated(f"apk {sub}", "apk is approximated in layerlab: package sizes and file lists "
                                        "are plausible, not Alpine's exact data")
        repos = spec["apk_repositories"]
        if sub == "update" or (sub == "add" and "--update-cache" in flags):
            if "--no-cache" not in flags:
                self._update(ctx, ops, spec, repos)
        if sub == "update":
            return 0
        if sub == "add":
            return self._add(ctx, ops, spec, names, flags, values, repos)
        if sub == "del":
            return self._del(ctx, ops, spec, names)
        if sub == "info":
            installed = self._installed(ops)
            if names:
                ctx.out("".join(f"{n}-{installed[n]['V']} description:\n\n" for n in names if n in installed))
                return 0 if all(n in installed for n in names) or "--installed" not in flags else 1
            ctx.out("".join(n + "\n" for n in sorted(installed)))
            return 0
        ctx.not_simulated(f"apk {sub}", "layerlab simulates apk add, del, update and info")
        return 0

    def _update(self, ctx, ops, spec, repos) -> None:
        for repo, (fname, size) in zip(repos, spec["apk_index_files"]):
            ctx.out(f"fetch {repo}/x86_64/APKINDEX.tar.gz\n")
            ops.add_sized(f"/var/cache/apk/{fname}", size)
        ctx.out(f"{spec['pretty_version']} [{repos[0]}]\nOK: {spec['apk_index_count']} distinct packages available\n")

    def _world(self, ops) -> list[str]:
        return (ops.read_text("/etc/apk/world") or "").split()

    @staticmethod
    def _installed(ops) -> dict[str, dict]:
        """/lib/apk/db/installed, parsed: name -> {field letter: value} (D: dependencies)."""
        out = {}
        for stanza in (ops.read_text("/lib/apk/db/installed") or "").split("\n\n"):
            fields: dict = {}
            for line in stanza.splitlines():
                if len(line) > 2 and line[1] == ":" and line[0] not in fields:
                    fields[line[0]] = line[2:]
            if "P" in fields:
                out[fields["P"]] = fields
        return out

    def _release(self, ops) -> str:
        text = ops.read_text("/etc/alpine-release") or ""
        return ".".join(text.strip().split(".")[:2])

    def _add(self, ctx, ops, spec, names, flags, values, repos) -> int:
        packages = spec["packages"]
        names = [VERSION_CONSTRAINT.sub("", n) for n in names]
        extra_repos = values.get("--repository", [])
        index = alpine_names(self._release(ops))
        placeholders: dict[str, str] = {}
        unknown = []
        for n in names:
            if n in packages:
                continue
            if index is not None and n in index:
                placeholders[n] = f"it is in Alpine {index.release}'s index"
            elif extra_repos:
                placeholders[n] = f"it may come from {' '.join(extra_repos)}, which layerlab has no index of"
            elif index is None:
                placeholders[n] = (f"layerlab has no copy of Alpine {self._release(ops) or ''}'s APKINDEX, "
                                   "so it cannot check that the name exists")
            else:
                unknown.append(n)
        if unknown:
            ctx.err("ERROR: unable to select packages:\n" +
                    "".join(f"  {n} (no such package):\n    required by: world[{n}]\n" for n in unknown))
            return len(unknown)
        if "--no-cache" not in flags and "--no-network" not in flags and not any(
                n.startswith("APKINDEX") for n in ops.listdir("/var/cache/apk")):
            self._update(ctx, ops, spec, repos)  # apk add fetches the index and keeps it
        elif "--no-cache" in flags:
            for repo in extra_repos + repos:
                ctx.out(f"fetch {repo}/x86_64/APKINDEX.tar.gz\n")
        world = self._world(ops)
        installed_db = ops.read_text("/lib/apk/db/installed") or ""
        have = set(self._installed(ops))
        plan: list[str] = []

        def visit(n: str) -> None:
            if n in have or n in plan:
                return
            for dep in packages.get(n, {}).get("depends", []):
                visit(dep)
            plan.append(n)

        for n in names:
            visit(n)
        total = 0
        stanzas = ""
        virtual = (values.get("--virtual") or [None])[-1]
        steps = len(plan) + (1 if virtual else 0)
        for i, n in enumerate(plan, 1):
            if n in placeholders:
                ctx.not_simulated(f"apk add {n}", f"package {n} is not in layerlab's catalog ({placeholders[n]}): "
                                                  "installed as a placeholder, an entry in /lib/apk/db/installed "
                                                  "only; its real files and size are not simulated")
                ctx.out(f"({i}/{steps}) Installing {n} (0-r0 placeholder)\n")
                stanzas += (f"C:Q1placeholder=\nP:{n}\nV:0-r0\nA:x86_64\nS:0\nI:0\n"
                            f"T:{n} (placeholder: not in layerlab's catalog)\n\n")
                continue
            p = packages[n]
            ctx.out(f"({i}/{steps}) Installing {n} ({p['version']})\n")
            total += _add_package_files(ops, p["files"], f"apk {n}")
            stanzas += (f"C:Q1approximate=\nP:{n}\nV:{p['version']}\nA:x86_64\n"
                        f"S:{sum(s for _, s in p['files']) // 2}\nI:{sum(s for _, s in p['files'])}\n"
                        f"T:{p.get('description', n)}\n"
                        + "".join(f"F:{posixpath.dirname(f).lstrip('/')}\nR:{posixpath.basename(f)}\n"
                                  for f, _ in p["files"]) + "\n")
        if virtual:
            ctx.out(f"({steps}/{steps}) Installing {virtual} (20260101.000000)\n")
            stanzas += (f"C:Q1virtual=\nP:{virtual}\nV:20260101.000000\nA:noarch\nS:0\nI:0\n"
                        f"T:virtual meta package\nD:{' '.join(names)}\n\n")
        if stanzas:
            ops.write("/lib/apk/db/installed", installed_db + stanzas)
            ops.write("/lib/apk/db/scripts.tar", b"\0" * 512 * (2 + len(plan)))
        new_world = set(world) | ({virtual} if virtual else set(names))
        ops.write("/etc/apk/world", "\n".join(sorted(new_world)) + "\n")
        ctx.out(f"OK: {(spec['size'] + total) // 1_000_000} MiB in {len(have) + steps} packages\n")
        return 0

    def _del(self, ctx, ops, spec, names) -> int:
        """Remove the named packages from world, then every package nothing in world needs."""
        packages = spec["packages"]
        installed = self._installed(ops)
        world = [w for w in self._world(ops) if w not in names]
        base = set((spec.get("contents", {}).get("/etc/apk/world") or "").split())
        needed: set[str] = set()
        todo = list(world) + list(base)
        while todo:
            n = todo.pop()
            if n in needed:
                continue
            needed.add(n)
            deps = installed.get(n, {}).get("D", "").split() or packages.get(n, {}).get("depends", [])
            todo.extend(VERSION_CONSTRAINT.sub("", d) for d in deps)
        base_db = set(self._installed_from_text(spec.get("contents", {}).get("/lib/apk/db/installed", "")))
        removed = [n for n in installed if n not in needed and n not in base_db]
        for i, n in enumerate(removed, 1):
            ctx.out(f"({i}/{len(removed)}) Purging {n} ({installed[n].get('V', '')})\n")
            if n in packages:
                ops.remove_paths([f for f, _ in packages[n]["files"]], f"apk del {n}")
        db = ops.read_text("/lib/apk/db/installed") or ""
        kept = [s for s in db.split("\n\n") if s.strip() and not any(
            line == f"P:{n}" for line in s.splitlines() for n in removed)]
        ops.write("/lib/apk/db/installed", "\n\n".join(kept) + "\n\n" if kept else "")
        ops.write("/etc/apk/world", "\n".join(world) + "\n")
        ctx.out(f"OK: {len(kept)} packages\n")
        return 0

    @staticmethod
    def _installed_from_text(text: str) -> list[str]:
        return [line[2:] for line in text.splitlines() if line.startswith("P:")]


class YumTool:
    """yum install/remove/clean/makecache on CentOS 7 (approximate). CentOS 7 has no dnf."""

    commands = frozenset({"yum"})

    def __init__(self, key: str = "centos-7"):
        self.key = key

    def run(self, argv: list[str], ctx: Any) -> int:
        spec = _spec(self.key)
        ops = PackageFiles(ctx)
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
                    _add_package_files(ops, p["files"], f"yum {n}")
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
    def _touch_rpmdb(ops: PackageFiles, path: str) -> None:
        if ops.exists(path):
            ops.fs.open_rw(path)


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
        ops = PackageFiles(ctx)
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
    def _present(ops: PackageFiles, prog: str) -> bool:
        if "/" in prog:
            return ops.exists(prog)
        return any(ops.exists(f"{d}/{prog}") for d in ("/usr/bin", "/usr/local/bin", "/bin"))
