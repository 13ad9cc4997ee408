"""What one build shares with the next (base layers, cached steps, sizes kept on frozen layers) cannot leak.

The catalog's base layers are one object per process, the build cache hands the
very same steps and layers to every build that hits it, and a frozen layer
keeps its size once computed. So a build that changes files of a shared layer
must change its own copy only: the same Dockerfile built again, before and
after, gives the same ``layerlab build --json``.
"""

from __future__ import annotations

import json

import pytest

from app.engine import File, Inode, Layer, ReadOnly
from app.engine.changeset import image_json
from app.engine.image import copy_layer
from app.runtime import BuildCache, ContextFile, Runtime

FIRST = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y less\nCOPY app.txt /srv/app.txt\n"
# On top of FIRST: changes files of the base layer, of the cached apt layer and of the COPY layer.
SECOND = FIRST + ("RUN echo more >> /etc/motd && chmod 600 /etc/hostname && rm -rf /usr/share/doc/less"
                  " && echo changed > /srv/app.txt && chown 1000:1000 /srv/app.txt && ln /bin/less /bin/more2"
                  " && chmod 700 /usr/bin/lesskey\n")
CONTEXT = {"app.txt": ContextFile.text("hello\n", 0o644)}


def as_json(image) -> str:
    return json.dumps(image_json(image), sort_keys=True)


def test_the_same_build_twice_around_a_build_that_changes_shared_files_gives_the_same_json():
    before = as_json(Runtime().build(FIRST, CONTEXT, tag="app").image)
    changed = Runtime().build(SECOND, CONTEXT, tag="app")
    assert not changed.failed
    assert as_json(Runtime().build(FIRST, CONTEXT, tag="app").image) == before


def test_a_cached_step_is_the_same_after_a_build_on_top_of_it_changed_its_files():
    cache = BuildCache()
    first = Runtime(cache=cache).build(FIRST, CONTEXT, tag="app")
    before = as_json(first.image)
    on_top = Runtime(cache=cache).build(SECOND, CONTEXT, tag="app")
    assert not on_top.failed and cache.hits == 3  # FROM, RUN apt-get and COPY came from the cache
    again = Runtime(cache=cache).build(FIRST, CONTEXT, tag="app")
    assert again.image.layers == first.image.layers  # the very same layer objects...
    assert as_json(again.image) == before  # ... holding what they held


def test_every_layer_of_a_built_image_is_frozen():
    image = Runtime().build(FIRST, CONTEXT, tag="app").image
    for layer in image.layers:
        with pytest.raises(ReadOnly):
            layer.put("/leak", File(Inode(b"x")))
        with pytest.raises(ReadOnly):
            layer.remove("/etc")
        assert layer.size == copy_layer(layer).size  # the size it keeps is the size of what it holds


def test_a_writable_layer_does_not_keep_its_size():
    layer = Layer()
    layer.put("/a", File(Inode(b"12")))
    assert layer.size == 2
    layer.put("/b", File(Inode(b"345")))
    assert layer.size == 5
    assert layer.freeze().size == 5
