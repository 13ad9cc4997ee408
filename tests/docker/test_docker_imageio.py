"""`layerlab save` and `layerlab import` against the tools that really read images.

- save: ``docker load`` of the archive succeeds, ``docker history`` lists the simulator's
  instructions, and ``docker save`` of the loaded image hands back layer tars whose sha256
  are the simulator's diff_ids (docker keeps a loaded layer's bytes: tar-split).
- OCI: ``skopeo inspect oci:DIR:REF`` reads the layout (its layer digests are the diff_ids),
  and ``umoci unpack`` makes a rootfs equal to ``layerlab build --json``'s merged view.
- import: images real Docker built (BuildKit), ``docker save``d, taken apart by ``layerlab
  import --json``: each layer's changeset equals the one this test reads from the tar itself
  (docker_compare.tar_entries), bytes included.

Docker builds: two (the import side). Simulator builds: LAYERLAB_SAVE_EXAMPLES generated
cases (default 3) plus one with links, whiteouts and an opaque directory.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest

from app.cli import main, read_context
from app.build import build
from app.engine.changeset import image_json
from app.engine.tarball import diff_id

from case_generator import generate
from docker_compare import tar_entries

EXAMPLES = int(os.environ.get("LAYERLAB_SAVE_EXAMPLES", "3"))
SEEDS = [s for s in range(60) if generate(s).clean][:EXAMPLES]
LINKS_DOCKERFILE = """FROM busybox:1.36
COPY ctx/ /data/
RUN rm /data/gone.txt && ln /data/a.txt /data/hard && ln -s ../a.txt /data/sub/rel && chmod 0700 /data/sub
RUN rm -rf /data/sub && mkdir /data/sub && echo x > /data/sub/new && ln -s /data/a.txt /abs
ENV GREETING=hi
CMD ["sh"]
"""


def links_folder(folder: Path) -> Path:
    """A Dockerfile with hard links, symlinks (relative, absolute), whiteouts and an opaque dir."""
    (folder / "ctx" / "sub").mkdir(parents=True)
    (folder / "ctx" / "a.txt").write_text("alpha\n")
    (folder / "ctx" / "gone.txt").write_text("gone\n")
    (folder / "ctx" / "run.sh").write_text("#!/bin/sh\necho hi\n")
    os.chmod(folder / "ctx" / "run.sh", 0o755)
    (folder / "Dockerfile").write_text(LINKS_DOCKERFILE)
    return folder


def case_folder(tmp_path: Path, seed: int | None) -> Path:
    folder = tmp_path / f"case{seed if seed is not None else 'links'}"
    if seed is None:
        folder.mkdir()
        return links_folder(folder)
    generate(seed).write(folder)
    return folder


def simulated(folder: Path):
    return build((folder / "Dockerfile").read_text(), read_context(folder), filename=str(folder / "Dockerfile"))


@pytest.mark.parametrize("seed", [None, *SEEDS], ids=lambda s: "links" if s is None else f"case[{s}]")
def test_docker_loads_what_layerlab_saves(dockerd, tmp_path, seed):
    folder = case_folder(tmp_path, seed)
    image = simulated(folder).image
    archive = tmp_path / "image.tar"
    tag = f"saved{seed if seed is not None else 'links'}:latest"
    assert main(["save", str(folder / "Dockerfile"), "-o", str(archive), "-t", tag]) == 0
    dockerd.docker("load", "-i", str(archive))
    try:
        rows = dockerd.docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", tag).stdout.decode()
        assert rows.splitlines()[::-1] == [h.created_by for h in image.history]
        saved = dockerd.save(tag)
        manifest = json.load(saved.extractfile("manifest.json"))[0]
        config = json.load(saved.extractfile(manifest["Config"]))
        wanted = [diff_id(layer) for layer in image.layers]
        assert config["rootfs"]["diff_ids"] == wanted
        got = ["sha256:" + hashlib.sha256(saved.extractfile(name).read()).hexdigest() for name in manifest["Layers"]]
        assert got == wanted
        assert config["config"].get("Env") == image.config.get("Env")
    finally:
        dockerd.docker("rmi", "-f", tag, check=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is missing: run `bash tools/setup.sh --test`")
    return path


def _rootfs_entries(root: Path) -> dict[str, dict]:
    """The unpacked rootfs as merged-view entries (type, mode, size of files, sha256, target)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = Path(dirpath) / name
            st = full.lstat()
            path = "/" + str(full.relative_to(root))
            entry = {"mode": f"{stat.S_IMODE(st.st_mode):04o}"}
            if stat.S_ISLNK(st.st_mode):
                entry.update(type="symlink", target=os.readlink(full), mode="0777")
            elif stat.S_ISDIR(st.st_mode):
                entry.update(type="dir")
            else:
                entry.update(type="file", size=st.st_size, sha256=hashlib.sha256(full.read_bytes()).hexdigest())
            out[path] = entry
    return out


def _merged_entries(image) -> dict[str, dict]:
    out = {}
    for e in image_json(image)["merged"]:
        if e["path"] == "/":
            continue
        entry = {"type": e["type"], "mode": "0777" if e["type"] == "symlink" else e["mode"]}
        if e["type"] == "symlink":
            entry["target"] = e["target"]
        elif e["type"] == "file":
            entry.update(size=e["size"], sha256=e["sha256"])
        out[e["path"]] = entry
    return out


def test_skopeo_and_umoci_read_the_oci_layout(tmp_path):
    skopeo, umoci = _tool("skopeo"), _tool("umoci")
    folder = links_folder(tmp_path / "links")
    image = simulated(folder).image
    layout = tmp_path / "layout"
    assert main(["save", str(folder / "Dockerfile"), "-o", str(layout), "--format", "oci", "-t", "links:v1"]) == 0
    inspected = json.loads(subprocess.run([skopeo, "inspect", f"oci:{layout}:v1"], check=True,
                                          capture_output=True).stdout)
    assert inspected["Layers"] == [diff_id(layer) for layer in image.layers]
    assert inspected["Env"] == image.config["Env"]
    bundle = tmp_path / "bundle"
    subprocess.run([umoci, "unpack", "--image", f"{layout}:v1", str(bundle)], check=True, capture_output=True)
    got, wanted = _rootfs_entries(bundle / "rootfs"), _merged_entries(image)
    assert sorted(got) == sorted(wanted)
    assert {p: e for p, e in got.items() if e != wanted[p]} == {}


def _comparable(entry: dict) -> dict:
    out = {k: entry.get(k) for k in ("path", "type", "mode", "target", "sha256")}
    out["opaque"] = bool(entry.get("opaque"))
    out["size"] = 0 if entry["type"] == "symlink" else entry.get("size", 0)  # a tar stores 0 for a symlink
    return out


@pytest.mark.parametrize("seed", [None, SEEDS[0] if SEEDS else 0], ids=lambda s: "links" if s is None else f"case[{s}]")
def test_import_takes_apart_what_docker_built(dockerd, tmp_path, capsys, seed):
    folder = case_folder(tmp_path, seed)
    tag = f"built{seed if seed is not None else 'links'}"
    built = dockerd.build(folder, tag)
    assert built.returncode == 0, built.stderr.decode(errors="replace")[-2000:]
    archive = tmp_path / "docker.tar"
    try:
        archive.write_bytes(dockerd.docker("save", tag).stdout)
    finally:
        dockerd.docker("rmi", "-f", tag, check=False)
    capsys.readouterr()
    assert main(["import", str(archive), "--json", "-o", str(tmp_path / "lesson.yaml")]) == 0
    imported = json.loads(capsys.readouterr().out)
    saved = tarfile.open(archive)
    manifest = json.load(saved.extractfile("manifest.json"))[0]
    config = json.load(saved.extractfile(manifest["Config"]))
    assert [row["created_by"] for row in imported["layers"]] == [h.get("created_by", "") for h in config["history"]]
    layer_tars = iter(manifest["Layers"])
    for row in imported["layers"]:
        if row["empty_layer"]:
            assert row["entries"] == []
            continue
        data = saved.extractfile(next(layer_tars)).read()
        assert row["diff_id"] == "sha256:" + hashlib.sha256(data).hexdigest()
        theirs = [_comparable(e) for e in tar_entries(tarfile.open(fileobj=io.BytesIO(data)))]
        assert [_comparable(e) for e in row["entries"]] == theirs, row["created_by"]
    if seed is None:  # the links case really has every kind of entry
        kinds = {(e["type"], bool(e.get("opaque"))) for row in imported["layers"] for e in row["entries"]}
        assert {("hardlink", False), ("symlink", False), ("whiteout", False), ("dir", True)} <= kinds
