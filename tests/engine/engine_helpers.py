"""Helpers shared by the engine tests: build small layers from a dict.

A module with a unique name (not conftest): test directories share one
import namespace, and every area has a conftest."""

from __future__ import annotations

from app.engine import Dir, File, Inode, Layer, Symlink, Whiteout


def make_layer(spec: dict, frozen: bool = True) -> Layer:
    """``{"/etc/motd": b"hi", "/etc": "dir", "/l": ("symlink", "t"), "/x": "whiteout",
    "/d": ("opaque",)}`` -> a Layer (parents left implicit unless listed)."""
    layer = Layer()
    for path, value in spec.items():
        if isinstance(value, bytes):
            node = File(Inode(value))
        elif value == "dir":
            node = Dir()
        elif value == "whiteout":
            node = Whiteout()
        elif value == ("opaque",):
            node = Dir(opaque=True)
        elif isinstance(value, tuple) and value[0] == "symlink":
            node = Symlink(value[1])
        else:
            node = value
        layer.put(path, node)
    return layer.freeze() if frozen else layer


def changeset(layer: Layer) -> dict:
    """A layer as {path: short description}, the way tests state expectations."""
    out = {}
    for path, node in layer.items():
        if isinstance(node, File):
            out[path] = node.inode.read()
        elif isinstance(node, Dir):
            out[path] = "opaque" if node.opaque else "dir"
        elif isinstance(node, Symlink):
            out[path] = ("symlink", node.target)
        else:
            out[path] = "whiteout"
    return out
