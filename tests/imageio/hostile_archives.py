"""Hostile image archives, made with tarfile as an attacker would write the headers.

Shared by `layerlab import`'s tests (test_import_refuses.py) and the import page's
(test_import_page.py): a docker save archive whose one layer carries the entries given.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile


def tar_entry(name: str, kind=tarfile.REGTYPE, data: bytes = b"", linkname: str = "", size: int | None = None):
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.mode = kind, linkname, 0o644
    info.size = len(data) if size is None else size
    return info, io.BytesIO(data) if kind == tarfile.REGTYPE else None


def layer_tar(*members) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            tar.addfile(info, data)
    return out.getvalue()


def docker_archive(path, layer: bytes) -> str:
    """A docker save archive of one layer (history: one row)."""
    hex_ = hashlib.sha256(layer).hexdigest()
    config = json.dumps({"rootfs": {"type": "layers", "diff_ids": ["sha256:" + hex_]},
                         "history": [{"created_by": "RUN evil # buildkit"}]}).encode()
    manifest = json.dumps([{"Config": "c.json", "RepoTags": ["evil:latest"], "Layers": [f"{hex_}/layer.tar"]}]).encode()
    with tarfile.open(path, "w") as tar:
        for name, data in ((f"{hex_}/layer.tar", layer), ("c.json", config), ("manifest.json", manifest)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return str(path)
