"""npm and node from real npm data: ``npm install``, ``npm ci``, ``--omit=dev``, ``-g``, the cache.

The files npm writes and their sizes come from the real tarballs on the npm
registry (data/npm-packages.json.gz, tools/build_npm_catalog.py: each version's
lock entry and its tarball's file list); where they go is npm's layout
(npm_tree.py). npm exists only where node is installed: in the node images
(/usr/local/bin/npm) or wherever a later step put it; elsewhere ``npm`` and
``node`` are the shell's "not found". A package the data lacks installs as a
flagged placeholder (``ctx.not_simulated``), a version that was never published
fails with npm's ETARGET, and ``node app.js`` is not simulated (layerlab never
runs JavaScript).

Beside node_modules npm writes: package.json and package-lock.json (install),
node_modules/.package-lock.json (its hidden lockfile), node_modules/.bin links,
and the cache: each tarball under /root/.npm/_cacache/content-v2/sha512 (path
from its integrity, size the tarball's) with its index-v5 entry. Not written:
the cached registry documents (packuments) of ``npm install`` and the
_logs/ debug log, whose sizes the data does not have.
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
from typing import Any

from . import data_files, npm_tree
from .npm_tree import NpmError, Placed, Tree
from .package_files import PackageFiles

PLACEHOLDER_SIZE = 50_000  # a stand-in package's bytes: a guess, and flagged as one
CACHE = "/root/.npm/_cacache"
NO_LOCK = ("npm error code EUSAGE\nnpm error\nnpm error The `npm ci` command can only install with an existing "
           "package-lock.json or\nnpm error npm-shrinkwrap.json with lockfileVersion >= 1. Run an install with "
           "npm@5 or\nnpm error later to generate a package-lock.json file, then try again.\n")
OUT_OF_SYNC = ("npm error code EUSAGE\nnpm error\nnpm error `npm ci` can only install packages when your "
               "package.json and package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock "
               "file with `npm install` before continuing.\nnpm error\nnpm error Missing: {name} from lock file\n")
FORCE = ("npm error code EUSAGE\nnpm error As of npm@5, the npm cache self-heals from corruption issues\n"
         "npm error by treating integrity mismatches as cache misses.  As a result,\nnpm error data extracted "
         "from the cache is guaranteed to be valid.  If you want to make sure\nnpm error everything is "
         "consistent, use `npm cache verify` instead.  Deleting the cache can only\nnpm error make npm go "
         "slower, and is not likely to prevent corruption issues.\nnpm error\nnpm error On the other hand, if "
         "you're debugging an issue with the installer, or race conditions\nnpm error that depend on the "
         "timing of writing to an empty cache, you can use\nnpm error `npm install --cache /tmp/empty-cache` "
         "to use a temporary cache instead of nuking the actual one.\nnpm error\nnpm error If you're sure you "
         "want to delete the entire cache, rerun this command with --force.\n")
VALUE_OPTIONS = {"--omit", "--include", "--loglevel", "--registry", "--cache", "--prefix", "-C", "--workspace", "-w"}
LOCK_KEYS = ("version", "resolved", "integrity", "dev", "optional", "license", "dependencies",
             "optionalDependencies", "peerDependencies", "peerDependenciesMeta", "bin", "engines", "os", "cpu",
             "funding", "hasInstallScript")


def node_versions(env: dict) -> tuple[str, str] | None:
    """(node, npm) versions of the official node image this is (its ENV NODE_VERSION), if any."""
    version = env.get("NODE_VERSION", "")
    if not data_files.exists("node-images.json.gz"):
        return None
    for image in data_files.load("node-images.json.gz")["images"].values():
        if image["node_version"] == version:
            return version, image["npm_version"]
    return None


class NpmTool:
    """npm, npx and node where node is installed."""

    commands = frozenset({"npm", "npx", "node", "nodejs"})

    def run(self, argv: list[str], ctx: Any) -> int:
        ops = PackageFiles(ctx)
        prog = posixpath.basename(argv[0])
        if not _present(ops, argv[0]):
            if _placeholder_node(ops):
                ctx.not_simulated(" ".join(argv), "node or npm was installed as a placeholder package: "
                                  "layerlab has no files for it, so this command is not simulated")
                return 0
            ctx.err(f"sh: 1: {prog}: not found\n")
            return 127
        versions = node_versions(ctx.env)
        if prog in ("node", "nodejs"):
            if argv[1:] in (["-v"], ["--version"]) and versions:
                ctx.out(f"v{versions[0]}\n")
                return 0
            ctx.not_simulated(" ".join(argv), "`node` runs a JavaScript program; layerlab never runs code, so "
                              "the layer shows only what the other commands did")
            return 0
        if prog == "npx":
            ctx.not_simulated(" ".join(argv), "`npx` runs a package's program; layerlab never runs code")
            return 0
        return self._npm(argv[1:], ctx, ops, versions)

    def _npm(self, args: list[str], ctx: Any, ops: PackageFiles, versions: tuple[str, str] | None) -> int:
        flags, values, words = _parse(args)
        if ({"-v", "--version"} & flags or words == ["-v"]) and versions:
            ctx.out(f"{versions[1]}\n")
            return 0
        command = words[0] if words else ""
        try:
            if command in ("install", "i", "add", "in", "isntall"):
                return install(ctx, ops, words[1:], flags, values)
            if command in ("ci", "clean-install"):
                return clean_install(ctx, ops, flags, values)
            if command == "cache" and words[1:2] == ["clean"]:
                if "--force" not in flags and "-f" not in flags:
                    ctx.err(FORCE)
                    return 1
                ops.remove_tree(CACHE)
                return 0
        except NpmError as exc:
            ctx.err(str(exc))
            return 1
        ctx.not_simulated(" ".join(["npm", *args]), "layerlab simulates npm install, npm ci and npm cache "
                          "clean; this npm command runs scripts or asks the registry")
        return 0


def _present(ops: PackageFiles, prog: str) -> bool:
    if "/" in prog:
        return ops.exists(prog)
    return any(ops.exists(f"{d}/{prog}") for d in ("/usr/local/bin", "/usr/bin", "/bin"))


def _placeholder_node(ops: PackageFiles) -> bool:
    """nodejs or npm in the package database without its files (apt's or apk's placeholder)."""
    dpkg = ops.read_text("/var/lib/dpkg/status") or ""
    apk = ops.read_text("/lib/apk/db/installed") or ""
    return any(f"Package: {n}\n" in dpkg for n in ("nodejs", "npm")) or \
        any(f"P:{n}\n" in apk for n in ("nodejs", "npm"))


def _parse(args: list[str]) -> tuple[set[str], dict[str, list[str]], list[str]]:
    flags: set[str] = set()
    values: dict[str, list[str]] = {}
    words: list[str] = []
    k = 0
    while k < len(args):
        name, eq, value = args[k].partition("=")
        if name in VALUE_OPTIONS:
            if not eq:
                k += 1
                value = args[k] if k < len(args) else ""
            values.setdefault(name, []).append(value)
        elif name.startswith("-"):
            flags.add(name)
        else:
            words.append(args[k])
        k += 1
    return flags, values, words


def _omit_dev(ctx: Any, flags: set[str], values: dict[str, list[str]]) -> bool:
    omitted = {o for v in values.get("--omit", []) for o in v.split(",")}
    return "dev" in omitted or "--production" in flags or ctx.env.get("NODE_ENV") == "production" \
        and "dev" not in values.get("--include", [])


def _read_json(ops: PackageFiles, path: str) -> dict | None:
    text = ops.read_text(path)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise NpmError(f"npm error code EJSONPARSE\nnpm error JSON.parse Invalid package.json: {exc}\n") from exc
    return data if isinstance(data, dict) else {}


# -- npm ci -------------------------------------------------------------------------------------
def clean_install(ctx: Any, ops: PackageFiles, flags: set[str], values: dict[str, list[str]]) -> int:
    """``npm ci``: the lockfile's tree exactly, after deleting node_modules."""
    root = ctx.cwd
    lock = _read_json(ops, f"{root}/package-lock.json") or _read_json(ops, f"{root}/npm-shrinkwrap.json")
    if lock is None:
        ctx.err(NO_LOCK)
        return 1
    manifest = _read_json(ops, f"{root}/package.json") or {}
    locked = lock.get("packages", {}).get("", {})
    for key in ("dependencies", "devDependencies"):
        for name in manifest.get(key, {}):
            if name not in locked.get(key, {}):
                ctx.err(OUT_OF_SYNC.format(name=name))
                return 1
    ops.remove_tree(f"{root}/node_modules")
    tree = npm_tree.from_lock(lock, _omit_dev(ctx, flags, values))
    write_tree(ctx, ops, root, tree, manifest, "--no-cache" not in flags)
    return 0


# -- npm install --------------------------------------------------------------------------------
def install(ctx: Any, ops: PackageFiles, specs: list[str], flags: set[str], values: dict[str, list[str]]) -> int:
    if "-g" in flags or "--global" in flags:
        return install_global(ctx, ops, specs)
    root = ctx.cwd
    manifest = _read_json(ops, f"{root}/package.json")
    lock = _read_json(ops, f"{root}/package-lock.json")
    omit_dev = _omit_dev(ctx, flags, values)
    dev_save = bool({"-D", "--save-dev"} & flags)
    if manifest is None:
        manifest = {}
    if not specs and lock is not None and _lock_matches(manifest, lock):
        tree = npm_tree.from_lock(lock, omit_dev)
    else:
        roots = [(n, w, False) for n, w in manifest.get("dependencies", {}).items()]
        roots += [(n, w, True) for n, w in manifest.get("devDependencies", {}).items()]
        added = [npm_tree.split_spec(s) for s in specs]
        roots = [r for r in roots if r[0] not in {n for n, _ in added}] + [(n, w, dev_save) for n, w in added]
        tree = npm_tree.resolve(roots)
        for name, _ in added:
            placed = tree.placed.get(f"node_modules/{name}")
            if placed is not None and "--no-save" not in flags:
                key = "devDependencies" if dev_save else "dependencies"
                manifest.setdefault(key, {})[name] = f"^{placed.version}"
        if "--no-save" not in flags and (specs or not ops.exists(f"{root}/package-lock.json")):
            ops.write(f"{root}/package.json", json.dumps(manifest, indent=2) + "\n")
            ops.write(f"{root}/package-lock.json", lockfile_text(manifest, tree, with_root=True))
        if omit_dev:  # the lockfile has the whole tree; node_modules leaves the dev part out
            tree = Tree({loc: p for loc, p in tree.placed.items() if not p.dev})
    write_tree(ctx, ops, root, tree, manifest, True)
    return 0


def _lock_matches(manifest: dict, lock: dict) -> bool:
    locked = lock.get("packages", {}).get("", {})
    return all(manifest.get(k, {}) == locked.get(k, {}) for k in ("dependencies", "devDependencies"))


def install_global(ctx: Any, ops: PackageFiles, specs: list[str]) -> int:
    """``npm install -g NAME``: each package its own tree in /usr/local/lib/node_modules, bins in /usr/local/bin."""
    count = 0
    for spec in specs:
        name, wanted = npm_tree.split_spec(spec)
        tree = npm_tree.resolve([(name, wanted, False)])
        top = tree.placed.pop(f"node_modules/{name}")
        nested = Tree({f"node_modules/{name}/{loc}": Placed(f"node_modules/{name}/{loc}", p.name, p.version,
                                                           p.entry, p.dev, p.why)
                       for loc, p in tree.placed.items()})
        nested.placed[f"node_modules/{name}"] = Placed(f"node_modules/{name}", top.name, top.version, top.entry,
                                                       False, top.why)
        count += write_tree(ctx, ops, "/usr/local/lib", nested, {}, True, quiet=True)
        for command, target in ((top.entry or {}).get("bin") or {}).items():
            link = f"/usr/local/bin/{command}"
            ops.unlink(link)
            ops.fs.symlink(posixpath.normpath(f"../lib/node_modules/{name}/{target}"), link)
    ctx.out(f"\nadded {count} package{'s' if count != 1 else ''} in 1s\n")
    return 0


# -- writing the tree --------------------------------------------------------------------------
def write_tree(ctx: Any, ops: PackageFiles, root: str, tree: Tree, manifest: dict, cache: bool,
               quiet: bool = False) -> int:
    """Every placed package's files under ``root``, its .bin links, the hidden lockfile, the cache."""
    added = 0
    for location in sorted(tree.placed):
        placed = tree.placed[location]
        folder = f"{root}/{location}"
        if ops.exists(f"{folder}/package.json"):
            continue
        added += 1
        if placed.entry is None or "files" not in placed.entry:
            _placeholder(ctx, ops, folder, placed)
            continue
        entry = placed.entry
        bins = {posixpath.normpath(t) for t in (entry.get("bin") or {}).values()}
        rows = [[f"{folder}/{f[0]}", "f", 0o755 if len(f) > 2 or f[0] in bins else 0o644, 0, 0, f[1], None, 0]
                for f in entry["files"]]
        ops.add_rows(rows, f"npm {placed.name}@{placed.version} (files of its tarball)", make_parents=True)
        for command, target in (entry.get("bin") or {}).items():
            link = f"{root}/{placed.parent}/node_modules/.bin/{command}".replace("//", "/")
            if not ops.exists(link):
                ops.mkdirs(posixpath.dirname(link))
                ops.fs.symlink(posixpath.normpath(f"../{placed.name}/{target}"), link)
        if cache and entry.get("integrity", "").startswith("sha512-"):
            _cache(ops, placed)
    if tree.placed and not quiet:
        ops.write(f"{root}/node_modules/.package-lock.json", lockfile_text(manifest, tree, with_root=False))
    if not quiet:
        ctx.out(f"\nadded {added} package{'s' if added != 1 else ''} in 1s\n" if added else "\nup to date in 1s\n")
    return added


def _placeholder(ctx: Any, ops: PackageFiles, folder: str, placed: Placed) -> None:
    ctx.not_simulated(f"npm install {placed.name}", f"{placed.why}: a placeholder of {PLACEHOLDER_SIZE} bytes "
                      "stands in for its files")
    manifest = json.dumps({"name": placed.name, "version": placed.version}, indent=2) + "\n"
    ops.write(f"{folder}/package.json", manifest)
    ops.add_sized(f"{folder}/index.js", PLACEHOLDER_SIZE)


def _cache(ops: PackageFiles, placed: Placed) -> None:
    """The tarball in cacache's content store (path from its sha512) and its index entry."""
    entry = placed.entry
    digest = base64.b64decode(entry["integrity"][len("sha512-"):]).hex()
    content = f"{CACHE}/content-v2/sha512/{digest[:2]}/{digest[2:4]}/{digest[4:]}"
    if ops.exists(content):
        return
    ops.add_sized(content, int(entry.get("tarball_size", 0)))
    url = entry.get("resolved", "")
    key = f"make-fetch-happen:request-cache:{url}"
    record = json.dumps({"key": key, "integrity": entry["integrity"], "time": 0, "size": entry.get("tarball_size", 0),
                         "metadata": {"time": 0, "url": url, "reqHeaders": {}, "resHeaders": {
                             "content-type": "application/octet-stream"}, "options": {"compress": True}}},
                        separators=(",", ":"))
    bucket = hashlib.sha256(key.encode()).hexdigest()
    line = f"\n{hashlib.sha1(record.encode()).hexdigest()}\t{record}"
    ops.write(f"{CACHE}/index-v5/{bucket[:2]}/{bucket[2:4]}/{bucket[4:]}", line)


def lockfile_text(manifest: dict, tree: Tree, with_root: bool) -> str:
    """package-lock.json (``with_root``) or node_modules/.package-lock.json, lockfileVersion 3."""
    packages: dict[str, dict] = {}
    if with_root:
        packages[""] = {k: manifest[k] for k in ("name", "version", "dependencies", "devDependencies")
                        if k in manifest}
    for location in sorted(tree.placed):
        placed = tree.placed[location]
        entry = dict(placed.entry or {"version": placed.version})
        if placed.dev:
            entry["dev"] = True
        packages[location] = {k: entry[k] for k in LOCK_KEYS if k in entry}
    head = {k: manifest[k] for k in ("name", "version") if k in manifest}
    return json.dumps({**head, "lockfileVersion": 3, "requires": True, "packages": packages}, indent=2) + "\n"
