"""``docker save`` and the OCI image layout, written from an engine ``Image``.

Both formats are a set of named files; ``Sink`` is where they go: a tar archive (what
``docker load`` and ``skopeo ... oci-archive:`` read) or a folder (what ``skopeo ...
oci:DIR`` and ``umoci`` read). Each layer tar is spooled once to a temporary file (its size
must be known before a tar header is written), and a layer two images' steps share
(the same diff_id) is written once.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import BinaryIO

from app.engine.image import Image
from app.engine.tarball import diff_id, write_layer_tar

from .config import config_bytes

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
REF_NAME = "org.opencontainers.image.ref.name"


class Sink:
    """Named files, written in order, into a tar archive or a folder."""

    def __init__(self, out: Path | BinaryIO, as_folder: bool):
        self.folder = Path(out) if as_folder else None
        self.tar = None if as_folder else tarfile.open(
            fileobj=out if not isinstance(out, (str, Path)) else None,
            name=str(out) if isinstance(out, (str, Path)) else None, mode="w", format=tarfile.PAX_FORMAT)
        self.names: set[str] = set()
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    def add(self, name: str, data: BinaryIO, size: int) -> None:
        if name in self.names:
            return
        self.names.add(name)
        if self.tar is not None:
            for parent in _parents(name):
                if parent not in self.names:
                    self.names.add(parent)
                    info = tarfile.TarInfo(parent)
                    info.type, info.mode = tarfile.DIRTYPE, 0o755
                    self.tar.addfile(info)
            info = tarfile.TarInfo(name)
            info.size, info.mode = size, 0o644
            self.tar.addfile(info, data)
            return
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as out:
            shutil.copyfileobj(data, out)

    def add_bytes(self, name: str, data: bytes) -> None:
        self.add(name, io.BytesIO(data), len(data))

    def close(self) -> None:
        if self.tar is not None:
            self.tar.close()


def _parents(name: str) -> list[str]:
    parts = name.split("/")[:-1]
    return ["/".join(parts[:i + 1]) + "/" for i in range(len(parts))]


def _json(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def _each_layer(image: Image, sink: Sink, name_of) -> list[tuple[str, int]]:
    """Every layer's tar into ``sink`` under ``name_of(hex)``; (diff_id, size) per layer."""
    out = []
    for layer in image.layers:
        digest = diff_id(layer)
        name = name_of(digest.split(":", 1)[1])
        with tempfile.TemporaryFile() as spool:
            write_layer_tar(layer, spool)
            size = spool.tell()
            if name not in sink.names:
                spool.seek(0)
                sink.add(name, spool, size)
        out.append((digest, size))
    return out


def write_docker_archive(image: Image, out: Path | BinaryIO, tag: str, *, as_folder: bool = False) -> str:
    """``docker save TAG`` of ``image``; returns the image ID (``sha256:`` + the config's digest)."""
    sink = Sink(out, as_folder)
    try:
        layers = _each_layer(image, sink, lambda hex_: f"{hex_}/layer.tar")
        config, config_hex = config_bytes(image)
        sink.add_bytes(f"{config_hex}.json", config)
        manifest = [{"Config": f"{config_hex}.json", "RepoTags": [_full_tag(tag)],
                     "Layers": [f"{d.split(':', 1)[1]}/layer.tar" for d, _ in layers]}]
        sink.add_bytes("manifest.json", _json(manifest))
        name, _, version = _full_tag(tag).rpartition(":")
        sink.add_bytes("repositories", _json({name: {version: config_hex}}))
    finally:
        sink.close()
    return "sha256:" + config_hex


def write_oci_layout(image: Image, out: Path | BinaryIO, tag: str, *, as_folder: bool = True) -> str:
    """An OCI image layout holding ``image`` as ``tag``; returns the manifest's digest."""
    sink = Sink(out, as_folder)
    try:
        sink.add_bytes("oci-layout", _json({"imageLayoutVersion": "1.0.0"}))
        layers = _each_layer(image, sink, lambda hex_: f"blobs/sha256/{hex_}")
        config, config_hex = config_bytes(image)
        sink.add_bytes(f"blobs/sha256/{config_hex}", config)
        manifest = _json({
            "schemaVersion": 2, "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "digest": "sha256:" + config_hex, "size": len(config)},
            "layers": [{"mediaType": OCI_LAYER, "digest": d, "size": size} for d, size in layers],
        })
        manifest_hex = hashlib.sha256(manifest).hexdigest()
        sink.add_bytes(f"blobs/sha256/{manifest_hex}", manifest)
        ref = _full_tag(tag).rpartition(":")[2]
        sink.add_bytes("index.json", _json({
            "schemaVersion": 2, "mediaType": OCI_INDEX,
            "manifests": [{"mediaType": OCI_MANIFEST, "digest": "sha256:" + manifest_hex,
                           "size": len(manifest), "annotations": {REF_NAME: ref}}],
        }))
    finally:
        sink.close()
    return "sha256:" + manifest_hex


def _full_tag(tag: str) -> str:
    """``name`` -> ``name:latest``; a tag after the last ``/`` is kept."""
    return tag if ":" in tag.rsplit("/", 1)[-1] else tag + ":latest"


def default_folder_output(path: str) -> bool:
    """An OCI layout goes to a folder unless the output is named ``*.tar`` (an oci-archive)."""
    return not path.endswith(".tar") or os.path.isdir(path)
