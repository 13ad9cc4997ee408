"""Where images and containers live: a content-addressed store of layers.

Why content addressing: Docker stores each layer once, under its ChainID
(the layer's DiffID combined with everything below it, OCI image spec). Two
images built from the same base hold the *same* base layer objects, and
``docker system df -v`` splits every image's size into SHARED SIZE (layers
some other image also uses) and UNIQUE SIZE (layers only it uses). A layer
with the same contents on a different parent is a different snapshot, so it
is *not* shared: the key is the ChainID, not the DiffID.

Sizes are the layers' content bytes (``Layer.size``: each inode once, plus
symlink targets), the number ``docker history`` and ``docker images`` show.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .image import Container, Image
from .layer import Layer
from .tarball import chain_ids, diff_id


@dataclass
class StoredLayer:
    chain_id: str
    diff_id: str
    layer: Layer
    size: int
    images: set[str] = field(default_factory=set)  # names of the images using it


@dataclass(frozen=True)
class ImageUsage:
    """One row of ``docker system df -v``'s image table."""

    name: str
    size: int  # SIZE: every layer (virtual size)
    shared_size: int  # layers another image uses too
    unique_size: int  # layers only this image uses
    containers: int


@dataclass(frozen=True)
class ContainerUsage:
    """One row of ``docker ps -s``: ``size (virtual virtual_size)``."""

    name: str
    image: str
    size: int
    virtual_size: int


@dataclass(frozen=True)
class DiskUsage:
    """``docker system df``: what is really on disk, against the naive sum."""

    images: int
    layers: int
    images_size: int  # every stored layer once
    containers: int
    containers_size: int  # every writable layer
    naive_virtual_total: int  # summing the virtual sizes: counts shared layers many times


class Store:
    """Images and containers by name; their layers stored once per ChainID."""

    def __init__(self) -> None:
        self.layers: dict[str, StoredLayer] = {}
        self.images: dict[str, Image] = {}
        self.containers: dict[str, Container] = {}

    # -- images ----------------------------------------------------------------
    def add_image(self, image: Image) -> Image:
        """Store ``image``; returns it with its layers replaced by the stored
        objects (so identical layers of two images are one object)."""
        if image.name in self.images:
            self.remove_image(image.name)
        stored: list[Layer] = []
        for layer, chain in zip(image.layers, chain_ids(image.layers)):
            entry = self.layers.get(chain)
            if entry is None:
                layer.freeze()
                entry = self.layers[chain] = StoredLayer(chain, diff_id(layer), layer, layer.size)
            entry.images.add(image.name)
            stored.append(entry.layer)
        image = replace(image, layers=tuple(stored))
        self.images[image.name] = image
        return image

    def remove_image(self, name: str) -> None:
        """``docker rmi``: layers no other image uses are deleted."""
        self.images.pop(name)
        for chain in [c for c, e in self.layers.items() if name in e.images]:
            entry = self.layers[chain]
            entry.images.discard(name)
            if not entry.images:
                del self.layers[chain]

    def image_usage(self, name: str) -> ImageUsage:
        image = self.images[name]
        size = shared = 0
        for chain in chain_ids(image.layers):
            entry = self.layers[chain]
            size += entry.size
            if len(entry.images) > 1:
                shared += entry.size
        used_by = sum(1 for c in self.containers.values() if c.image.name == name)
        return ImageUsage(name, size, shared, size - shared, used_by)

    def system_df(self) -> list[ImageUsage]:
        """``docker system df -v``, images sorted by name."""
        return [self.image_usage(name) for name in sorted(self.images)]

    # -- containers ------------------------------------------------------------
    def create_container(self, name: str, image_name: str) -> Container:
        """``docker create``: a new empty writable layer over the image."""
        container = Container(name, self.images[image_name])
        self.containers[name] = container
        return container

    def ps_sizes(self) -> list[ContainerUsage]:
        return [ContainerUsage(c.name, c.image.name, c.size, c.virtual_size)
                for c in sorted(self.containers.values(), key=lambda c: c.name)]

    def disk_usage(self) -> DiskUsage:
        images_size = sum(e.size for e in self.layers.values())
        containers_size = sum(c.size for c in self.containers.values())
        naive = sum(i.size for i in self.images.values()) + sum(
            c.virtual_size for c in self.containers.values())
        return DiskUsage(len(self.images), len(self.layers), images_size, len(self.containers),
                         containers_size, naive)
