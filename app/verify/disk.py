"""Layers on disk as Docker's overlay2 driver stores them, and back.

Whiteouts are 0/0 character devices, opaque directories carry the
``trusted.overlay.opaque=y`` xattr, hard links stay hard links, and files whose
contents the simulator does not know are written as zeros of their size.
"""

from __future__ import annotations

import os
import stat as _stat

from app.engine import Dir, File, Inode, Layer, Symlink, Whiteout

from .records import perm

OPAQUE_XATTR = "trusted.overlay.opaque"


def materialize(layer: Layer, root: str) -> None:
    """Write ``layer`` into directory ``root`` as overlay2 stores a layer."""
    os.makedirs(root, exist_ok=True)
    first_name: dict[int, str] = {}
    dirs: list[tuple[str, Dir]] = []
    for path, node in layer.items():
        full = root + path if path != "/" else root
        if path != "/":
            os.makedirs(os.path.dirname(full), exist_ok=True)
        if isinstance(node, Dir):
            os.makedirs(full, exist_ok=True)
            if node.opaque:
                os.setxattr(full, OPAQUE_XATTR, b"y")
            dirs.append((full, node))
        elif isinstance(node, Whiteout):
            os.mknod(full, _stat.S_IFCHR | 0o000, os.makedev(0, 0))
        elif isinstance(node, Symlink):
            os.symlink(node.target, full)
            os.lchown(full, node.uid, node.gid)
        else:
            ino = node.inode
            if id(ino) in first_name:
                os.link(first_name[id(ino)], full)
                continue
            first_name[id(ino)] = full
            with open(full, "wb") as f:
                if ino.data is None:
                    f.truncate(ino.size)
                else:
                    f.write(ino.data)
            os.chown(full, ino.uid, ino.gid)
            os.chmod(full, perm(ino.mode))
            os.utime(full, (ino.mtime, ino.mtime))
    for full, node in reversed(dirs):  # children first: their creation touched the parent
        os.chown(full, node.uid, node.gid)
        os.chmod(full, perm(node.mode))
        os.utime(full, (node.mtime, node.mtime))


def read_layer(root: str) -> Layer:
    """Read an overlay2-style directory (an upper dir) back into a Layer."""
    layer = Layer()
    inodes: dict[tuple[int, int], Inode] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            full = os.path.join(dirpath, name)
            path = "/" + os.path.relpath(full, root)
            st = os.lstat(full)
            mode = st.st_mode
            if _stat.S_ISDIR(mode):
                try:
                    opaque = os.getxattr(full, OPAQUE_XATTR, follow_symlinks=False) == b"y"
                except OSError:
                    opaque = False
                layer.put(path, Dir(perm(mode), st.st_uid, st.st_gid, int(st.st_mtime), opaque))
            elif _stat.S_ISCHR(mode) and st.st_rdev == 0:
                layer.put(path, Whiteout())
            elif _stat.S_ISLNK(mode):
                layer.put(path, Symlink(os.readlink(full), 0o777, st.st_uid, st.st_gid,
                                        int(st.st_mtime)))
            elif _stat.S_ISREG(mode):
                key = (st.st_dev, st.st_ino)
                ino = inodes.get(key)
                if ino is None:
                    with open(full, "rb") as f:
                        data = f.read()
                    ino = inodes[key] = Inode(data, len(data), perm(mode), st.st_uid, st.st_gid,
                                              int(st.st_mtime))
                layer.put(path, File(ino))
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
    return layer

