"""An image's config JSON (the OCI image config, which ``docker save`` writes too).

Why one module: both archive formats carry the same config, and its digest is the image
ID ``docker load`` prints, so it must be byte-for-byte the same in both. Keys are sorted
and there is no clock (every ``created`` is the epoch), so the same image gives the same ID.
The history is the image's own: one entry per ``docker history`` row, ``empty_layer`` for
steps that made no layer, which is how ``docker history`` pairs rows with layers.
"""

from __future__ import annotations

import hashlib
import json

from app.engine.image import Image
from app.engine.tarball import diff_id

EPOCH = "1970-01-01T00:00:00Z"


def _history(image: Image) -> list[dict]:
    rows = []
    for entry in image.history:
        row: dict = {"created": EPOCH, "created_by": entry.created_by}
        if entry.comment:
            row["comment"] = entry.comment
        if entry.empty_layer:
            row["empty_layer"] = True
        rows.append(row)
    missing = len(image.layers) - sum(1 for row in rows if not row.get("empty_layer"))
    # An image whose history names fewer layers than it has (none at all, say): one anonymous row each,
    # so that every reader pairs layers with rows.
    return [{"created": EPOCH, "created_by": ""} for _ in range(max(0, missing))] + rows


def image_config(image: Image) -> dict:
    """The config as a dict: architecture, os, the runtime config, rootfs.diff_ids, history."""
    return {
        "architecture": "amd64",
        "os": "linux",
        "created": EPOCH,
        "config": dict(image.config),
        "rootfs": {"type": "layers", "diff_ids": [diff_id(layer) for layer in image.layers]},
        "history": _history(image),
    }


def config_bytes(image: Image) -> tuple[bytes, str]:
    """(the config's bytes, their sha256 hex): the hex is the image ID."""
    data = json.dumps(image_config(image), sort_keys=True, separators=(",", ":")).encode()
    return data, hashlib.sha256(data).hexdigest()
