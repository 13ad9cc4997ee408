"""``docker diff``: the container's writable layer as A (added), C (changed), D (deleted) lines."""

from __future__ import annotations

from app.engine import Change, Container, UnionFS, Whiteout


def container_diff(container: Container) -> list[Change]:
    """Every path of the upper layer, sorted, with the letter ``docker diff`` prints.

    D for a whiteout; C when the image's layers have the path (a copied-up file,
    a parent directory overlayfs copied up on the way, an opaque directory over
    a lower one); A otherwise. The image is looked at through a union of its own,
    so a directory an upper image layer made opaque hides what is below it."""
    image_fs = UnionFS(list(container.image.layers))
    out = []
    for path, node in container.upper.items():
        if path == "/":
            continue
        if isinstance(node, Whiteout):
            out.append(Change("D", path))
        else:
            out.append(Change("C" if image_fs.exists(path, follow=False) else "A", path))
    return out
