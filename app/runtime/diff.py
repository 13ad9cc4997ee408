"""``docker diff``: the container's writable layer as A (added), C (changed), D (deleted) lines."""

from __future__ import annotations

import posixpath

from app.engine import Change, Container, Dir, FSError, UnionFS, Whiteout


def container_diff(container: Container) -> list[Change]:
    """Every change of the upper layer, sorted, with the letter ``docker diff`` prints,
    by moby's rule (pkg/archive changes, checked against docker.io 20.10's overlay2):

    D for a whiteout; A for a path the image lacks; C for a file or symlink the image
    has (copied up). A directory the image has already is C only when its mode differs
    from the image's (``chmod 700 /home``) or as the parent of another change: overlayfs
    copies every parent up on the way, but Docker does not list one for that alone. The
    image is looked at through a union of its own, so a directory an upper image layer
    made opaque hides what is below it."""
    image_fs = UnionFS(list(container.image.layers))
    letters: dict[str, str] = {}
    for path, node in container.upper.items():
        if path == "/" or path.endswith("/.wh..wh..opq"):
            continue
        if isinstance(node, Whiteout) or node is None:
            letters[path] = "D"
            continue
        try:
            below, _ = image_fs.lstat(path)
        except FSError:
            letters[path] = "A"
            continue
        if not isinstance(node, Dir) or below.type != "dir" or below.mode != node.mode:
            letters[path] = "C"
    for path in list(letters):
        parent = posixpath.dirname(path)
        while parent != "/" and parent not in letters:
            letters[parent] = "C"
            parent = posixpath.dirname(parent)
    return [Change(letters[path], path) for path in sorted(letters)]
