"""The JSON of ``layerlab build --json``: every step's changeset, and the result.

``layers`` has one object per *history entry* (``docker history`` rows, first
to last), so steps that make no layer (ENV, CMD...) appear too, with
``empty_layer: true``, ``diff_id: null`` and no entries. ``entries`` is the
layer's changeset as its tar would carry it; ``merged`` is what a container
of the finished image sees, each path with the layer its visible object comes
from. Paths are absolute and sorted; modes are octal strings ("0644").

A hard link's first name (in tar order) is a "file"; its other names are
"hardlink" entries whose ``target`` is that first name, with size 0 (the
bytes are stored once).
"""

from __future__ import annotations

from typing import Any

from .image import Image
from .layer import Dir, File, Layer, Symlink
from .tarball import OPAQUE_MARKER, diff_id, ordered_entries
from .union import UnionFS


def _mode(mode: int) -> str:
    return f"{mode & 0o7777:04o}"


def layer_entries(layer: Layer) -> list[dict[str, Any]]:
    """The changeset of one layer, one dict per path, sorted by path."""
    first_name: dict[int, str] = {}
    for path, node in ordered_entries(layer):
        if isinstance(node, File):
            first_name.setdefault(id(node.inode), path)
    out = []
    for path, node in layer.items():
        if path == "/" or path.endswith("/" + OPAQUE_MARKER):
            continue
        entry: dict[str, Any] = {"path": path}
        if isinstance(node, File):
            first = first_name[id(node.inode)]
            if first != path:
                entry.update(type="hardlink", mode=_mode(node.inode.mode), size=0, target=first)
            else:
                entry.update(type="file", mode=_mode(node.inode.mode), size=node.inode.size,
                             sha256=node.inode.sha256)
        elif isinstance(node, Dir):
            entry.update(type="dir", mode=_mode(node.mode), size=0, opaque=node.opaque)
        elif isinstance(node, Symlink):
            entry.update(type="symlink", mode=_mode(node.mode), size=node.size, target=node.target)
        else:
            entry.update(type="whiteout", mode="0000", size=0)
        out.append(entry)
    return out


def merged_entries(layers: tuple[Layer, ...] | list[Layer]) -> list[dict[str, Any]]:
    """The merged view of ``layers`` (bottom first), sorted by path."""
    out = []
    for path, st in UnionFS(list(layers)).walk("/"):
        out.append({
            "path": path,
            "type": st.type,
            "mode": _mode(st.mode),
            "size": st.size,
            "sha256": st.sha256,
            "target": st.target,
            "layer": st.layer,
        })
    return out


def image_json(image: Image) -> dict[str, Any]:
    """``{"layers": [...one per history entry...], "merged": [...]}``."""
    layers: list[dict[str, Any]] = []
    history = list(image.history)
    if not history:  # an image without history: one anonymous entry per layer
        layers = [{"created_by": "", "empty_layer": False, "diff_id": diff_id(layer),
                   "size": layer.size, "entries": layer_entries(layer)} for layer in image.layers]
    for i, entry in enumerate(history):
        index = image.layer_for_history(i)
        if index is None or index >= len(image.layers):
            layers.append({"created_by": entry.created_by, "empty_layer": True, "diff_id": None,
                           "size": 0, "entries": []})
            continue
        layer = image.layers[index]
        layers.append({"created_by": entry.created_by, "empty_layer": False,
                       "diff_id": diff_id(layer), "size": layer.size,
                       "entries": layer_entries(layer)})
    return {"layers": layers, "merged": merged_entries(image.layers)}
