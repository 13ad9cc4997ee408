"""The SVG of every example scene names its layers and shows the step's effect.

Second after the DOT golden files: here Graphviz really runs, and we read the
texts a student would see. Texts are checked one SVG ``<text>`` at a time,
because Graphviz splits a label wherever the font changes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from app.render import scene_dot, to_png, to_svg
from render_examples import EXAMPLES

SVG_NS = "{http://www.w3.org/2000/svg}"

# scene -> texts that must appear (each inside one <text> element)
EXPECTED = {
    "add": ["web-1", "container layer", "#2", "#0", "rootfs", "Linux kernel 6.1",
            "/tmp/notes.txt", "2. write: new file", "1. search", "$ echo hi > /tmp/notes.txt"],
    "read_found": ["/etc/nginx/nginx.conf", "✓ found here", "2. read 1.45 kB", "1. search"],
    "modify_copy_up": ["/etc/motd", "copied up from #0 · 286 B", "2. copy-up", "286 B",
                       "3. write", "copied up from here", "289 B"],
    "delete_whiteout": ["/etc/issue", "whiteout .wh.issue", "2. whiteout",
                        "hidden from web-1 by its whiteout", "D"],
    "read_after_whiteout": ["ENOENT: No such file or directory", "whiteout: search stops",
                            "not searched", "2. stopped: ENOENT",
                            "the whiteout in the container layer stopped the search"],
    "opaque_dir": ["opaque dir · .wh..wh..opq", "2. opaque dir", "hidden from web-1 by its opaque dir"],
    "build_run": ["new layer", "/usr/bin/curl", "copied up from #0 · 79.8 kB",
                  "1. copy-up", "79.8 kB", "2. write", "RUN apt-get update && apt-get install -y"],
    "metadata_step": ["0 B · metadata", "this step", "no filesystem layer: only the image config changes",
                      "1. this step", "ENV APP_HOME=/srv/app"],
    "scratch_image": ["hello-world", "FROM scratch: no rootfs — the image holds only its own files",
                      "13.3 kB", "COPY hello /"],
    "three_bases": ["debian:bookworm", "ubuntu:24.04", "centos:7", "approximate data",
                    "Ubuntu 24.04.1 LTS", "CentOS Linux 7 (Core)", "Debian GNU/Linux 12 (bookworm)"],
    "shared_layer": ["Shared layers", "stored once", "used by web, api", "web", "api"],
    "two_containers": ["cafe-1", "cafe-2", "/home/guest/notes.txt", "whiteout .wh.motd",
                       "cafe-1 still sees /etc/motd"],
}


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iter(f"{SVG_NS}text")]


@pytest.fixture(scope="module")
def svgs() -> dict[str, str]:
    return {name: to_svg(scene_dot(make())) for name, make in EXAMPLES.items()}


def test_every_example_has_expectations() -> None:
    assert set(EXPECTED) == set(EXAMPLES)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_svg_names_layers_and_effect(svgs, name: str) -> None:
    found = texts(svgs[name])
    missing = [want for want in EXPECTED[name] if not any(want in t for t in found)]
    assert not missing, f"{name}: not in the SVG: {missing}"


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_svg_is_an_inlinable_fragment(svgs, name: str) -> None:
    svg = svgs[name]
    assert svg.startswith("<svg")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg


def test_svg_ids_are_the_dot_node_names(svgs) -> None:
    """Stable ids: a page can find the container layer or layer #0 by name."""
    svg = svgs["modify_copy_up"]
    for node_id in ("c_web_1", "i_web_h0", "i_web_h3", "host_kernel", "cluster_host", "op"):
        assert f'id="{node_id}"' in svg


def test_shared_layer_is_drawn_once(svgs) -> None:
    found = texts(svgs["shared_layer"])
    assert sum(1 for t in found if t.strip() == "#0") == 1
    assert sum(1 for t in found if t.strip() == "#2") == 2   # each image's own RUN layer


def test_one_kernel_under_three_base_images(svgs) -> None:
    found = texts(svgs["three_bases"])
    assert sum(1 for t in found if "Linux kernel 6.1" in t) == 1
    assert sum(1 for t in found if "rootfs" in t) == 3


def test_scratch_image_has_no_rootfs_row(svgs) -> None:
    found = texts(svgs["scratch_image"])
    assert not any(t.strip() == "rootfs" for t in found)
    assert not any("Debian" in t for t in found)


def test_failed_read_says_why(svgs) -> None:
    found = texts(svgs["read_after_whiteout"])
    assert any("ENOENT" in t for t in found)
    assert not any("found here" in t for t in found)


def test_chinese_scene_keeps_taught_terms_bilingual() -> None:
    scene = EXAMPLES["read_after_whiteout"]()
    scene.lang = "zh"
    found = texts(to_svg(scene_dot(scene)))
    for want in ("容器层 container layer", "镜像层 image layers", "根文件系统 rootfs",
                 "白障 whiteout", "内核 kernel", "容器层中的白障让查找停止"):
        assert any(want in t for t in found), want


def test_png_is_a_png() -> None:
    png = to_png(scene_dot(EXAMPLES["scratch_image"]()))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_png_dpi_scales_the_picture() -> None:
    import struct
    dot = scene_dot(EXAMPLES["scratch_image"]())
    small, large = to_png(dot, dpi=72), to_png(dot, dpi=144)
    width = lambda png: struct.unpack(">I", png[16:20])[0]  # noqa: E731  (IHDR width)
    assert width(large) > 1.8 * width(small)
