"""Big engine states still give a small, readable diagram.

A real rootfs holds thousands of files and a container may change hundreds:
the diagram shows counts and the few paths that matter, never a wall of
text, so the DOT stays small whatever the state. The default run uses a
rootfs of 3,000 files; set ``LAYERLAB_RENDER_BIG=50000`` for a heavier one.
"""

from __future__ import annotations

import os

from app.engine import Change, Container, CopyUp, Dir, File, HistoryEntry, Image, Inode, Layer, Probe, Trace
from app.render import Scene, scene_dot, to_svg

FILES = int(os.environ.get("LAYERLAB_RENDER_BIG", "3000"))


def big_rootfs(n: int) -> Layer:
    layer = Layer()
    layer.put("/", Dir())
    for d in ("/usr", "/usr/share", "/usr/share/doc", "/etc"):
        layer.put(d, Dir())
    for i in range(n):
        pkg = f"/usr/share/doc/pkg{i // 10}"
        if pkg not in layer:
            layer.put(pkg, Dir())
        layer.put(f"{pkg}/file{i % 10}", File(Inode(None, 1000 + i)))
    layer.put("/etc/motd", File(Inode(b"x" * 286)))
    return layer.freeze()


def big_scene() -> Scene:
    rootfs = big_rootfs(FILES)
    images = []
    for k in range(4):
        own = Layer()
        own.put("/", Dir())
        own.put(f"/opt/app{k}", File(Inode(None, 5_000_000)))
        history = (HistoryEntry("ADD rootfs in /"), HistoryEntry('CMD ["bash"]', empty_layer=True),
                   HistoryEntry(f"COPY app{k} /opt/"), HistoryEntry("ENV A=1", empty_layer=True))
        images.append(Image(f"app{k}", (rootfs, own.freeze()), history, base="debian:bookworm", base_layers=1))
    upper = Layer()
    upper.put("/tmp", Dir())
    for i in range(300):
        upper.put(f"/tmp/out{i:03}", File(Inode(b"o")))
    upper.put("/etc", Dir())
    upper.put("/etc/motd", File(Inode(b"x" * 290)))
    c = Container("busy", images[0], upper)
    t = Trace("write", "/etc/motd", probes=[Probe(2, "/etc/motd", "miss"), Probe(1, "/etc/motd", "miss"),
                                            Probe(0, "/etc/motd", "found")], found_in=0,
              copied_up=[CopyUp("/etc/motd", 0, 286)], changes=[Change("C", "/etc/motd")])
    return Scene(images, [c], [t], target="busy", command="echo more >> /etc/motd")


def test_thousands_of_files_draw_as_a_summary() -> None:
    dot = scene_dot(big_scene())
    assert f"{FILES + 1:,} files" in dot
    assert "file7" not in dot                  # no wall of file names
    assert dot.count("/tmp/out") <= 9          # container list is cut ...
    assert "more" in dot                       # ... and says how much is left out
    assert len(dot) < 40_000


def test_big_scene_renders() -> None:
    svg = to_svg(scene_dot(big_scene()))
    assert 'id="c_busy"' in svg and "Shared layers" in svg
