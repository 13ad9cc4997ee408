"""`layerlab images` lists what the catalog knows, real or approximate, with sizes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app import catalog
from app.catalog.listing import known_images

ROOT = Path(__file__).resolve().parents[2]


def test_every_alias_is_listed_once_with_what_base_image_says():
    images = known_images()
    refs = [ref for image in images for ref in image.refs]
    assert len(refs) == len(set(refs))
    for image in images:
        base = catalog.base_image(image.refs[0])
        assert (image.size, image.approximate) == (base.size, base.approximate)
        assert image.size > 1_000_000


def test_debian_is_real_data_and_ubuntu_approximate():
    by_ref = {image.refs[0]: image for image in known_images()}
    assert by_ref["debian:bookworm"].approximate is False
    assert by_ref["ubuntu:24.04"].approximate is True
    assert "debian:latest" in by_ref["debian:bookworm"].refs


def test_the_command_prints_a_table():
    result = subprocess.run([sys.executable, "-m", "app.cli", "images"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    line = next(row for row in result.stdout.splitlines() if row.startswith("debian:bookworm "))
    assert " real " in line and "MB" in line
    assert "placeholder" in result.stdout


def test_the_official_images_are_listed_approximate_with_their_layers(capsys):
    from app.cli import main

    by_ref = {image.refs[0]: image for image in known_images()}
    for ref, layers in (("nginx:1.27", 7), ("httpd:2.4", 6), ("redis:7", 8), ("postgres:15", 14),
                        ("golang:1.22", 7), ("python:3.12-slim", 4), ("debian:bookworm-slim", 1)):
        assert by_ref[ref].layers == layers and by_ref[ref].approximate is (ref != "debian:bookworm-slim")
    assert "nginx:latest" in by_ref["nginx:1.27"].refs and "nginx:1.25-bookworm" in by_ref["nginx:1.25"].refs
    assert main(["images"]) == 0
    out = capsys.readouterr().out
    for ref in ("nginx:1.27", "nginx:1.25", "httpd:2.4", "redis:7", "postgres:15", "golang:1.22"):
        line = next(row for row in out.splitlines() if row.startswith(ref + " "))
        assert " approximate " in line and "MB" in line
