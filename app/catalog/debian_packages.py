"""The Debian package catalog and apt's dependency resolution over it.

Why resolve here rather than replay apt's recorded answer: what apt installs
depends on what the image already has (a later RUN may install curl after
git brought libcurl in). The resolver reads the installed set from the
image's own /var/lib/dpkg/status and walks Pre-Depends/Depends (and
Recommends, unless --no-install-recommends) the way apt's default resolver
does for a fresh install: an alternative group is satisfied by anything
installed or being installed (by name or Provides), otherwise its first
alternative that exists is chosen. The catalog also keeps apt's own answer
for every requested package (``apt_closures``); the tests check that the
resolver agrees with it.

Versions are not compared: the catalog holds one version of each package,
the one the mirror had when it was generated.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from functools import cached_property

from debian.deb822 import Deb822, PkgRelation

from . import data_files

PACKAGES_DATA = "debian-bookworm-packages.json.gz"
# Packages added later without rebuilding the main file (tools/build_catalog_extras.py):
# read after it, and never in place of a package it has.
EXTRA_PACKAGES_DATA = "debian-bookworm-extra-packages.json.gz"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    architecture: str
    installed_size_kib: int
    multi_arch: str
    control_text: str  # the .deb's control file, as dpkg copies it into status
    files: list  # rows [path, kind, mode, uid, gid, size, target, mtime]
    control_members: dict  # preinst/postinst/md5sums/conffiles... -> {size, mode[, text]}
    deb_name: str
    deb_size: int
    generated: list  # files maintainer scripts made in a real install [path, kind, mode, size, target]
    contents: dict = field(default_factory=dict)  # texts of some of ``files`` (placeholders)
    placeholder: bool = False  # exists in the distribution, not in the catalog (see placeholder_package)

    @cached_property
    def fields(self) -> Deb822:
        """The control file parsed, once per package (a build resolves hundreds; the catalog lives as long as
        the process). Read only: callers never change it."""
        return Deb822(self.control_text)

    @property
    def info_name(self) -> str:
        """Name of its files in /var/lib/dpkg/info: ``pkg`` or ``pkg:amd64`` (Multi-Arch: same)."""
        return f"{self.name}:{self.architecture}" if self.multi_arch == "same" else self.name

    def relations(self, field: str) -> list[list[dict]]:
        value = self.fields.get(field, "")
        return PkgRelation.parse_relations(value) if value else []

    @property
    def provides(self) -> list[str]:
        return [alt["name"] for group in self.relations("Provides") for alt in group]

    @property
    def description(self) -> str:
        return self.fields.get("Description", "").split("\n")[0]


class DebianCatalog:
    """All packages the catalog knows, by name, with a Provides index."""

    def __init__(self, data: dict, extras: dict | None = None):
        self.meta = data["meta"]
        self.requested: list[str] = data["requested"]
        self.apt_closures: dict = data["apt_closures"]
        self.packages: dict[str, Package] = {}
        self._add(data)
        # apt's answers for the extra file's install lines, keyed by the line
        self.extra_closures: dict = (extras or {}).get("apt_closures", {})
        if extras:
            self._add(extras)
        self.providers: dict[str, list[str]] = {}
        for pkg in self.packages.values():
            for virtual in pkg.provides:
                self.providers.setdefault(virtual, []).append(pkg.name)

    def _add(self, data: dict) -> None:
        """The packages of one data file; a name already known is kept as it is."""
        generated = data.get("generated_files", {})
        for name, p in data["packages"].items():
            if name in self.packages:
                continue
            f = p["fields"]
            self.packages[name] = Package(
                name=name, version=f.get("Version", ""), architecture=f.get("Architecture", "all"),
                installed_size_kib=int(f.get("Installed-Size", "0") or 0),
                multi_arch=f.get("Multi-Arch", ""), control_text=p["control_text"],
                files=p["files"], control_members=p["control_members"],
                deb_name=p["deb_name"], deb_size=p["deb_size"], generated=generated.get(name, []),
            )

    def get(self, name: str) -> Package | None:
        return self.packages.get(name.split(":")[0])


PLACEHOLDER_FIELD = "X-Layerlab-Placeholder"
PLACEHOLDER_VERSION = "0~layerlab.placeholder"


def placeholder_package(name: str, origin: str) -> Package:
    """A package that exists (``origin``: "Debian trixie", a third-party repository) but whose
    files the catalog does not carry: what installing it leaves is only what dpkg itself
    always writes (its status stanza, its info files) and its copyright file, which every
    Debian package ships (and which even -slim images keep). The status stanza carries
    ``X-Layerlab-Placeholder`` so later commands (remove, autoremove) know it again.
    """
    doc = f"/usr/share/doc/{name}"
    copyright_text = (f"{name}: placeholder installed by layerlab.\n\nThis package exists in {origin}, "
                      "but layerlab's catalog does not carry its files: the real package installs\n"
                      "more files than this one, of sizes layerlab does not know.\n")
    files = [[d, "d", 0o755, 0, 0, 0, None, 0] for d in ("/", "/usr", "/usr/share", "/usr/share/doc", doc)]
    files.append([f"{doc}/copyright", "f", 0o644, 0, 0, len(copyright_text.encode()), None, 0])
    md5 = f"{'0' * 32}  usr/share/doc/{name}/copyright\n"
    control = (f"Package: {name}\nPriority: optional\nSection: misc\nInstalled-Size: 4\n"
               f"Maintainer: unknown (not in layerlab's catalog)\nArchitecture: amd64\n"
               f"Version: {PLACEHOLDER_VERSION}\n{PLACEHOLDER_FIELD}: {origin}\n"
               f"Description: {name} (placeholder: not in layerlab's catalog)\n")
    return Package(
        name=name, version=PLACEHOLDER_VERSION, architecture="amd64", installed_size_kib=4,
        multi_arch="", control_text=control, files=files,
        control_members={"md5sums": {"size": len(md5), "mode": 0o644, "text": md5}},
        deb_name=f"{name}_{PLACEHOLDER_VERSION}_amd64.deb", deb_size=1024, generated=[],
        contents={f"{doc}/copyright": copyright_text}, placeholder=True,
    )


@functools.cache
def catalog() -> DebianCatalog:
    extras = data_files.load(EXTRA_PACKAGES_DATA) if data_files.exists(EXTRA_PACKAGES_DATA) else None
    return DebianCatalog(data_files.load(PACKAGES_DATA), extras)


@dataclass
class Installed:
    """What /var/lib/dpkg/status says is installed: names and what they provide."""

    names: set[str]
    provided: set[str]

    @classmethod
    def from_status(cls, text: str) -> "Installed":
        names, provided = set(), set()
        for para in Deb822.iter_paragraphs(text.splitlines()):
            if "install ok installed" not in para.get("Status", ""):
                continue
            names.add(para["Package"])
            for group in PkgRelation.parse_relations(para.get("Provides", "")) if "Provides" in para else []:
                for alt in group:
                    provided.add(alt["name"])
        return cls(names, provided)

    def has(self, name: str) -> bool:
        return name in self.names or name in self.provided


class Unresolvable(Exception):
    """A dependency no catalog package satisfies (apt would say "unmet dependencies")."""


def resolve(requested: list[str], installed: Installed, cat: DebianCatalog,
            recommends: bool = True) -> list[Package]:
    """Packages to install, in dependency order (dependencies first), as apt picks them."""
    chosen: dict[str, Package] = {}
    order: list[Package] = []
    provided: set[str] = set()

    def satisfied(name: str) -> bool:
        return installed.has(name) or name in chosen or name in provided

    def pick(group: list[dict]) -> Package | None:
        for alt in group:
            if (pkg := cat.get(alt["name"])) is not None:
                return pkg
        for alt in group:
            for prov in cat.providers.get(alt["name"], []):
                return cat.packages[prov]
        return None

    def visit(pkg: Package, stack: tuple[str, ...]) -> None:
        if pkg.name in chosen:
            return
        chosen[pkg.name] = pkg
        provided.update(pkg.provides)
        fields = ["Pre-Depends", "Depends"] + (["Recommends"] if recommends else [])
        for field in fields:
            for group in pkg.relations(field):
                if any(satisfied(alt["name"]) for alt in group):
                    continue
                dep = pick(group)
                if dep is None:
                    if field == "Recommends":
                        continue
                    names = " | ".join(a["name"] for a in group)
                    raise Unresolvable(f"{pkg.name} : {field}: {names} but it is not installable")
                visit(dep, stack + (pkg.name,))
        order.append(pkg)

    for name in requested:
        if installed.names.__contains__(name):
            continue
        pkg = cat.get(name)
        if pkg is None:
            raise KeyError(name)
        visit(pkg, ())
    return order
