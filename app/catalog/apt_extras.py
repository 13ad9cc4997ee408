"""apt-mark, apt-cache and apt's sources, over the image's own files (dpkg's tools are in dpkg.py).

Why these: Dockerfiles of official images lean on them to clean up after a
build (``savedAptMark="$(apt-mark showmanual)"``, ``apt-mark auto '.*'``,
``dpkg-query --search`` on what ``ldd`` printed, ``apt-get purge
--auto-remove``) and to pick downloads for the machine
(``dpkg --print-architecture``). They read and write the same files apt does:
/var/lib/dpkg/status, /var/lib/apt/extended_states, /var/lib/dpkg/info/*.list.
The simulated machine is amd64 (x86_64), as the catalog's packages are.
"""

from __future__ import annotations

import re
from typing import Any

from debian.deb822 import Deb822

from .debian_packages import Installed
from .dpkg import ARCH, STATUS
from .package_files import PackageFiles

EXTENDED = "/var/lib/apt/extended_states"
OFFICIAL_MIRROR = re.compile(r"://([a-z0-9.-]+\.)?(debian\.org|ubuntu\.com)(/|$)")


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


def apt_cache(session: Any, sub: str) -> int:
    """apt-cache show/policy/search over the catalog (needs lists, as the real one does)."""
    installed = session.installed()
    lists = session.has_lists()
    if sub == "search":
        words = [w.lower() for w in session.opts.args]
        if lists:
            for name in sorted(session.cat.packages):
                pkg = session.cat.packages[name]
                text = f"{name} {pkg.description}".lower()
                if all(w in text for w in words):
                    session.ctx.out(f"{name} - {pkg.description}\n")
        return 0
    for name in session.opts.args:
        pkg = session.cat.get(name) if lists else None
        if sub == "policy":
            have = "(none)" if name not in installed.names else (pkg.version if pkg else "installed")
            cand = pkg.version if pkg else "(none)"
            session.ctx.out(f"{name}:\n  Installed: {have}\n  Candidate: {cand}\n")
        elif sub == "show":
            if pkg is None:
                session.ctx.err("E: No packages found\n")
                return 100
            session.ctx.out(pkg.control_text.rstrip("\n") + "\n\n")
        else:
            session.ctx.not_simulated(f"apt-cache {sub}", "layerlab simulates apt-cache show, policy, search")
            return 0
    return 0
