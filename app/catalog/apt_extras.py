"""apt-mark, dpkg-query, dpkg-architecture and dpkg's query options, over the image's own files.

Why these: Dockerfiles of official images lean on them to clean up after a
build (``savedAptMark="$(apt-mark showmanual)"``, ``apt-mark auto '.*'``,
``dpkg-query --search`` on what ``ldd`` printed, ``apt-get purge
--auto-remove``) and to pick downloads for the machine
(``dpkg --print-architecture``). They read and write the same files apt does:
/var/lib/dpkg/status, /var/lib/apt/extended_states, /var/lib/dpkg/info/*.list.
The simulated machine is amd64 (x86_64), as the catalog's packages are.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any

from debian.deb822 import Deb822
from debian.debian_support import Version

from .debian_packages import PLACEHOLDER_FIELD, DebianCatalog, Installed, Package, placeholder_package
from .package_files import PackageFiles

STATUS = "/var/lib/dpkg/status"
INFO = "/var/lib/dpkg/info"
EXTENDED = "/var/lib/apt/extended_states"
ARCH = "amd64"
# dpkg-architecture's answers on amd64 (DEB_BUILD_* = DEB_HOST_* = DEB_TARGET_*).
ARCH_VARS = {"ARCH": "amd64", "ARCH_ABI": "base", "ARCH_BITS": "64", "ARCH_CPU": "amd64",
             "ARCH_ENDIAN": "little", "ARCH_LIBC": "gnu", "ARCH_OS": "linux",
             "GNU_CPU": "x86_64", "GNU_SYSTEM": "linux-gnu", "GNU_TYPE": "x86_64-linux-gnu",
             "MULTIARCH": "x86_64-linux-gnu"}
OFFICIAL_MIRROR = re.compile(r"://([a-z0-9.-]+\.)?(debian\.org|ubuntu\.com)(/|$)")


def stanzas(status: str) -> list[Deb822]:
    return [p for p in Deb822.iter_paragraphs(status.splitlines()) if "Package" in p]


def lookup_installed(cat: DebianCatalog, status: str, name: str) -> Package | None:
    """An installed package by name: from the catalog, or a placeholder installed earlier."""
    name = name.split(":")[0]
    pkg = cat.get(name)
    if pkg is not None:
        return pkg
    for para in stanzas(status):
        if para["Package"] == name and PLACEHOLDER_FIELD in para:
            return placeholder_package(name, para[PLACEHOLDER_FIELD])
    return None


def source_uris(ops: PackageFiles) -> list[str]:
    """URIs of every repository in sources.list and sources.list.d (one-line and deb822)."""
    texts = [ops.read_text("/etc/apt/sources.list") or ""]
    texts += [ops.read_text(f"/etc/apt/sources.list.d/{n}") or ""
              for n in ops.listdir("/etc/apt/sources.list.d") if n.endswith((".list", ".sources"))]
    uris: list[str] = []
    for text in texts:
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith(("deb ", "deb-src ")):
                words = re.sub(r"\[[^]]*\]", "", line).split()
                if len(words) > 1:
                    uris.append(words[1])
            elif line.startswith("URIs:"):
                uris += line[5:].split()
    return uris


def auto_names(extended_states: str) -> set[str]:
    return {p["Package"] for p in Deb822.iter_paragraphs(extended_states.splitlines())
            if "Package" in p and p.get("Auto-Installed", "0").strip() == "1"}


def is_pattern(arg: str) -> bool:
    """apt treats an argument with regex characters as a regular expression over names."""
    return any(c in arg for c in ".?+*|[]^$") and not re.fullmatch(r"[a-z0-9][a-z0-9+.-]*", arg)


class AptMark:
    """apt-mark auto/manual/showmanual/showauto/hold/unhold over /var/lib/apt/extended_states."""

    def __init__(self, tool: Any, ctx: Any):
        self.tool, self.ctx = tool, ctx
        self.ops = PackageFiles(ctx)

    def run(self, args: list[str]) -> int:
        words = [a for a in args if not a.startswith("-")]
        if not words:
            self.ctx.err("E: No command given\n")  # apt-mark prints its usage too
            return 100
        sub, names = words[0], words[1:]
        installed = Installed.from_status(self.ops.read_text(STATUS) or "").names
        auto = auto_names(self.ops.read_text(EXTENDED) or "")
        if sub in ("showmanual", "showauto"):
            shown = installed - auto if sub == "showmanual" else installed & auto
            if names:
                shown = {n for n in shown if any(self.matches(a, n) for a in names)}
            self.ctx.out("".join(n + "\n" for n in sorted(shown)))
            return 0
        if sub in ("auto", "manual", "markauto", "unmarkauto"):
            to_auto = sub in ("auto", "markauto")
            chosen: set[str] = set()
            for arg in names:
                hits = {n for n in installed if self.matches(arg, n)}
                if not hits and not is_pattern(arg):
                    self.ctx.err(f"E: Unable to locate package {arg}\n")
                    return 100
                chosen |= hits
            for n in sorted(chosen):
                was = n in auto
                if was == to_auto:
                    kind = "automatically" if to_auto else "manually"
                    self.ctx.out(f"{n} was already set to {kind} installed.\n")
                else:
                    self.ctx.out(f"{n} set to {'automatically' if to_auto else 'manually'} installed.\n")
            new_auto = (auto | chosen) if to_auto else (auto - chosen)
            if new_auto != auto:
                self.write(new_auto & installed)
            return 0
        if sub in ("hold", "unhold", "showhold"):
            if sub != "showhold":
                for n in names:
                    self.ctx.out(f"{n} set on hold.\n" if sub == "hold" else f"Canceled hold on {n}.\n")
            self.ctx.not_simulated(f"apt-mark {sub}", "holds are not recorded by layerlab")
            return 0
        self.ctx.not_simulated(f"apt-mark {sub}", "layerlab simulates apt-mark auto, manual, "
                                                  "showauto, showmanual")
        return 0

    @staticmethod
    def matches(arg: str, name: str) -> bool:
        arg = arg.split(":")[0]
        if is_pattern(arg):
            return re.search(arg, name) is not None
        return arg == name

    def write(self, auto: set[str]) -> None:
        """apt rewrites extended_states whole (a copy-up of the image's file)."""
        text = "".join(f"Package: {n}\nArchitecture: {ARCH}\nAuto-Installed: 1\n\n" for n in sorted(auto))
        self.ops.write(EXTENDED, text)


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


def dpkg_query(tool: Any, ctx: Any, args: list[str]) -> int:
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
