"""apt-get and apt on Debian images (dpkg is in dpkg.py), touching the files the real tools touch.

Why this matters for the course: the size of a ``RUN apt-get ...`` layer is
made of the package files *and* apt's and dpkg's own bookkeeping: the lists
``apt-get update`` downloads (tens of MB, kept unless removed in the same
RUN), the copied-up /var/lib/dpkg/status, /var/lib/dpkg/info/*, logs, the
.debs in /var/cache/apt/archives (deleted right away by the official image's
docker-clean hook, which this tool honours only if the image still has
/etc/apt/apt.conf.d/docker-clean). Everything is read from and written to the
image's filesystem (``ctx.fs``), so the state is the tree, as in a real image:
no lists in the tree means ``apt-get install`` cannot locate anything, as
real apt cannot in a fresh ``debian`` container.

Output follows apt's wording; the numbers are the real ones from the catalog.
"""

from __future__ import annotations

import posixpath
from typing import Any

from . import data_files
from .apt_options import Options, apt_size, parse_options, wrap
from .apt_extras import OFFICIAL_MIRROR, AptMark, apt_cache, auto_names, source_uris
from .dpkg import STAMP, STATUS, Dpkg, dpkg_architecture, lookup_installed
from .debian_packages import (DebianCatalog, Installed, Package, Unresolvable, catalog,
                              placeholder_package, resolve)
from .package_files import PackageFiles
from .package_names import DEBIAN_DEFAULT, NameIndex, debian_names, os_release_codename

LISTS = "/var/lib/apt/lists"
ARCHIVES = "/var/cache/apt/archives"
EXTENDED = "/var/lib/apt/extended_states"
DOCKER_CLEAN = "/etc/apt/apt.conf.d/docker-clean"
MIRROR = "http://deb.debian.org/debian"


class AptTool:
    """The ``PackageTool`` of Debian and Ubuntu images: apt-get, apt, apt-cache, dpkg.

    ``distro="ubuntu"``: the same tool over Debian bookworm's package data, with
    Ubuntu's mirror names; approximate, and it says so.
    """

    commands = frozenset({"apt-get", "apt", "apt-cache", "dpkg", "dpkg-query", "apt-mark",
                          "dpkg-architecture"})
    NOT_SIMULATED = ("search", "show", "list", "policy", "download", "source", "check", "changelog",
                     "build-dep", "satisfy", "markauto", "unmarkauto", "dselect-upgrade", "edit-sources")

    def __init__(self, cat: DebianCatalog | None = None, distro: str = "debian"):
        self._cat = cat
        self.distro = distro

    @property
    def cat(self) -> DebianCatalog:
        if self._cat is None:
            self._cat = catalog()
        return self._cat

    # -- entry point ---------------------------------------------------------------
    def run(self, argv: list[str], ctx: Any) -> int:
        prog = posixpath.basename(argv[0])
        if prog == "dpkg":
            return Dpkg(self, ctx).run(argv[1:])
        if prog == "dpkg-query":
            return Dpkg(self, ctx).query(argv[1:])
        if prog == "dpkg-architecture":
            return dpkg_architecture(argv[1:], ctx)
        if prog == "apt-mark":
            return AptMark(self, ctx).run(argv[1:])
        if prog == "apt":
            ctx.err("\nWARNING: apt does not have a stable CLI interface. "
                    "Use with caution in scripts.\n\n")
        opts = parse_options(argv[1:])
        if not opts.args:
            ctx.err(f"{prog}: no operation given (layerlab simulates update, install, remove, "
                    "purge, autoremove, clean, upgrade)\n")
            return 100
        sub, opts.args = opts.args[0], opts.args[1:]
        if self.distro != "debian":
            ctx.not_simulated(f"{prog} {sub}", f"{self.distro}'s apt is approximated with Debian "
                                               "bookworm's package data")
        session = AptSession(self, ctx, opts, prog)
        if prog == "apt-cache":
            return apt_cache(session, sub)
        handler = {
            "update": session.update, "install": session.install, "reinstall": session.install,
            "remove": session.remove, "purge": session.purge, "autoremove": session.autoremove,
            "auto-remove": session.autoremove, "clean": session.clean, "autoclean": session.clean,
            "upgrade": session.upgrade, "dist-upgrade": session.upgrade,
            "full-upgrade": session.upgrade, "dist-clean": session.dist_clean,
            "distclean": session.dist_clean,
        }.get(sub)
        if handler is None and sub in ("show", "policy", "search") and prog == "apt":
            return apt_cache(session, sub)
        if handler is not None and opts.update and sub in ("install", "reinstall", "upgrade",
                                                           "dist-upgrade", "full-upgrade"):
            status = session.update()
            if status:
                return status
        if handler is None:
            if sub in self.NOT_SIMULATED:
                ctx.not_simulated(f"{prog} {sub}", f"layerlab does not simulate {prog} {sub}")
                return 0
            ctx.err(f"E: Invalid operation {sub}\n")
            return 100
        return handler()


class AptSession:
    """One apt-get command: its options, the tree it works on, its output."""

    def __init__(self, tool: AptTool, ctx: Any, opts: Options, prog: str):
        self.tool, self.ctx, self.opts, self.prog = tool, ctx, opts, prog
        self.cat = tool.cat
        self.ops = PackageFiles(ctx)

    def out(self, text: str, level: int = 0) -> None:
        """Print unless -q hides it (level 1: progress lines, 2: everything but errors)."""
        if self.opts.quiet >= (level or 2):
            return
        self.ctx.out(text)

    # -- update --------------------------------------------------------------------
    def lists_rows(self) -> list[list]:
        return data_files.load("debian-bookworm.json.gz").get("apt_lists", [])

    def has_lists(self) -> bool:
        return any("_Packages" in n for n in self.ops.listdir(LISTS))

    def update(self) -> int:
        sources = "".join(self.ops.read_text(f"/etc/apt/sources.list.d/{n}") or ""
                          for n in self.ops.listdir("/etc/apt/sources.list.d"))
        sources += self.ops.read_text("/etc/apt/sources.list") or ""
        if "http" not in sources:
            self.ctx.err("E: The list of sources could not be read.\n")
            return 100
        rows = self.lists_rows()
        if self.tool.distro == "ubuntu":
            rows = self.ubuntu_names(rows)
        elif self.codename() != DEBIAN_DEFAULT:
            code = self.codename()
            rows = [[r[0].replace(f"_{DEBIAN_DEFAULT}", f"_{code}")] + r[1:] for r in rows]
            self.ctx.not_simulated(f"{self.prog} update", f"the lists of Debian {code} are given "
                                   f"the sizes of {DEBIAN_DEFAULT}'s (layerlab recorded those)")
        files = [r for r in rows if r[1] == "f"]
        n = 0
        for r in files:
            name = posixpath.basename(r[0])
            if "InRelease" in name or "_Packages" in name:
                n += 1
                uri = name.replace("deb.debian.org_debian-security_dists_", f"{MIRROR}-security ") \
                          .replace("deb.debian.org_debian_dists_", f"{MIRROR} ") \
                          .replace("security.ubuntu.com_ubuntu_dists_", "http://security.ubuntu.com/ubuntu ") \
                          .replace("archive.ubuntu.com_ubuntu_dists_", "http://archive.ubuntu.com/ubuntu ")
                uri = uri.replace("_main_binary-amd64_Packages", "/main amd64 Packages") \
                         .replace("_InRelease", " InRelease").split(".lz4")[0].split(".gz")[0]
                self.out(f"Get:{n} {uri} [{apt_size(r[5])}]\n", 1)
        total = sum(r[5] for r in files)
        Dpkg(self.tool, self.ctx).touch_rw(f"{LISTS}/lock", 0o640)
        Dpkg(self.tool, self.ctx).touch_rw(f"{ARCHIVES}/lock", 0o640)
        # The lists replace what was there: apt rewrites each file whole.
        self.ops.add_rows(rows, f"{LISTS} (apt-get update)", keep_existing_dirs=True)
        self.out(f"Fetched {apt_size(total)} in 1s ({apt_size(total)}/s)\n", 1)
        self.out("Reading package lists...\n", 1)
        self.post_invoke()
        return 0

    def ubuntu_names(self, rows: list[list]) -> list[list]:
        """Debian's list files under the names Ubuntu's mirrors give them (sizes: Debian's)."""
        release = self.ops.read_text("/etc/os-release") or ""
        code = next((line.split("=", 1)[1].strip('"') for line in release.splitlines()
                     if line.startswith("VERSION_CODENAME=")), "noble")
        out = []
        for r in rows:
            path = (r[0].replace("deb.debian.org_debian-security_dists_bookworm-security",
                                 f"security.ubuntu.com_ubuntu_dists_{code}-security")
                        .replace("deb.debian.org_debian_dists_bookworm-updates",
                                 f"archive.ubuntu.com_ubuntu_dists_{code}-updates")
                        .replace("deb.debian.org_debian_dists_bookworm", f"archive.ubuntu.com_ubuntu_dists_{code}"))
            out.append([path] + r[1:])
        return out

    # -- apt-cache -----------------------------------------------------------------
    # -- install -------------------------------------------------------------------
    def installed(self) -> Installed:
        return Installed.from_status(self.ops.read_text(STATUS) or "")

    def codename(self) -> str:
        """The image's Debian release, from its os-release (placeholders carry the right one)."""
        text = self.ops.read_text("/etc/os-release") or self.ops.read_text("/usr/lib/os-release") or ""
        return os_release_codename(text) or DEBIAN_DEFAULT

    def name_index(self) -> NameIndex | None:
        if self.tool.distro != "debian":
            return debian_names(DEBIAN_DEFAULT)  # Ubuntu: approximated with Debian's names
        return debian_names(self.codename())

    def third_party_repos(self) -> list[str]:
        """Repositories in the sources that are not Debian's or Ubuntu's (nginx.org, a file:// dir)."""
        return [u for u in source_uris(self.ops) if not OFFICIAL_MIRROR.search(u)]

    def placeholders_for(self, names: list[str]) -> tuple[list[Package], list[str]]:
        """Split names the catalog lacks into placeholders (they exist) and the truly unknown."""
        index, repos = self.name_index(), self.third_party_repos()
        found, unknown = [], []
        for n in names:
            if index is not None and n in index:
                origin = f"Debian {index.release}"
                if self.tool.distro != "debian":
                    origin += f" (standing in for {self.tool.distro}'s archive)"
                why = f"it is in {origin}"
                if n not in index.names:
                    why += ", as a virtual package: apt would install a package that provides it"
            elif repos:
                origin = "third-party repository " + " ".join(repos)
                why = f"it may come from {origin}, which layerlab has no index of"
            elif index is None:
                origin = "an unchecked archive"
                why = f"layerlab has no package list for {self.codename()} to check it against"
            else:
                unknown.append(n)
                continue
            found.append(placeholder_package(n, origin))
            self.ctx.not_simulated(
                f"{self.prog} install {n}",
                f"package {n} is not in layerlab's catalog ({why}): installed as a placeholder with "
                "only its copyright file and dpkg's records; its real files, size and "
                "dependencies are not simulated")
        return found, unknown

    def note_release(self, plan: list[Package]) -> None:
        code = self.codename()
        if plan and self.tool.distro == "debian" and code != DEBIAN_DEFAULT:
            self.ctx.not_simulated(
                f"{self.prog} install on Debian {code}",
                f"layerlab's package files are Debian {DEBIAN_DEFAULT}'s: the {len(plan)} packages "
                f"installed here have {DEBIAN_DEFAULT}'s versions, files and sizes, not {code}'s")

    def note_pinned_versions(self, args: list[str], plan: list[Package]) -> None:
        """``nginx=1.27.4-1~bookworm``: the catalog has one version of each package."""
        by_name = {p.name: p for p in plan}
        for a in args:
            name, eq, version = a.partition("=")
            pkg = by_name.get(name.split("/")[0])
            if eq and pkg is not None and version != pkg.version:
                where = " (from a third-party repository)" if self.third_party_repos() else ""
                self.ctx.not_simulated(
                    f"{self.prog} install {a}",
                    f"version {version}{where} was asked for; layerlab installs the only version "
                    f"its catalog has, Debian's {pkg.version}, with that version's files and sizes")

    def lookup(self, name: str) -> Package | None:
        """An installed package by name: from the catalog, or a placeholder installed earlier."""
        return lookup_installed(self.cat, self.ops.read_text(STATUS) or "", name)

    def install(self) -> int:
        o = self.opts
        self.out("Reading package lists...\nBuilding dependency tree...\nReading state information...\n", 1)
        names = [a.split("=")[0].split("/")[0] for a in o.args if not a.endswith(".deb")]
        if any(a.endswith(".deb") for a in o.args):
            self.ctx.not_simulated(f"{self.prog} install ./file.deb",
                                   "installing a local .deb through apt is not simulated; use dpkg -i")
        installed = self.installed()
        lists = self.has_lists()
        missing = [n for n in names if not (lists and self.cat.get(n)) and n not in installed.names]
        stand_ins: list[Package] = []
        if missing and lists:
            stand_ins, missing = self.placeholders_for(missing)
        if missing:
            for n in missing:
                self.ctx.err(f"E: Unable to locate package {n}\n")
            # Without package lists real apt fails exactly so (the build adds the teacher's hint).
            return 100
        for n in names:
            if n in installed.names:
                pkg = self.cat.get(n)
                version = pkg.version if pkg else "installed"
                self.out(f"{n} is already the newest version ({version}).\n")
        try:
            plan = resolve([n for n in names if self.cat.get(n)], installed, self.cat,
                           recommends=o.recommends)
        except Unresolvable as exc:
            self.ctx.err("Some packages could not be installed.\nThe following packages have unmet "
                         f"dependencies:\n {exc}\nE: Unable to correct problems, you have held "
                         "broken packages.\n")
            return 100
        self.note_release(plan)
        self.note_pinned_versions(o.args, plan)
        plan = stand_ins + plan
        extra = [p for p in plan if p.name not in names]
        if extra:
            self.out("The following additional packages will be installed:\n" + wrap(sorted(p.name for p in extra)))
        if not o.recommends:
            rec = sorted({alt["name"] for p in plan for g in p.relations("Recommends") for alt in g[:1]}
                         - {p.name for p in plan} - installed.names)
            if rec:
                self.out("Recommended packages:\n" + wrap(rec))
        if plan:
            self.out("The following NEW packages will be installed:\n" + wrap(sorted(p.name for p in plan)))
        self.out(f"0 upgraded, {len(plan)} newly installed, 0 to remove and 0 not upgraded.\n")
        if not plan:
            return 0
        download = sum(p.deb_size for p in plan)
        disk = sum(p.installed_size_kib for p in plan) * 1024
        self.out(f"Need to get {apt_size(download)} of archives.\n")
        self.out(f"After this operation, {apt_size(disk)} of additional disk space will be used.\n")
        if extra and not o.yes and not o.simulate:
            self.ctx.out("Do you want to continue? [Y/n] ")
            if not self.ctx.stdin.strip().lower().startswith("y"):
                self.ctx.out("Abort.\n")
                return 1
        if o.simulate:
            for p in plan:
                self.out(f"Inst {p.name} ({p.version} Debian:12/stable [{p.architecture}])\n")
            return 0
        self.ops.mkdirs(f"{ARCHIVES}/partial", mode=0o700)  # the image ships /var/cache/apt empty
        for i, p in enumerate(plan, 1):
            self.out(f"Get:{i} {MIRROR} bookworm/main amd64 {p.name} {p.architecture} "
                     f"{p.version} [{apt_size(p.deb_size)}]\n", 1)
            self.ops.add_sized(f"{ARCHIVES}/{p.deb_name}", p.deb_size)
        self.out(f"Fetched {apt_size(download)} in 1s ({apt_size(download)}/s)\n", 1)
        Dpkg(self.tool, self.ctx, quiet=o.quiet).install_packages(plan)
        # apt's solver dump (EIPP), compressed: 5,384 bytes after a real python3 install.
        self.ops.add_sized("/var/log/apt/eipp.log.xz", 5384)
        auto = [p for p in plan if p.name not in names]
        self.mark_auto(auto)
        self.log_history("Install", plan, auto)
        self.post_invoke()
        return 0

    def upgrade(self) -> int:
        self.out("Reading package lists...\nBuilding dependency tree...\nReading state information...\n"
                 "Calculating upgrade...\n", 1)
        self.out("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n")
        return 0

    # -- remove ----------------------------------------------------------------------
    def remove(self) -> int:
        return self._remove(purge=self.opts.purge)

    def purge(self) -> int:
        return self._remove(purge=True)

    def _remove(self, purge: bool) -> int:
        self.out("Reading package lists...\nBuilding dependency tree...\nReading state information...\n", 1)
        installed = self.installed()
        names = [a.split("=")[0] for a in self.opts.args]
        index = self.name_index()
        unknown = [n for n in names if n not in installed.names and not self.cat.get(n)
                   and not (index is not None and n in index)]
        if unknown:
            for n in unknown:
                self.ctx.err(f"E: Unable to locate package {n}\n")
            return 100
        targets = []
        for n in names:
            if n not in installed.names:
                self.out(f"Package '{n}' is not installed, so not removed\n")
                continue
            pkg = self.lookup(n)
            if pkg is None:
                self.ctx.not_simulated(f"{self.prog} remove {n}",
                                       f"{n} is part of the base image; layerlab only removes packages "
                                       "from its catalog")
                continue
            targets.append(pkg)
        if self.opts.auto_remove:
            targets += [p for p in self.autoremovable(exclude={p.name for p in targets})
                        if p not in targets]
        return self._do_remove(targets, purge)

    def _do_remove(self, targets: list[Package], purge: bool) -> int:
        if targets:
            self.out("The following packages will be REMOVED:\n" +
                     wrap([p.name + ("*" if purge else "") for p in targets]))
        self.out(f"0 upgraded, 0 newly installed, {len(targets)} to remove and 0 not upgraded.\n")
        if not targets:
            return 0
        freed = sum(p.installed_size_kib for p in targets) * 1024
        self.out(f"After this operation, {apt_size(freed)} disk space will be freed.\n")
        if not self.opts.yes and len(targets) > len(self.opts.args):
            self.ctx.out("Do you want to continue? [Y/n] ")
            if not self.ctx.stdin.strip().lower().startswith("y"):
                self.ctx.out("Abort.\n")
                return 1
        Dpkg(self.tool, self.ctx, quiet=self.opts.quiet).remove_packages(targets, purge)
        self.log_history("Purge" if purge else "Remove", targets, [])
        self.post_invoke()
        return 0

    def autoremovable(self, exclude: set[str] = frozenset()) -> list[Package]:
        """Auto-installed packages (catalog or placeholder) nothing manually installed needs.

        As apt's autoremove: the manually installed packages are roots, and every installed
        package one of their Pre-Depends/Depends/Recommends names (directly or through
        Provides) is kept, transitively. -o APT::AutoRemove::RecommendsImportant=false
        (common in official images) keeps no package for a Recommends alone.
        """
        installed = self.installed()
        auto = auto_names(self.ops.read_text(EXTENDED) or "")
        recommends = not any(u.lower() == "apt::autoremove::recommendsimportant=false"
                             for u in self.opts.settings)
        fields = ["Pre-Depends", "Depends"] + (["Recommends"] if recommends else [])
        providers: dict[str, set[str]] = {}
        for n in installed.names:
            pkg = self.cat.get(n)
            for v in (pkg.provides if pkg else []):
                providers.setdefault(v, set()).add(n)
        needed: set[str] = set()
        todo = [n for n in installed.names if n not in auto and n not in exclude]
        while todo:
            n = todo.pop()
            if n in needed:
                continue
            needed.add(n)
            pkg = self.cat.get(n)
            for group in (g for f in fields for g in pkg.relations(f)) if pkg else []:
                for alt in group:
                    hits = ({alt["name"]} & installed.names) | providers.get(alt["name"], set())
                    todo.extend(h for h in hits if h not in exclude)
        status = self.ops.read_text(STATUS) or ""
        out = []
        for n in sorted(auto & installed.names):
            if n in needed or n in exclude:
                continue
            pkg = lookup_installed(self.cat, status, n)
            if pkg is not None:
                out.append(pkg)
        return out

    def autoremove(self) -> int:
        self.out("Reading package lists...\nBuilding dependency tree...\nReading state information...\n", 1)
        return self._do_remove(self.autoremovable(), purge=self.opts.purge)

    # -- clean -----------------------------------------------------------------------
    def clean(self) -> int:
        """Empty /var/cache/apt/archives (and partial/) and remove /var/cache/apt/*.bin."""
        self.delete_caches()
        return 0

    def dist_clean(self) -> int:
        """apt >= 2.7's dist-clean: clean, and delete the package lists too."""
        self.delete_caches()
        lists = [f"{LISTS}/{n}" for n in self.ops.listdir(LISTS) if n not in ("lock", "partial")]
        lists += [f"{LISTS}/partial/{n}" for n in self.ops.listdir(f"{LISTS}/partial")]
        if lists:
            self.ops.remove_paths(lists, f"{LISTS} (dist-clean)")
        return 0

    def delete_caches(self) -> int:
        paths = [f"{ARCHIVES}/{n}" for n in self.ops.listdir(ARCHIVES) if n.endswith(".deb")]
        paths += [f"{ARCHIVES}/partial/{n}" for n in self.ops.listdir(f"{ARCHIVES}/partial")]
        paths += [f"/var/cache/apt/{n}" for n in self.ops.listdir("/var/cache/apt") if n.endswith(".bin")]
        if paths:
            self.ops.remove_paths(paths, "/var/cache/apt (clean)")
        return len(paths)

    def post_invoke(self) -> None:
        """The official image's docker-clean hook: ``apt-get clean`` after every dpkg run/update.

        Without the hook (a student deleted it) the .debs and apt's binary caches stay,
        as they would.
        """
        if self.ops.exists(DOCKER_CLEAN):
            self.delete_caches()
        elif not self.ops.exists("/var/cache/apt/pkgcache.bin"):
            # apt's binary caches (docker-clean also sets Dir::Cache::pkgcache "": none made then).
            # Sizes measured after a real update with docker-clean removed (2026-11-28).
            self.ops.add_sized("/var/cache/apt/pkgcache.bin", 36_924_094)
            self.ops.add_sized("/var/cache/apt/srcpkgcache.bin", 36_924_035)

    # -- bookkeeping -------------------------------------------------------------
    def mark_auto(self, auto: list[Package]) -> None:
        if not auto:
            return
        text = "".join(f"Package: {p.name}\nArchitecture: amd64\nAuto-Installed: 1\n\n" for p in auto)
        self.ops.write(EXTENDED, text, append=True)

    def log_history(self, action: str, pkgs: list[Package], auto: list[Package]) -> None:
        names = {p.name for p in auto}
        items = ", ".join(f"{p.name}:amd64 ({p.version}{', automatic' if p.name in names else ''})"
                          for p in pkgs)
        line = (f"\nStart-Date: {STAMP}\nCommandline: {self.prog} {' '.join(self.ctx_argv())}\n"
                f"{action}: {items}\nEnd-Date: {STAMP}\n")
        self.ops.write("/var/log/apt/history.log", line, append=True)
        self.ops.write("/var/log/apt/term.log", f"\nLog started: {STAMP}\n" +
                       "".join(f"Unpacking {p.name} ({p.version}) ...\n" for p in pkgs) +
                       f"Log ended: {STAMP}\n", append=True)

    def ctx_argv(self) -> list[str]:
        return list(self.ctx.argv[1:])
