"""dpkg, dpkg-query and dpkg-architecture: unpack packages, keep /var/lib/dpkg, answer queries.

apt (apt.py) decides what to install and hands the plan to ``Dpkg``, which
writes what the real dpkg writes: the package's files, its
/var/lib/dpkg/info/<name>.* (file lists, maintainer scripts), the copied-up
status file and dpkg.log; then runs the triggers whose side effects land in
the layer (ldconfig's cache, debconf). Dockerfiles also call dpkg directly
(``dpkg --print-architecture``, ``dpkg-query --search``, ``dpkg -l``).
The simulated machine is amd64 (x86_64), as the catalog's packages are.
"""

from __future__ import annotations

from functools import lru_cache

import fnmatch
import posixpath
import re
from typing import Any

from debian.deb822 import Deb822
from debian.debian_support import Version

from . import data_files
from .debian_packages import PLACEHOLDER_FIELD, DebianCatalog, Installed, Package, placeholder_package
from .package_files import PackageFiles

STATUS = "/var/lib/dpkg/status"
INFO = "/var/lib/dpkg/info"
STAMP = "2026-01-01  00:00:00"  # logs need a date; builds stay reproducible
ARCH = "amd64"
# dpkg-architecture's answers on amd64 (DEB_BUILD_* = DEB_HOST_* = DEB_TARGET_*).
ARCH_VARS = {"ARCH": "amd64", "ARCH_ABI": "base", "ARCH_BITS": "64", "ARCH_CPU": "amd64",
             "ARCH_ENDIAN": "little", "ARCH_LIBC": "gnu", "ARCH_OS": "linux",
             "GNU_CPU": "x86_64", "GNU_SYSTEM": "linux-gnu", "GNU_TYPE": "x86_64-linux-gnu",
             "MULTIARCH": "x86_64-linux-gnu"}


@lru_cache(maxsize=1)
def base_directories() -> frozenset[str]:
    """The directories of debian:bookworm (real data), which its base packages own."""
    rows = data_files.load("debian-bookworm.json.gz")["images"]["bookworm"]["entries"]
    return frozenset(r[0] for r in rows if r[1] == "d")


def stanzas(status: str) -> list[Deb822]:
    return [p for p in Deb822.iter_paragraphs(status.splitlines()) if "Package" in p]


def lookup_installed(cat: DebianCatalog, status: str, name: str) -> Package | None:
    """An installed package by name: from the catalog, or a placeholder installed earlier."""
    name = name.split(":")[0]
    pkg = cat.get(name)
    if pkg is not None:
        return pkg
    reason = _placeholders(status).get(name)
    return placeholder_package(name, reason) if reason is not None else None


@lru_cache(maxsize=8)
def _placeholders(status: str) -> dict[str, str]:
    """Placeholder packages in a status file, by name. Cached on the file's text: apt asks
    for one package after another (autoremove asks for each installed one) while the
    status file stays the same, and parsing it is the slow part."""
    return {para["Package"]: para[PLACEHOLDER_FIELD] for para in stanzas(status) if PLACEHOLDER_FIELD in para}


def compare_versions(a: str, op: str, b: str) -> int:
    """dpkg --compare-versions: exit 0 if the relation holds, 1 if not."""
    ops = {"lt": lambda x: x < 0, "le": lambda x: x <= 0, "eq": lambda x: x == 0,
           "ne": lambda x: x != 0, "ge": lambda x: x >= 0, "gt": lambda x: x > 0,
           "<<": lambda x: x < 0, "<=": lambda x: x <= 0, "=": lambda x: x == 0,
           ">=": lambda x: x >= 0, ">>": lambda x: x > 0}
    if op not in ops:
        return 2
    va, vb = Version(a or "0"), Version(b or "0")
    return 0 if ops[op]((va > vb) - (va < vb)) else 1


def dpkg_architecture(args: list[str], ctx: Any) -> int:
    """dpkg-architecture [-q VAR | -qVAR | --query VAR]: the amd64 answers."""
    table = {f"DEB_{kind}_{k}": v for kind in ("BUILD", "HOST", "TARGET") for k, v in ARCH_VARS.items()}
    query = None
    it = iter(args)
    for a in it:
        if a in ("-q", "--query"):
            query = next(it, "")
        elif a.startswith("-q") and len(a) > 2:
            query = a[2:]
        elif a.startswith("--query="):
            query = a.split("=", 1)[1]
    if query is None:
        ctx.out("".join(f"{k}={v}\n" for k, v in sorted(table.items())))
        return 0
    if query not in table:
        ctx.err(f"dpkg-architecture: error: {query} is not a supported variable name\n")
        return 2
    ctx.out(table[query] + "\n")
    return 0


FIELD = re.compile(r"\$\{([^};]+)(?:;(-?\d+))?\}")


def dpkg_query(ctx: Any, args: list[str]) -> int:
    """dpkg-query -W/--show [-f FORMAT], -S/--search, -l, -L, -s over the image's dpkg database."""
    ops = PackageFiles(ctx)
    status = ops.read_text(STATUS) or ""
    fmt = "${binary:Package}\t${Version}\n"
    action, rest = None, []
    it = iter(args)
    for a in it:
        if a in ("-f", "--showformat"):
            fmt = next(it, fmt)
        elif a.startswith(("--showformat=", "-f=")):
            fmt = a.split("=", 1)[1]
        elif a in ("-W", "--show", "-S", "--search", "-l", "--list", "-L", "--listfiles",
                   "-s", "--status", "-p", "--print-avail"):
            action = a
        elif not a.startswith("-"):
            rest.append(a)
    fmt = fmt.encode().decode("unicode_escape")  # dpkg-query expands \n and \t itself
    if action in ("-W", "--show"):
        paras = stanzas(status)
        found = 0
        for para in paras:
            if rest and not any(fnmatch.fnmatchcase(para["Package"], r.split(":")[0]) for r in rest):
                continue
            found += 1
            ctx.out(format_stanza(fmt, para))
        missing = [r for r in rest if not any(fnmatch.fnmatchcase(p["Package"], r.split(":")[0])
                                              for p in paras)]
        for r in missing:
            ctx.err(f"dpkg-query: no packages found matching {r}\n")
        return 1 if missing else 0
    if action in ("-S", "--search"):
        return search(ops, ctx, rest)
    return None  # the caller (Dpkg) handles -l, -L, -s


def format_stanza(fmt: str, para: Deb822) -> str:
    def value(m: re.Match) -> str:
        key, width = m.group(1), m.group(2)
        if key == "binary:Package":
            v = para["Package"] + (f":{para.get('Architecture')}" if para.get("Multi-Arch") == "same" else "")
        elif key == "db:Status-Abbrev":
            v = {"install ok installed": "ii ", "deinstall ok config-files": "rc "}.get(para.get("Status", ""), "un ")
        elif key == "db:Status-Status":
            v = para.get("Status", "").split(" ")[-1]
        else:
            v = para.get(key, "")
        if width:
            w = int(width)
            v = v.ljust(w) if w > 0 else v.rjust(-w)
        return v
    return FIELD.sub(value, fmt)


def search(ops: PackageFiles, ctx: Any, patterns: list[str]) -> int:
    """dpkg-query -S: which installed packages own paths matching each pattern."""
    lists = {}
    for n in ops.listdir(INFO):
        if n.endswith(".list"):
            lists[n[:-5]] = (ops.read_text(f"{INFO}/{n}") or "").replace("\0", "").splitlines()
    status = 0
    for pat in patterns:
        glob = any(c in pat for c in "*?[")
        hits: dict[str, list[str]] = {}
        for pkg, paths in lists.items():
            for path in paths:
                if (fnmatch.fnmatchcase(path, pat) if glob else
                        (path == pat if pat.startswith("/") else pat in path)):
                    hits.setdefault(path, []).append(pkg)
        if not hits:
            ctx.err(f"dpkg-query: no path found matching pattern {pat}\n")
            status = 1
        for path, pkgs in hits.items():
            ctx.out(f"{', '.join(pkgs)}: {path}\n")
    return status


class Dpkg:
    """dpkg's part: unpack files, write /var/lib/dpkg/info/*, update status, log."""

    def __init__(self, tool: Any, ctx: Any, quiet: int = 0):
        self.tool, self.ctx, self.quiet = tool, ctx, quiet
        self.ops = PackageFiles(ctx)

    def out(self, text: str) -> None:
        if self.quiet < 2:
            self.ctx.out(text)

    def run(self, args: list[str]) -> int:
        if not args:
            self.ctx.err("dpkg: error: need an action option\n")
            return 2
        action, rest = args[0], [a for a in args[1:] if not a.startswith("-")]
        if action == "--print-architecture":
            self.ctx.out(ARCH + "\n")
            return 0
        if action == "--print-foreign-architectures":
            return 0
        if action == "--add-architecture" and rest:
            self.ctx.not_simulated(f"dpkg --add-architecture {rest[0]}",
                                   "layerlab's catalog has amd64 packages only")
            self.ops.write("/var/lib/dpkg/arch", f"{ARCH}\n{rest[0]}\n")
            return 0
        if action == "--compare-versions":
            return compare_versions(*(args[1:4] + ["", "", ""])[:3])
        if action in ("-W", "--show", "-S", "--search"):
            return self.query(args)
        if action in ("-i", "--install"):
            return self.install_debs(rest)
        if action in ("-r", "--remove", "-P", "--purge"):
            status = self.ops.read_text(STATUS) or ""
            pkgs = [p for n in rest if (p := lookup_installed(self.tool.cat, status, n))]
            self.remove_packages(pkgs, purge=action in ("-P", "--purge"))
            return 0
        if action in ("-l", "--list"):
            return self.list_installed()
        if action in ("-L", "--listfiles"):
            return self.list_files(rest)
        if action in ("-s", "--status"):
            return self.show_status(rest)
        self.ctx.not_simulated(f"dpkg {action}", "layerlab simulates dpkg -i, -r, -P, -l, -L and -s")
        return 2

    def query(self, args: list[str]) -> int:
        """dpkg-query (and dpkg's -W/-S, which hand over to it)."""
        status = dpkg_query(self.ctx, args)
        if status is not None:
            return status
        flags = [a for a in args if a in ("-l", "--list", "-L", "--listfiles", "-s", "--status")]
        if flags:
            return self.run([flags[0]] + [a for a in args if not a.startswith("-")])
        self.ctx.not_simulated(f"dpkg-query {' '.join(args[:1])}",
                               "layerlab simulates dpkg-query -W, -S, -l, -L and -s")
        return 0

    # -- install -------------------------------------------------------------------
    def install_debs(self, paths: list[str]) -> int:
        cat = self.tool.cat
        plan = []
        for path in paths:
            full = self.ctx.path(path) if hasattr(self.ctx, "path") else path
            if not self.ops.exists(full):
                self.ctx.err(f"dpkg: error: cannot access archive '{path}': No such file or directory\n")
                return 2
            name = posixpath.basename(path).split("_")[0]
            pkg = cat.get(name)
            if pkg is None:
                self.ctx.not_simulated(f"dpkg -i {path}", "layerlab only knows the contents of .debs in "
                                                          "its catalog")
                return 2
            plan.append(pkg)
        installed = Installed.from_status(self.ops.read_text(STATUS) or "")
        self.install_packages(plan)
        status = 0
        for pkg in plan:
            for group in pkg.relations("Pre-Depends") + pkg.relations("Depends"):
                if not any(installed.has(a["name"]) or a["name"] in {p.name for p in plan}
                           for a in group):
                    self.ctx.err(f"dpkg: dependency problems prevent configuration of {pkg.name}:\n"
                                 f" {pkg.name} depends on {group[0]['name']}; however:\n"
                                 f"  Package {group[0]['name']} is not installed.\n")
                    status = 1
                    break
        return status

    def install_packages(self, plan: list[Package]) -> None:
        old_status = self.ops.read_text(STATUS) or ""
        files_count = sum(1 for _ in old_status.split("\n\n")) * 40
        self.out("debconf: delaying package configuration, since apt-utils is not installed\n")
        for i, p in enumerate(plan):
            self.out(f"Selecting previously unselected package {p.name}.\n")
            if i == 0:
                self.out(f"(Reading database ... {files_count} files and directories currently installed.)\n")
            self.out(f"Preparing to unpack .../{p.deb_name} ...\nUnpacking {p.name} ({p.version}) ...\n")
            self.ops.add_rows(p.files, f"{p.name} {p.version}", contents=p.contents)
            self.write_info(p)
        for p in plan:
            self.out(f"Setting up {p.name} ({p.version}) ...\n")
            if p.generated:
                rows = [[path, kind, mode, 0, 0, size, target, 0]
                        for path, kind, mode, size, target in p.generated]
                self.ops.add_rows(rows, f"{p.name} maintainer scripts", make_parents=True)
        self.bookkeeping(plan)
        self.out("Processing triggers for libc-bin (2.36-9+deb12u10) ...\n")
        stanzas = "".join(status_stanza(p) for p in plan)
        # dpkg rewrites status after every step and keeps the previous version as
        # status-old: both end up in the layer (status is a copy-up of the image's), and
        # status-old is then nearly the final status (it lacks only the last step).
        new_status = old_status.rstrip("\n") + "\n\n" + stanzas if old_status else stanzas
        self.ops.write("/var/lib/dpkg/status-old", new_status)
        self.ops.write(STATUS, new_status)
        self.ops.write("/var/log/dpkg.log", "".join(
            f"{STAMP[:10]} {STAMP[12:]} install {p.name}:{p.architecture} <none> {p.version}\n"
            f"{STAMP[:10]} {STAMP[12:]} status installed {p.name}:{p.architecture} {p.version}\n"
            for p in plan), append=True)

    def bookkeeping(self, plan: list[Package]) -> None:
        """The small files every real dpkg run leaves in the layer (seen in a real overlay
        upper directory, tools/measure_real_sizes.py): lock files, debconf's databases
        (opened read-write, so copied up whole), and ldconfig's cache when libraries came."""
        for lock in ("/var/lib/dpkg/lock", "/var/lib/dpkg/lock-frontend", "/var/lib/dpkg/triggers/Lock"):
            self.touch_rw(lock, 0o640)
        # Directories apt, dpkg and debconf create files in and delete them again: only the
        # directory itself (its mtime) is left in the layer, as a metadata copy-up.
        for scratch in ("/tmp", "/var/lib/dpkg/updates"):
            if self.ops.exists(scratch):
                self.ops.fs.touch(scratch)
        for db in ("config.dat", "passwords.dat", "templates.dat"):
            if self.ops.exists(f"/var/cache/debconf/{db}"):
                self.ops.fs.open_rw(f"/var/cache/debconf/{db}")
        libs = [r[0] for p in plan for r in p.files
                if ".so" in posixpath.basename(r[0]) and "/lib/" in r[0] and r[1] in ("f", "l")]
        if libs and self.ops.exists("/etc/ld.so.cache"):
            old = self.ops.fs.peek_stat("/etc/ld.so.cache").size
            # ldconfig rewrites its cache: one entry (name + ~40 bytes of header) per new library.
            new = old + sum(len(posixpath.basename(x)) + 40 for x in libs if x.count(".so.") <= 1) // 2
            self.ops.add_sized("/etc/ld.so.cache", new)
            self.ops.add_sized("/var/cache/ldconfig/aux-cache", new, mode=0o600)

    def touch_rw(self, path: str, mode: int = 0o644) -> None:
        """open(O_RDWR|O_CREAT): copies an existing file up, creates a missing one empty."""
        if self.ops.exists(path):
            self.ops.fs.open_rw(path)
        else:
            self.ops.add_sized(path, 0, mode=mode)

    def write_info(self, p: Package) -> None:
        """/var/lib/dpkg/info/<pkg>.*: the file list (real text: dpkg-query -S reads it) and
        the control members (maintainer scripts, md5sums...) with their real sizes."""
        rows = []
        list_text = "".join(("/." if r[0] == "/" else r[0]) + "\n" for r in p.files)
        contents = {f"{INFO}/{p.info_name}.list": list_text}
        rows.append([f"{INFO}/{p.info_name}.list", "f", 0o644, 0, 0, len(list_text.encode()), None, 0])
        for member, meta in p.control_members.items():
            if member == "control":
                continue
            path = f"{INFO}/{p.info_name}.{member}"
            rows.append([path, "f", meta["mode"], 0, 0, meta["size"], None, 0])
            if "text" in meta and len(meta["text"].encode()) == meta["size"]:
                contents[path] = meta["text"]
        self.ops.add_rows(rows, f"{INFO}/{p.info_name}.*", contents=contents)

    # -- remove --------------------------------------------------------------------
    def _kept_directory(self, path: str) -> bool:
        """A package's directory dpkg never deletes: one a merged-/usr link stands at (/lib),
        or one of the base image's (its base packages list it too; their .list files are not data)."""
        st = self.ops.fs.peek_stat(path, follow=False)
        return st is not None and (st.type != "dir" or path in base_directories())

    def remove_packages(self, pkgs: list[Package], purge: bool) -> None:
        status = self.ops.read_text(STATUS) or ""
        names = {p.name for p in pkgs}
        for p in pkgs:
            self.out(f"{'Purging configuration files for' if purge else 'Removing'} {p.name} ({p.version}) ...\n")
            conffiles = set(p.control_members.get("conffiles", {}).get("text", "").split())
            paths = [r[0] for r in reversed(p.files) if (purge or r[0] not in conffiles)
                     and not (r[1] == "d" and self._kept_directory(r[0]))]
            paths += [r[0] for r in p.generated]
            self.ops.remove_paths(paths, f"{p.name} files")
            info = [f"{INFO}/{n}" for n in self.ops.listdir(INFO)
                    if n.startswith(p.info_name + ".")]
            if not purge and conffiles:
                info = [x for x in info if not x.endswith((".conffiles", ".postrm", ".list"))]
            self.ops.remove_paths(info, f"{INFO}/{p.info_name}.*")
        kept = []
        for stanza in status.split("\n\n"):
            head = stanza.split("\n", 1)[0]
            name = head.split(":", 1)[1].strip() if head.startswith("Package:") else None
            if name in names:
                p = self.tool.cat.get(name)
                has_conf = p and p.control_members.get("conffiles")
                if not purge and has_conf:
                    kept.append(stanza.replace("Status: install ok installed",
                                               "Status: deinstall ok config-files"))
                continue
            if stanza.strip():
                kept.append(stanza.strip("\n"))
        self.ops.write("/var/lib/dpkg/status-old", status)
        self.ops.write(STATUS, "\n\n".join(kept) + "\n")

    # -- queries ---------------------------------------------------------------------
    def list_installed(self) -> int:
        status = self.ops.read_text(STATUS) or ""
        self.ctx.out("Desired=Unknown/Install/Remove/Purge/Hold\n"
                     "| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n"
                     "|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n"
                     "||/ Name           Version      Architecture Description\n"
                     "+++-==============-============-============-=================================\n")
        for stanza in status.split("\n\n"):
            f = dict(line.split(": ", 1) for line in stanza.splitlines() if ": " in line and line[0] != " ")
            if "Package" in f:
                mark = "ii" if f.get("Status", "").endswith("installed") else "rc"
                self.ctx.out(f"{mark}  {f['Package']:<14} {f.get('Version', ''):<12} "
                             f"{f.get('Architecture', ''):<12} {f.get('Description', '')}\n")
        return 0

    def list_files(self, names: list[str]) -> int:
        for n in names:
            p = self.tool.cat.get(n)
            if p is None or n not in Installed.from_status(self.ops.read_text(STATUS) or "").names:
                self.ctx.err(f"dpkg-query: package '{n}' is not installed\n")
                return 1
            self.ctx.out("".join(("/." if r[0] == "/" else r[0]) + "\n" for r in p.files))
        return 0

    def show_status(self, names: list[str]) -> int:
        status = self.ops.read_text(STATUS) or ""
        for n in names:
            hit = [s for s in status.split("\n\n") if s.startswith(f"Package: {n}\n")]
            if not hit:
                self.ctx.err(f"dpkg-query: package '{n}' is not installed and no information is available\n")
                return 1
            self.ctx.out(hit[0].strip("\n") + "\n")
        return 0


def status_stanza(p: Package) -> str:
    """The package's control file with dpkg's Status line: what dpkg appends to status."""
    lines = p.control_text.rstrip("\n").split("\n")
    out = [lines[0], "Status: install ok installed"] + lines[1:]
    return "\n".join(out) + "\n\n"
