"""Images and containers: stacks of frozen layers, and one writable layer on top.

An image is an ordered tuple of frozen layers (bottom first) plus its history:
one entry per build step, ``empty_layer`` for the steps that only change
metadata (ENV, CMD, ...), exactly as ``docker history`` lists them. Nothing
here knows what a Dockerfile is: ``created_by`` is just text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .layer import Layer


@dataclass(frozen=True)
class HistoryEntry:
    created_by: str
    empty_layer: bool = False
    comment: str = ""


@dataclass
class Image:
    name: str
    layers: tuple[Layer, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    config: dict = field(default_factory=dict)
    # What the base image says about itself: its reference ("debian:bookworm",
    # "scratch"), how many of ``layers`` are its rootfs, its PRETTY_NAME, and
    # whether its data is approximate (hand-made catalog, placeholder).
    base: str = "scratch"
    base_layers: int = 0
    os_release: str = ""
    approximate: bool = False

    def layer_for_history(self, index: int) -> int | None:
        """Index in ``layers`` of the layer that history entry ``index`` made."""
        n = -1
        for i, h in enumerate(self.history):
            if not h.empty_layer:
                n += 1
            if i == index:
                return None if h.empty_layer else n
        raise IndexError(index)

    @property
    def size(self) -> int:
        """Virtual size: every layer's bytes, as ``docker images`` shows."""
        return sum(layer.size for layer in self.layers)


@dataclass
class Container:
    name: str
    image: Image
    upper: Layer = field(default_factory=Layer)

    @property
    def size(self) -> int:
        """``docker ps -s`` SIZE: the bytes in the writable layer only."""
        return self.upper.size

    @property
    def virtual_size(self) -> int:
        return self.image.size + self.upper.size
