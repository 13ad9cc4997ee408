"""Shared fixtures: a small hand-made Debian-like base layer, a readable
description of what a RUN left in its layer (the changeset), and ``run`` in
strict mode.

Why strict: a build turns an exception inside a command (a bug in layerlab)
into a "not simulated" note so the student's build goes on; in these tests it
must fail the test instead, or a broken ``touch`` would pass every row."""

from __future__ import annotations

import pytest

from app.engine import Dir, File, Inode, Layer, Symlink, UnionFS
from app.shell import run as shell_run

PASSWD = b"root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
GROUP = b"root:x:0:\nwww-data:x:33:\nusers:x:100:\nstaff:x:50:\n"
SHADOW = b"root:*:19000:0:99999:7:::\nwww-data:*:19000:0:99999:7:::\n"
GSHADOW = b"root:*::\nwww-data:*::\nusers:*::\nstaff:*::\n"


def make_base_layer() -> Layer:
    layer = Layer()
    for d in ("/", "/bin", "/etc", "/etc/skel", "/home", "/root", "/usr", "/usr/bin",
              "/usr/local", "/usr/local/bin", "/var", "/var/log", "/opt", "/opt/lib",
              "/opt/lib/sub", "/srv", "/srv/www"):
        layer.put(d, Dir(0o755))
    layer.put("/tmp", Dir(0o1777))
    layer.put("/bin/sh", Symlink("dash"))
    layer.put("/bin/dash", File(Inode(b"\x7fELF-dash", mode=0o755)))
    layer.put("/bin/bash", File(Inode(b"\x7fELF-bash", mode=0o755)))
    layer.put("/usr/bin/python3", File(Inode(b"\x7fELF-python", mode=0o755)))
    layer.put("/etc/passwd", File(Inode(PASSWD)))
    layer.put("/etc/group", File(Inode(GROUP)))
    layer.put("/etc/shadow", File(Inode(SHADOW, mode=0o640, gid=42)))
    layer.put("/etc/gshadow", File(Inode(GSHADOW, mode=0o640, gid=42)))
    layer.put("/etc/motd", File(Inode(b"hello world\nsecond line\n")))
    layer.put("/etc/app.conf", File(Inode(b"port=80\nhost=localhost\n")))
    layer.put("/etc/skel/.bashrc", File(Inode(b"# ~/.bashrc\n")))
    layer.put("/opt/lib/a.so", File(Inode(b"AAAA", mode=0o755)))
    layer.put("/opt/lib/sub/b.txt", File(Inode(b"bee\n")))
    layer.put("/opt/lib/current", Symlink("a.so"))
    layer.put("/srv/www/index.html", File(Inode(b"<h1>hi</h1>\n")))
    layer.put("/var/log/big.log", File(Inode(None, size=5 << 20)))  # contents unknown
    return layer.freeze()


@pytest.fixture
def base_layer() -> Layer:
    return make_base_layer()


@pytest.fixture
def fs(base_layer) -> UnionFS:
    return UnionFS([base_layer])


def describe(node) -> str:
    """One line per layer entry: type, mode, content or size, owner if not root."""
    owner = ""
    uid, gid = getattr(node, "uid", 0), getattr(node, "gid", 0)
    if node.type == "file":
        uid, gid = node.inode.uid, node.inode.gid
    if uid or gid:
        owner = f" {uid}:{gid}"
    if node.type == "file":
        data = node.inode.data
        body = repr(data.decode("utf-8", "backslashreplace")) if data is not None else f"size={node.inode.size}"
        return f"file {node.mode & 0o7777:o}{owner} {body}"
    if node.type == "dir":
        return f"dir {node.mode & 0o7777:o}{owner}" + (" opaque" if node.opaque else "")
    if node.type == "symlink":
        return f"symlink -> {node.target}"
    return "whiteout"


def changeset(fs: UnionFS) -> dict[str, str]:
    """The upper layer's entries (the RUN's layer), root directory left out."""
    return {path: describe(node) for path, node in fs.upper.items() if path != "/"}


def run(script: str, fs: UnionFS, **kwargs):
    """``app.shell.run`` with ``strict=True`` unless the test asks otherwise."""
    kwargs.setdefault("strict", True)
    return shell_run(script, fs, **kwargs)


def sh(script: str, fs: UnionFS | None = None, **kwargs):
    fs = fs if fs is not None else UnionFS([make_base_layer()])
    return run(script, fs, **kwargs), fs
