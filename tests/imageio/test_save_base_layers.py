"""An image FROM an official image of several base layers saves and reads back layer for layer:
bookworm-slim's layer first (the same diff_id as debian:bookworm-slim's own), then the base's
own layers with their official history, then the build's (`build --json` says the same)."""

from __future__ import annotations

from app.build import ContextFile, build
from app.catalog import base_image
from app.engine.changeset import image_json
from app.engine.tarball import diff_id
from app.imageio import read_archive, write_docker_archive


def test_several_base_layers_save_and_read_back_with_their_history(tmp_path):
    image = build("FROM redis:7\nCOPY redis.conf /usr/local/etc/redis/\n",
                  {"redis.conf": ContextFile(b"maxmemory 64mb\n")}, name="cache").image
    base = base_image("redis:7")
    assert image.base_layers == len(base.layers()) == 8 and len(image.layers) == 9
    out = tmp_path / "cache.tar"
    write_docker_archive(image, out, "cache:1")
    imported = read_archive(out)
    made = [layer for layer in imported.layers if not layer.empty_layer]
    assert len(made) == 9
    assert [layer.created_by for layer in made[:8]] == [created_by for created_by, _ in base.history]
    assert made[0].diff_id == "sha256:" + diff_id(base_image("debian:bookworm-slim").layer()).removeprefix("sha256:")
    wanted = image_json(image)["layers"]
    assert [(l.created_by, l.diff_id) for l in imported.layers] == [(w["created_by"], w["diff_id"]) for w in wanted]
    assert made[-1].created_by == "COPY redis.conf /usr/local/etc/redis/ # buildkit"
