"""Where every layer goes: one column per image, a band for shared layers.

A diagram shows images side by side over one host. A ``Layer`` object used
by several images of the scene is drawn once, in the shared band below their
columns (the layered-image lesson: "stored once"). Every row gets a node name
made from the image name and its ``docker history`` number, never from memory
addresses, so the DOT of two steps differs only where the layers differ.

This module decides placement only; ``dot.py`` draws.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.engine import Container, Image


@dataclass
class Row:
    """One line of ``docker history``: a filesystem layer or a metadata entry."""

    image: Image
    number: int              # as numbered in the diagram: history index, 0 = oldest
    created_by: str
    layer: int | None        # index into image.layers; None = metadata only
    node: str                # DOT node name

    @property
    def is_metadata(self) -> bool:
        return self.layer is None

    @property
    def from_base(self) -> bool:
        """A layer of the base image (FROM's), as pulled, not built here."""
        return self.layer is not None and self.layer < self.image.base_layers

    @property
    def is_rootfs(self) -> bool:
        """The bottom layer of a base: the distribution's tree (an official image's
        later base layers are its own RUNs)."""
        return self.from_base and self.layer == 0


@dataclass
class Column:
    image: Image
    slug: str
    rows: list[Row]                    # own rows, top (newest) first
    containers: list[Container] = field(default_factory=list)
    joins_shared: str | None = None    # node of its topmost shared layer


@dataclass
class Stack:
    columns: list[Column]
    shared: list[Row]                  # shared band, top first
    shared_by: list[str]               # image names using the shared band
    layer_nodes: dict[tuple[int, int], str]   # (column index, layer index) -> node


def slug(name: str) -> str:
    """A DOT-safe identifier from an image or container name."""
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_") or "x"


def history_rows(image: Image, prefix: str) -> list[Row]:
    """Rows bottom-first: one per history entry, plus rows for layers history omits.

    Hand-made images may carry no history; every layer still gets a row so
    nothing the engine holds goes undrawn.
    """
    rows: list[Row] = []
    next_layer = 0
    for i, entry in enumerate(image.history):
        layer = None
        if not entry.empty_layer and next_layer < len(image.layers):
            layer = next_layer
            next_layer += 1
        rows.append(Row(image, i, entry.created_by, layer, f"{prefix}_h{i}"))
    for layer in range(next_layer, len(image.layers)):
        n = len(rows)
        rows.append(Row(image, n, f"layer {layer}", layer, f"{prefix}_h{n}"))
    return rows


def plan(images: list[Image], containers: list[Container]) -> Stack:
    """Place images in columns, containers over them, shared layers once."""
    images = list(images)
    for c in containers:
        if not any(c.image is img for img in images):
            images.append(c.image)
    users: dict[int, set[int]] = {}
    for k, img in enumerate(images):
        for layer in img.layers:
            users.setdefault(id(layer), set()).add(k)
    shared_ids = {lid for lid, ks in users.items() if len(ks) > 1}

    taken: set[str] = set()
    columns: list[Column] = []
    shared: list[Row] = []
    shared_drawn: dict[int, str] = {}   # id(layer) -> node
    shared_by: list[str] = []
    layer_nodes: dict[tuple[int, int], str] = {}
    first_sharer: Image | None = None
    for k, img in enumerate(images):
        name = slug(img.name)
        while name in taken:
            name += "_"
        taken.add(name)
        prefix = f"i_{name}"
        rows = history_rows(img, prefix)
        top_shared = max((r.number for r in rows if r.layer is not None
                          and id(img.layers[r.layer]) in shared_ids), default=-1)
        own = [r for r in rows if r.number > top_shared]
        joins = None
        if top_shared >= 0:
            shared_by.append(img.name)
            first_sharer = first_sharer or img
            for r in rows[: top_shared + 1]:
                if r.layer is None:
                    # metadata between shared layers: drawn with the first sharer only
                    if img is first_sharer:
                        shared.append(r)
                    continue
                lid = id(img.layers[r.layer])
                if lid in shared_drawn:
                    layer_nodes[(k, r.layer)] = shared_drawn[lid]
                else:
                    shared_drawn[lid] = r.node
                    layer_nodes[(k, r.layer)] = r.node
                    shared.append(r)
            top_row = rows[top_shared]
            joins = layer_nodes[(k, top_row.layer)]
        for r in own:
            if r.layer is not None:
                layer_nodes[(k, r.layer)] = r.node
        own.reverse()
        col = Column(img, name, own, [c for c in containers if c.image is img], joins)
        columns.append(col)
    shared.sort(key=lambda r: r.number, reverse=True)
    return Stack(columns, shared, shared_by, layer_nodes)
