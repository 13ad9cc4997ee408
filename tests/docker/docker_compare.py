"""Both sides of the Docker differential test, in one shape, and their differences.

Docker's side is read from what the daemon hands out: ``docker save`` (each
layer's tar, the config's history) and ``docker export`` of a created or run
container, plus ``docker diff``. The simulator's side is what ``layerlab build
--json`` prints (app.build.build on the context as ``layerlab build`` reads it,
then app.engine.changeset), and a lesson's ``run:``/``exec:`` steps played by
the lesson player. Both become, per history entry, ``{created_by, empty_layer,
entries}`` with entries ``{path, type, mode, size, target, opaque, sha256}``.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import tarfile
import tempfile
from pathlib import Path

# What is not compared, and why.
NOT_COMPARED = {
    "mtime": "the simulator has no clock: every time stamp is a fixed one",
    "uid/gid": "the simulator models owners for --chown and RUN only, and layerlab build --json does not print them",
    "symlink size": "a tar stores 0 for a symlink; the simulator counts its target's length as stat does",
    "the base image's entry in the history": "docker import writes 'Imported from -'; the catalog 'FROM busybox:1.36'",
    "/bin/busybox's size and bytes": "the base is the catalog's tree with Debian's busybox binary in it; "
                                     "the catalog records busybox:1.36.1's size",
    "sha256 of files whose bytes the simulator does not know": "placeholders of the catalog's base carry a size only",
    "BuildKit 0.8's mount stubs in a RUN's layer": "docker.io 20.10's BuildKit leaves the mount points it "
                                                   "made for a RUN (/proc, /sys, /dev when the base lacks them, "
                                                   "and /etc, touched for hosts and resolv.conf) in the layer as "
                                                   "directories; newer BuildKit removes them. Only these "
                                                   "directories, only when the simulator's layer lacks them",
    "the owner of files COPY --from copies": "BuildKit keeps the source's uid/gid; the simulator gives 0:0 "
                                             "(uid/gid are not compared, see above)",
    "COPY --link, --parents, --exclude": "docker.io 20.10's BuildKit 0.8 refuses them (Unknown flag); the "
                                         "simulator copies as without --link, and ignores --parents/--exclude",
    "symbolic --chmod (u+x)": "BuildKit 0.8 accepts it and leaves the modes alone, as the simulator does; "
                              "newer BuildKit applies it",
    "what docker's container init layer adds": "/.dockerenv, /dev, /proc, /sys, /etc/hostname, /etc/hosts, "
                                               "/etc/resolv.conf, /etc/mtab are mount points docker makes for any "
                                               "container; the simulator's containers have none",
}
INIT_LAYER_PATHS = ("/.dockerenv", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/etc/mtab")
INIT_LAYER_TREES = ("/dev", "/proc", "/sys")
BASE_BINARY = "/bin/busybox"


def _from_init_layer(path: str) -> bool:
    return path in INIT_LAYER_PATHS or any(path == t or path.startswith(t + "/") for t in INIT_LAYER_TREES)


# -- Docker's side -----------------------------------------------------------------------
def _name(member: tarfile.TarInfo) -> str:
    name = member.name[2:] if member.name.startswith("./") else member.name
    return "/" + name.strip("/")


def tar_entries(tar: tarfile.TarFile) -> list[dict]:
    """One layer tar (or an export) as entries; ``.wh.`` files become whiteouts and opaque dirs."""
    out: dict[str, dict] = {}
    opaque: set[str] = set()
    for member in tar:
        path = _name(member)
        if path == "/":
            continue
        base = posixpath.basename(path)
        if base == ".wh..wh..opq":
            opaque.add(posixpath.dirname(path))
            continue
        entry = {"path": path, "mode": f"{member.mode & 0o7777:04o}", "size": 0, "target": None,
                 "opaque": False, "sha256": None}
        if base.startswith(".wh."):
            entry.update(path=posixpath.join(posixpath.dirname(path), base[4:]), type="whiteout", mode="0000")
        elif member.isdir():
            entry["type"] = "dir"
        elif member.issym():
            entry.update(type="symlink", target=member.linkname)
        elif member.islnk():
            entry.update(type="hardlink", target="/" + member.linkname.removeprefix("./").strip("/"))
        elif member.isreg():
            data = tar.extractfile(member).read()
            entry.update(type="file", size=len(data), sha256=hashlib.sha256(data).hexdigest())
        else:
            entry["type"] = "special"
        out[entry["path"]] = entry
    for path in opaque:
        if path in out:
            out[path]["opaque"] = True
    return sorted(out.values(), key=lambda e: e["path"])


def docker_image(daemon, tag: str) -> list[dict]:
    """Per history entry of ``tag``: created_by, empty_layer and the layer's entries."""
    saved = daemon.save(tag)
    manifest = json.load(saved.extractfile("manifest.json"))[0]
    config = json.load(saved.extractfile(manifest["Config"]))
    layer_tars = list(manifest["Layers"])
    out = []
    for item in config.get("history", []):
        empty = bool(item.get("empty_layer"))
        entries = [] if empty else tar_entries(tarfile.open(fileobj=saved.extractfile(layer_tars.pop(0))))
        out.append({"created_by": item.get("created_by", ""), "empty_layer": empty, "entries": entries})
    return out


def docker_merged(daemon, tag: str) -> list[dict]:
    """The finished image's tree as a container sees it: ``docker create`` + ``docker export``."""
    container = daemon.docker("create", "--network", "none", tag, "sh").stdout.decode().strip()
    try:
        return tar_entries(daemon.export(container))
    finally:
        daemon.docker("rm", "-f", container, check=False)


def docker_container(daemon, tag: str, command: str) -> tuple[dict[str, str], list[dict], int]:
    """``docker run`` of ``sh -c command``: ``docker diff`` (path -> A/C/D), the export, the status."""
    done = daemon.docker("run", "--network", "none", "--name", "probe", tag, "sh", "-c", command, check=False)
    try:
        diff = {}
        for line in daemon.docker("diff", "probe").stdout.decode().splitlines():
            kind, _, path = line.partition(" ")
            diff[path] = kind
        return diff, tar_entries(daemon.export("probe")), done.returncode
    finally:
        daemon.docker("rm", "-f", "probe", check=False)


# -- the simulator's side ------------------------------------------------------------------
def simulator_image(folder: Path) -> tuple[dict | None, str | None]:
    """``layerlab build --json`` of ``folder``'s Dockerfile: (its JSON, None) or (None, the error)."""
    from app.build import BuildError, ContextError, build
    from app.cli import read_context
    from app.dockerfile.errors import DockerfileError
    from app.engine.changeset import image_json

    text = (folder / "Dockerfile").read_text()
    try:
        result = build(text, read_context(folder), filename=str(folder / "Dockerfile"))
    except (BuildError, ContextError, DockerfileError) as exc:
        return None, str(exc)
    if result.failed is not None:
        return None, f"{result.failed.keyword} failed: {result.failed.error}"
    return image_json(result.image), None


def simulator_container(folder: Path, command: str) -> tuple[dict[str, str], list[dict], int]:
    """A lesson that builds ``folder``, runs a container and execs ``command`` in it, played
    by the lesson player: the container layer as ``docker diff`` shows it, the merged view,
    the status. The one place that knows how the simulator runs containers (app.runtime,
    when it lands, replaces the player here)."""
    from app.engine.changeset import merged_entries
    from app.lessons.loader import load_lesson
    from app.lessons.player import play
    from app.runtime import container_diff

    lesson = {
        "id": "docker-probe", "title": {"en": "probe", "zh": "probe"}, "summary": {"en": "probe", "zh": "probe"},
        "images": [{"name": "probe", "dockerfile_file": f"{folder.name}/Dockerfile", "context_dir": folder.name}],
        "steps": [{"build": "probe"}, {"run": "probe", "image": "probe"}, {"exec": command, "in": "probe"}],
    }
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", dir=folder.parent, delete=False) as out:
        json.dump(lesson, out)  # JSON is YAML
    try:
        played = play(load_lesson(out.name))
    finally:
        Path(out.name).unlink()
    frame = played.frames[-1]
    container = next(c for c in frame.containers if c.name == "probe")
    diff = {change.path: change.letter for change in container_diff(container)}
    merged = merged_entries(list(container.image.layers) + [container.upper])
    return diff, merged, frame.status if frame.status is not None else 0


# -- the differences -------------------------------------------------------------------------
def _comparable(entry: dict, merged: bool) -> dict:
    out = {"type": entry["type"], "mode": entry["mode"]}
    if entry["type"] in ("file", "hardlink"):
        out["size"] = entry.get("size", 0)
    if entry["type"] in ("symlink", "hardlink"):
        out["target"] = entry.get("target")
    if entry["type"] == "dir" and not merged:
        out["opaque"] = bool(entry.get("opaque"))
    if entry["type"] == "symlink":
        out["mode"] = "0777"  # Linux symlinks have no mode of their own
    return out


MOUNT_STUBS = ("/proc", "/sys", "/dev", "/etc")


def entry_differences(where: str, docker: list[dict], sim: list[dict], merged: bool = False,
                      run_layer: bool = False) -> list[str]:
    """Every path whose entry differs (or exists on one side only), one line each."""
    d = {e["path"]: e for e in docker if not (merged and _from_init_layer(e["path"]))}
    s = {e["path"]: e for e in sim if e["path"] != "/" and not (merged and _from_init_layer(e["path"]))}
    if run_layer:  # NOT_COMPARED: BuildKit 0.8's mount stubs
        d = {p: e for p, e in d.items() if not (p in MOUNT_STUBS and e["type"] == "dir" and p not in s)}
    out = []
    for path in sorted(set(d) | set(s)):
        if path not in s:
            out.append(f"{where}: {path} only in docker ({_comparable(d[path], merged)})")
        elif path not in d:
            out.append(f"{where}: {path} only in the simulator ({_comparable(s[path], merged)})")
        else:
            a, b = _comparable(d[path], merged), _comparable(s[path], merged)
            if path == BASE_BINARY:
                a.pop("size", None), b.pop("size", None)
            elif s[path].get("sha256") and d[path].get("sha256") and s[path]["sha256"] != d[path]["sha256"]:
                a["sha256"], b["sha256"] = d[path]["sha256"][:12], s[path]["sha256"][:12]
            if a != b:
                out.append(f"{where}: {path}: docker {a}, simulator {b}")
    return out


def image_differences(docker_history: list[dict], sim: dict) -> list[str]:
    """History (created_by, empty_layer) and each layer's changeset, past the base's entry."""
    sim_history = sim["layers"]
    out = []
    if len(docker_history) != len(sim_history):
        out.append(f"history: docker has {len(docker_history)} entries, the simulator {len(sim_history)}: "
                   f"docker {[h['created_by'] for h in docker_history]}, "
                   f"simulator {[h['created_by'] for h in sim_history]}")
    for i, (d, s) in enumerate(zip(docker_history, sim_history)):
        if i == 0:
            continue  # the base (NOT_COMPARED)
        where = f"history {i} ({d['created_by']})"
        if d["created_by"] != s["created_by"]:
            out.append(f"{where}: created_by: docker {d['created_by']!r}, simulator {s['created_by']!r}")
        if d["empty_layer"] != s["empty_layer"]:
            out.append(f"{where}: empty_layer: docker {d['empty_layer']}, simulator {s['empty_layer']}")
        elif not d["empty_layer"]:
            out.extend(entry_differences(where, d["entries"], s["entries"],
                                         run_layer=d["created_by"].startswith("RUN ")))
    return out


def diff_differences(docker: dict[str, str], sim: dict[str, str]) -> list[str]:
    docker = {p: k for p, k in docker.items() if not _from_init_layer(p)}
    out = []
    for path in sorted(set(docker) | set(sim)):
        if docker.get(path) != sim.get(path):
            out.append(f"docker diff: {path}: docker {docker.get(path)}, simulator {sim.get(path)}")
    return out
