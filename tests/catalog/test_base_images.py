"""Base images: which references exist, and how faithful their trees are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.catalog import base_image, guess_distro, placeholder_base
from app.engine.layer import Dir, File
from app.engine.union import UnionFS

REAL_SIZES = Path(__file__).resolve().parents[2] / "app/catalog/data/real_sizes.json"


def real_sizes() -> dict:
    """Numbers tools/measure_real_sizes.py measured on a real debootstrap + overlayfs."""
    return json.loads(REAL_SIZES.read_text())


def test_debian_bookworm_rootfs_is_within_10_percent_of_the_real_tree():
    simulated = base_image("debian:bookworm").layer().size
    REAL = real_sizes()
    real = REAL["debian_bookworm"]["bytes"]
    assert abs(simulated - real) <= 0.10 * real, (
        f"simulated FROM debian:bookworm: {simulated} bytes; real (debootstrap + debuerreotype, "
        f"measured {REAL['measured']}): {real} bytes")


@pytest.mark.parametrize("ref", ["debian", "debian:latest", "debian:12", "docker.io/library/debian:bookworm"])
def test_debian_aliases_share_one_layer_object(ref):
    assert base_image(ref).layer() is base_image("debian:bookworm").layer()


def test_the_layer_is_frozen_and_built_once():
    layer = base_image("debian:bookworm").layer()
    assert layer.frozen
    assert base_image("debian:bookworm").layer() is layer


def test_debian_image_describes_itself_from_its_own_os_release():
    img = base_image("debian:bookworm")
    assert (img.distro, img.name, img.tag) == ("debian", "debian", "bookworm")
    assert img.pretty_name == "Debian GNU/Linux 12 (bookworm)"
    assert not img.approximate
    assert img.config["Cmd"] == ["bash"]
    assert any(e.startswith("PATH=") for e in img.config["Env"])
    assert "debootstrap" in img.note
    fs = UnionFS([img.layer()])
    text, _ = fs.read("/etc/os-release")  # a symlink to ../usr/lib/os-release, as in the image
    assert b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"' in text
    assert fs.read("/etc/debian_version")[0].startswith(b"12.")


def test_official_image_finishing_touches_are_in_the_tree():
    layer = base_image("debian:bookworm").layer()
    for path in ("/etc/apt/apt.conf.d/docker-clean", "/etc/apt/apt.conf.d/docker-gzip-indexes",
                 "/etc/apt/apt.conf.d/docker-no-languages", "/etc/apt/apt.conf.d/docker-autoremove-suggests",
                 "/etc/dpkg/dpkg.cfg.d/docker-apt-speedup", "/usr/sbin/policy-rc.d",
                 "/etc/apt/sources.list.d/debian.sources"):
        assert isinstance(layer.get(path), File), path
    assert layer.get("/etc/hostname").inode.data == b"debuerreotype\n"
    # apt lists and caches are not shipped; /etc/machine-id neither.
    assert isinstance(layer.get("/var/lib/apt/lists"), Dir)
    assert not layer.children("/var/lib/apt/lists")
    assert not [n for n in layer.children("/var/cache/apt/archives") if n.endswith(".deb")]
    assert layer.get("/etc/machine-id") is None


def test_slim_is_smaller_and_keeps_only_copyright_files_in_usr_share_doc():
    full, slim = base_image("debian:bookworm"), base_image("debian:bookworm-slim")
    assert slim.size < full.size
    slim_layer = slim.layer()
    doc_files = [p for p in slim_layer if p.startswith("/usr/share/doc/") and
                 isinstance(slim_layer.get(p), File)]
    assert doc_files, "slim keeps the copyright files"
    assert all(p.endswith("/copyright") for p in doc_files), [p for p in doc_files if not p.endswith("/copyright")][:5]
    assert not any(p.startswith("/usr/share/man/") and isinstance(slim_layer.get(p), File) for p in slim_layer)
    assert isinstance(slim_layer.get("/etc/dpkg/dpkg.cfg.d/docker"), File)  # slim's path-exclude rules
    full_layer = full.layer()
    assert any(p.startswith("/usr/share/man/") and isinstance(full_layer.get(p), File) for p in full_layer)


@pytest.mark.parametrize("ref,distro,pretty", [
    ("ubuntu", "ubuntu", "Ubuntu 24.04.1 LTS"), ("ubuntu:22.04", "ubuntu", "Ubuntu 22.04.4 LTS"),
    ("centos", "centos", "CentOS Linux 7 (Core)"), ("centos:7", "centos", "CentOS Linux 7 (Core)"),
    ("alpine", "alpine", "Alpine Linux v3.20"), ("alpine:3.19", "alpine", "Alpine Linux v3.19"),
    ("busybox", "busybox", "BusyBox v1.36.1"),
])
def test_hand_made_images_are_flagged_approximate(ref, distro, pretty):
    img = base_image(ref)
    assert (img.distro, img.pretty_name, img.approximate) == (distro, pretty, True)
    assert "approximate" in img.note
    assert img.layer().size == img.size
    fs = UnionFS([img.layer()])
    assert fs.exists("/bin/sh")


@pytest.mark.parametrize("ref,published", [
    ("alpine:3.19", 7_380_000), ("alpine:3.20", 7_800_000), ("ubuntu:22.04", 77_900_000),
    ("ubuntu:24.04", 78_100_000), ("centos:7", 204_000_000), ("busybox", 4_260_000)])
def test_hand_made_sizes_match_the_published_sizes(ref, published):
    assert base_image(ref).size == published


def test_unknown_reference_is_none():
    assert base_image("myorg/app") is None
    assert base_image("golang:1.21-bookworm") is None  # golang:1.22 is in the catalog, 1.21 is not


@pytest.mark.parametrize("ref,distro", [
    ("golang:1.22-bookworm", "debian"), ("python:3.12-slim", "debian"), ("node:20-bullseye", "debian"),
    ("python:3.12-alpine", "alpine"), ("nginx:alpine", "alpine"), ("ubuntu:20.04", "ubuntu"),
    ("fedora:40", "centos"), ("rockylinux:9", "centos"), ("golang:1.22", "debian"), ("myorg/app", None),
])
def test_guess_distro(ref, distro):
    assert guess_distro(ref) == distro


def test_placeholder_is_named_flagged_and_keeps_a_package_manager():
    img = placeholder_base("golang:1.22-bookworm")
    assert img.ref == "golang:1.22-bookworm" and img.distro == "debian"
    assert img.approximate and "placeholder" in img.note
    fs = UnionFS([img.layer()])
    assert fs.exists("/var/lib/dpkg/status") and fs.exists("/etc/apt/sources.list.d/debian.sources")
    assert fs.exists("/PLACEHOLDER.txt")
    assert placeholder_base("golang:1.22-bookworm").layer() is img.layer()
    alpine = placeholder_base("python:3.12-alpine")
    assert alpine.distro == "alpine" and UnionFS([alpine.layer()]).exists("/etc/apk/world")


def test_other_debian_releases_are_bookworms_tree_relabelled_and_flagged():
    from app.engine.layer import Layer
    from app.engine.union import UnionFS

    image = base_image("debian:trixie-slim")
    assert image.approximate and "bookworm" in image.note
    assert image.pretty_name == "Debian GNU/Linux 13 (trixie)"
    assert base_image("debian:13-slim").layer() is image.layer()
    fs = UnionFS([image.layer()], Layer())
    assert b"Suites: trixie trixie-updates" in fs.read("/etc/apt/sources.list.d/debian.sources")[0]
    assert fs.read("/etc/debian_version")[0].startswith(b"13.")


def test_a_windows_base_is_a_placeholder_whose_runs_use_cmd():
    # docker runs shell-form RUN on Windows images with `cmd /S /C`; layerlab simulates POSIX sh only
    assert guess_distro("mcr.microsoft.com/windows/servercore:ltsc2025") == "windows"
    assert guess_distro("golang:1.27-nanoserver-ltsc2025") == "windows"
    image = placeholder_base("mcr.microsoft.com/windows/servercore:ltsc2025")
    assert image.approximate and "placeholder" in image.note
    assert image.config["Shell"] == ["cmd", "/S", "/C"]
