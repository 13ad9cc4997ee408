"""Comparable records: one path of a layer or a merged view as a plain tuple.

The engine and the kernel are compared through these records, never through
their own objects, so a difference shows as two tuples a person can read.
Mtimes are left out: the kernel stamps real time, the engine a logical clock.
Everything under ``TOOLS_DIR`` (where kernel.py puts busybox) is left out too.
"""

from __future__ import annotations

import hashlib
import os
import stat as _stat

from app.engine import Dir, File, Layer, Node, Symlink, UnionFS

TOOLS_DIR = "/.layerlab"  # busybox and its applet links, ignored by comparisons

Record = tuple  # comparable description of one path, see ``node_record``


def perm(mode: int) -> int:
    return _stat.S_IMODE(mode)


def node_record(node: Node, nlink: int = 1) -> Record:
    """What the comparison looks at for one path of a layer (no mtimes: the
    kernel stamps real time, the engine a logical clock)."""
    if isinstance(node, File):
        ino = node.inode
        return ("file", perm(ino.mode), ino.uid, ino.gid, ino.size, ino.sha256, nlink)
    if isinstance(node, Dir):
        return ("dir", perm(node.mode), node.uid, node.gid, "opaque" if node.opaque else "")
    if isinstance(node, Symlink):
        return ("symlink", node.uid, node.gid, node.target)
    return ("whiteout",)


def layer_records(layer: Layer) -> dict[str, Record]:
    """A layer (an upper directory) as path -> record, the root left out."""
    return {
        path: node_record(node, layer.nlink(node.inode) if isinstance(node, File) else 1)
        for path, node in layer.entries.items()
        if path != "/" and not path.startswith(TOOLS_DIR)
    }


def merged_records(fs: UnionFS) -> dict[str, Record]:
    """The engine's merged view as path -> record."""
    out = {}
    for path, st in fs.walk("/"):
        if path == TOOLS_DIR or path.startswith(TOOLS_DIR + "/"):
            continue
        if st.type == "file":
            out[path] = ("file", perm(st.mode), st.uid, st.gid, st.size, st.sha256)
        elif st.type == "dir":
            out[path] = ("dir", perm(st.mode), st.uid, st.gid)
        else:
            out[path] = ("symlink", st.uid, st.gid, st.target)
    return out


def _file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_merged(root: str) -> dict[str, Record]:
    """A real merged directory as path -> record (symlinks not followed)."""
    out: dict[str, Record] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        rel_dir = "" if rel == "." else "/" + rel  # not lstrip("."): it would eat ".layerlab"
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            path = (rel_dir + "/" + name).replace("//", "/")
            if path == TOOLS_DIR or path.startswith(TOOLS_DIR + "/"):
                continue
            st = os.lstat(full)
            if _stat.S_ISDIR(st.st_mode):
                out[path] = ("dir", perm(st.st_mode), st.st_uid, st.st_gid)
            elif _stat.S_ISLNK(st.st_mode):
                out[path] = ("symlink", st.st_uid, st.st_gid, os.readlink(full))
            elif _stat.S_ISREG(st.st_mode):
                out[path] = ("file", perm(st.st_mode), st.st_uid, st.st_gid, st.st_size,
                             _file_sha256(full))
            else:
                out[path] = ("special", perm(st.st_mode))
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
    return out

