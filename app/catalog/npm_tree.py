"""Which package versions ``npm install`` puts where in node_modules, from real npm data.

Why its own module: the placement is the part of npm that decides the layer's
paths. It follows npm's (arborist's) rule in its plain form: dependencies are
visited breadth first, each name in order; a version already visible from the
dependent (its own node_modules, then each one above) that satisfies the range
is reused; otherwise the newest version the data has that satisfies it (the
``latest`` tag first, as npm picks) is placed as high as it can go without
hiding a different version of the same name. ``npm ci`` needs none of this: it
installs the lockfile's layout as it is (``from_lock``).

The data (data/npm-packages.json.gz, tools/build_npm_catalog.py) holds every
version a real install of the course's packages chose, with its lock entry and
its tarball's file list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import nodesemver

from . import data_files

DATA = "npm-packages.json.gz"
PLATFORM = {"os": "linux", "cpu": "x64"}
# validate-npm-package-name's rules for a name npm will look up at all.
VALID_NAME = re.compile(r"^(@[a-z0-9][a-z0-9._~-]*/)?[a-zA-Z0-9][a-zA-Z0-9._~-]*$")


def catalog() -> dict:
    return data_files.load(DATA)


@dataclass
class Placed:
    """One package in the tree: where it is, which version, and its lock entry (None: a placeholder)."""

    location: str  # "node_modules/a" or "node_modules/a/node_modules/b"
    name: str
    version: str
    entry: dict | None
    dev: bool = False
    why: str = ""

    @property
    def parent(self) -> str:
        """The folder whose node_modules holds it ("" for the project itself)."""
        return self.location.rsplit("/node_modules/", 1)[0] if "/node_modules/" in self.location else ""


@dataclass
class Tree:
    placed: dict[str, Placed] = field(default_factory=dict)  # location -> package

    def visible(self, start: str, name: str) -> Placed | None:
        """What ``require(name)`` finds from the folder ``start`` (node's lookup, upwards)."""
        folder = start
        while True:
            hit = self.placed.get(f"{folder}/node_modules/{name}".lstrip("/"))
            if hit is not None or not folder:
                return hit
            folder = folder.rsplit("/node_modules/", 1)[0] if "/node_modules/" in folder else ""


class NpmError(Exception):
    """npm's own failure text (``npm error code ETARGET`` ...), exit status 1."""


def split_spec(spec: str) -> tuple[str, str]:
    """``express@^5`` -> ("express", "^5"); ``@types/node`` -> ("@types/node", "*")."""
    at = spec.find("@", 1)
    return (spec, "*") if at < 0 else (spec[:at], spec[at + 1:] or "*")


def platform_ok(entry: dict) -> bool:
    """An optional package for another system (fsevents on macOS) is skipped, as npm skips it."""
    for key, mine in PLATFORM.items():
        wanted = entry.get(key) or []
        allowed = [w for w in wanted if not w.startswith("!")]
        if f"!{mine}" in wanted or (allowed and mine not in allowed):
            return False
    return True


def choose(name: str, wanted: str) -> tuple[str, dict | None, str]:
    """(version, lock entry or None, why it is a placeholder) for ``name@wanted``, or NpmError."""
    package = catalog()["packages"].get(name)
    if package is None:
        absent = catalog()["absent"].get(name)
        if absent:
            raise NpmError(absent)
        if not VALID_NAME.match(name) or len(name) > 214:
            raise NpmError(f"npm error code EINVALIDPACKAGENAME\nnpm error Invalid package name \"{name}\" "
                           f"of package \"{name}@{wanted}\": name can only contain URL-friendly characters.\n")
        return (wanted if nodesemver.valid(wanted, False) else "0.0.0"), None, (
            "not in layerlab's npm data (layerlab cannot ask the registry whether it exists)")
    versions = package["catalog"]
    wanted = package.get("dist_tags", {}).get(wanted, wanted)
    latest = package.get("dist_tags", {}).get("latest")
    if latest in versions and nodesemver.satisfies(latest, wanted, False):
        return latest, versions[latest], ""
    best = nodesemver.max_satisfying(list(versions), wanted, False)
    if best is not None:
        return best, versions[best], ""
    published = package.get("published")
    if published is not None and nodesemver.max_satisfying(published, wanted, False) is None:
        raise NpmError(f"npm error code ETARGET\nnpm error notarget No matching version found for {name}@{wanted}.\n"
                       "npm error notarget In most cases you or one of your dependencies are requesting\n"
                       "npm error notarget a package version that doesn't exist.\n")
    version = nodesemver.max_satisfying(published or [], wanted, False) or "0.0.0"
    return version, None, f"{name}@{version} is not in layerlab's npm data"


def dependencies(entry: dict | None) -> list[tuple[str, str]]:
    """The edges npm follows from a package: dependencies, optional ones, required peers."""
    if entry is None:
        return []
    deps = dict(entry.get("dependencies", {}))
    deps.update(entry.get("optionalDependencies", {}))
    meta = entry.get("peerDependenciesMeta", {})
    for name, wanted in entry.get("peerDependencies", {}).items():
        if not meta.get(name, {}).get("optional"):
            deps.setdefault(name, wanted)
    return sorted(deps.items())


def resolve(root_deps: list[tuple[str, str, bool]], tree: Tree | None = None) -> Tree:
    """Place ``[(name, range, dev)]`` and everything they need; raises NpmError as npm fails.

    As arborist's queue: the package whose dependencies come next is the shallowest in the
    folder tree, then the first by path; each one's dependencies in name order.
    """
    tree = tree or Tree()
    pending: dict[str, list[tuple[str, str, bool]]] = {"": sorted(root_deps)}
    while pending:
        folder = min(pending, key=lambda loc: (loc.count("node_modules/"), loc))
        for name, wanted, dev in pending.pop(folder):
            found = tree.visible(folder, name)
            real_name, real_wanted = _alias(name, wanted)
            if found is not None and (found.entry is None or nodesemver.satisfies(found.version, real_wanted, False)):
                found.dev = found.dev and dev
                continue
            version, entry, why = choose(real_name, real_wanted)
            if entry is not None and not platform_ok(entry):
                continue
            location = _place(tree, folder, name, version)
            tree.placed[location] = Placed(location, real_name, version, entry, dev, why)
            if entry is not None:
                pending[location] = [(n, w, dev) for n, w in dependencies(entry)]
    return tree


def _alias(name: str, wanted: str) -> tuple[str, str]:
    """``"string-width-cjs": "npm:string-width@^4.2.0"`` installs string-width under the alias."""
    if wanted.startswith("npm:"):
        return split_spec(wanted[4:])
    return name, wanted


def _place(tree: Tree, folder: str, name: str, version: str) -> str:
    """The highest node_modules from ``folder`` up where ``name`` hides no other version, and
    where the package owning that node_modules does not itself need another version of it."""
    target, level = folder, folder
    while True:
        if f"{level}/node_modules/{name}".lstrip("/") in tree.placed:
            break
        owner = tree.placed.get(level)
        wanted = dict(dependencies(owner.entry)).get(name) if owner is not None else None
        if level != folder and wanted and not nodesemver.satisfies(version, _alias(name, wanted)[1], False):
            break
        target = level
        if not level:
            break
        level = level.rsplit("/node_modules/", 1)[0] if "/node_modules/" in level else ""
    return f"{target}/node_modules/{name}".lstrip("/")


def from_lock(lock: dict, omit_dev: bool) -> Tree:
    """The layout a package-lock.json (lockfileVersion 2 or 3) records, as ``npm ci`` installs it."""
    tree = Tree()
    for location, recorded in lock.get("packages", {}).items():
        if not location or recorded.get("link") or (omit_dev and recorded.get("dev")):
            continue
        if recorded.get("optional") and not platform_ok(recorded):
            continue
        name = recorded.get("name") or location.rsplit("node_modules/", 1)[-1]
        version = recorded.get("version", "0.0.0")
        entry = catalog()["packages"].get(name, {}).get("catalog", {}).get(version)
        why = "" if entry else f"{name}@{version} is not in layerlab's npm data"
        tree.placed[location] = Placed(location, name, version, entry and {**entry, **recorded},
                                       bool(recorded.get("dev")), why)
    return tree
