"""An image archive read back as layers: ``docker save`` output or an OCI image layout.

Each layer's tar becomes its changeset in the shape ``layerlab build --json`` prints
(app/engine/changeset.py): ``{path, type, mode, size, target, opaque, sha256}`` per path,
``.wh.<name>`` files as whiteouts, ``.wh..wh..opq`` as the opaque flag of its directory.
Every entry passes safety.check_member first, and the limits are counted as the tars are
read, so an archive that breaks one is refused before it costs more than that bound.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import posixpath
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .safety import ArchiveError, ImportLimits, check_member
from .store import TarStore, open_store, read_json

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1 << 20


@dataclass
class ImportedLayer:
    created_by: str
    empty_layer: bool
    diff_id: str | None = None
    entries: list[dict] = field(default_factory=list)


@dataclass
class ImportedImage:
    source: str
    format: str  # "docker" or "oci"
    tag: str
    config: dict
    layers: list[ImportedLayer]  # one per history entry, as docker history lists them (first first)


@dataclass
class _Budget:
    limits: ImportLimits
    entries: int = 0
    bytes: int = 0

    def count(self, label: str, size: int) -> None:
        self.entries += 1
        self.bytes += size
        if self.entries > self.limits.max_entries:
            raise ArchiveError(f"{label}: more than {self.limits.max_entries} entries (a tar bomb?)")
        if self.bytes > self.limits.max_total_bytes:
            raise ArchiveError(f"{label}: more than {self.limits.max_total_bytes} bytes of file contents "
                               "(a tar bomb?)")


class _Bounded(io.RawIOBase):
    """Reads at most ``limit`` bytes from ``raw`` (a gzip stream that inflates without end)."""

    def __init__(self, raw: BinaryIO, limit: int, label: str):
        self.raw, self.left, self.label = raw, limit, label

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:  # type: ignore[override]
        data = self.raw.read(min(len(buf), CHUNK))
        self.left -= len(data)
        if self.left < 0:
            raise ArchiveError(f"{self.label}: inflates past the limit (a gzip bomb?)")
        buf[:len(data)] = data
        return len(data)


def _entry(member: tarfile.TarInfo, tar: tarfile.TarFile) -> dict:
    path = "/" + member.name.removeprefix("./").strip("/")
    base = posixpath.basename(path)
    entry: dict = {"path": path, "mode": f"{member.mode & 0o7777:04o}", "size": 0}
    if base.startswith(".wh."):
        entry.update(path=posixpath.join(posixpath.dirname(path), base[4:]), type="whiteout", mode="0000")
    elif member.isdir():
        entry.update(type="dir", opaque=False)
    elif member.issym():
        entry.update(type="symlink", size=len(member.linkname.encode()), target=member.linkname)
    elif member.islnk():
        entry.update(type="hardlink", target="/" + member.linkname.removeprefix("./").strip("/"))
    else:
        digest = hashlib.sha256()
        f = tar.extractfile(member)
        while chunk := f.read(CHUNK):
            digest.update(chunk)
        entry.update(type="file", size=member.size, sha256=digest.hexdigest())
    return entry


def layer_changeset(blob: BinaryIO, label: str, budget: _Budget) -> list[dict]:
    """One layer tar (plain or gzip) as its changeset, sorted by path."""
    head = blob.read(2)
    blob.seek(0)
    stream: BinaryIO = blob
    if head == GZIP_MAGIC:
        left = budget.limits.max_total_bytes + 1024 * budget.limits.max_entries
        stream = io.BufferedReader(_Bounded(gzip.GzipFile(fileobj=blob), left, label))  # type: ignore[arg-type]
    out: dict[str, dict] = {}
    opaque: set[str] = set()
    try:
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for member in tar:
                budget.count(label, member.size if member.isreg() else 0)
                why = check_member(member)
                if why is not None:
                    raise ArchiveError(f"{label}: {member.name!r}: refused: {why}")
                name = "/" + member.name.removeprefix("./").strip("/")
                if name == "/":
                    continue
                if posixpath.basename(name) == ".wh..wh..opq":
                    opaque.add(posixpath.dirname(name))
                    continue
                entry = _entry(member, tar)
                out[entry["path"]] = entry
    except (tarfile.TarError, EOFError, OSError, gzip.BadGzipFile) as exc:
        raise ArchiveError(f"{label}: not a readable layer tar: {exc}") from None
    for path in opaque:
        if path in out and out[path]["type"] == "dir":
            out[path]["opaque"] = True
    return sorted(out.values(), key=lambda e: e["path"])


def _pair(config: dict, layer_names: list[str], store, budget: _Budget) -> list[ImportedLayer]:
    """History rows with the layers they made, in order (rows with empty_layer make none)."""
    history = config.get("history") or [{"created_by": ""} for _ in layer_names]
    made = sum(1 for row in history if not row.get("empty_layer"))
    if made != len(layer_names):
        raise ArchiveError(f"{store.label}: the history names {made} layers, the image has {len(layer_names)}")
    if len(layer_names) > budget.limits.max_layers:
        raise ArchiveError(f"{store.label}: {len(layer_names)} layers, over the limit of {budget.limits.max_layers}")
    diff_ids = (config.get("rootfs") or {}).get("diff_ids") or []
    names = iter(enumerate(layer_names))
    layers = []
    stored = 0
    for row in history:
        layer = ImportedLayer(str(row.get("created_by", "")), bool(row.get("empty_layer")))
        if not layer.empty_layer:
            index, name = next(names)
            stored += store.size(name)
            if stored > budget.limits.max_archive_bytes:
                raise ArchiveError(f"{store.label}: over {budget.limits.max_archive_bytes} bytes of layers")
            layer.diff_id = diff_ids[index] if index < len(diff_ids) else None
            with store.open(name) as blob:
                layer.entries = layer_changeset(blob, f"{store.label}: layer {index + 1} ({name})", budget)
        layers.append(layer)
    return layers


def _docker(store, budget: _Budget) -> ImportedImage:
    manifest = read_json(store, "manifest.json")
    if not isinstance(manifest, list) or not manifest or not isinstance(manifest[0], dict):
        raise ArchiveError(f"{store.label}: manifest.json: not a list of images")
    first = manifest[0]
    config = read_json(store, str(first.get("Config", "")))
    tags = first.get("RepoTags") or ["imported:latest"]
    layers = _pair(config, [str(name) for name in first.get("Layers", [])], store, budget)
    return ImportedImage(store.label, "docker", str(tags[0]), config, layers)


def _blob(digest: str) -> str:
    algorithm, _, hex_ = str(digest).partition(":")
    if algorithm != "sha256" or not hex_.isalnum():
        raise ArchiveError(f"not a sha256 digest: {digest!r}")
    return f"blobs/sha256/{hex_}"


def _oci(store, budget: _Budget) -> ImportedImage:
    index = read_json(store, "index.json")
    manifests = index.get("manifests") if isinstance(index, dict) else None
    if not manifests:
        raise ArchiveError(f"{store.label}: index.json lists no image")
    first = manifests[0]
    manifest = read_json(store, _blob(first.get("digest", "")))
    if "manifests" in manifest:  # an index inside the index (a multi-platform image): its first image
        first = manifest["manifests"][0]
        manifest = read_json(store, _blob(first.get("digest", "")))
    config = read_json(store, _blob((manifest.get("config") or {}).get("digest", "")))
    names = [_blob(layer.get("digest", "")) for layer in manifest.get("layers", [])]
    tag = (first.get("annotations") or {}).get("org.opencontainers.image.ref.name", "latest")
    return ImportedImage(store.label, "oci", str(tag), config, _pair(config, names, store, budget))


def read_archive(path: str | Path, limits: ImportLimits = ImportLimits()) -> ImportedImage:
    """The image in ``path`` (a docker save tar, an OCI layout folder or oci-archive tar)."""
    return _read(open_store(Path(path), limits), str(path), limits)


def read_archive_bytes(data: bytes, label: str, limits: ImportLimits = ImportLimits()) -> ImportedImage:
    """The image in an archive held in memory (an upload: never written to disk); ``label`` names it in messages."""
    if len(data) > limits.max_archive_bytes:
        raise ArchiveError(f"{label}: {len(data)} bytes, over the limit of {limits.max_archive_bytes}")
    return _read(TarStore(io.BytesIO(data), limits, label), label, limits)


def _read(store, label: str, limits: ImportLimits) -> ImportedImage:
    budget = _Budget(limits)
    try:
        if store.has("manifest.json"):
            return _docker(store, budget)
        if store.has("index.json"):
            return _oci(store, budget)
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ArchiveError(f"{label}: not an image archive as docker or OCI write it ({exc!r})") from None
    raise ArchiveError(f"{label}: neither manifest.json (docker save) nor index.json (OCI layout) in it")
