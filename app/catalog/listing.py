"""Every base image the catalog knows, grouped: one entry per image with all the
tags that name it, for ``layerlab images`` and the README.

Why a list and not a guess: an instructor who writes ``FROM python:3.12-slim``
should learn before the lesson is played whether the simulator has that image
from real data, approximate data, or only a placeholder.
"""

from __future__ import annotations

from dataclasses import dataclass

from .images import ALIASES, base_image


@dataclass(frozen=True)
class KnownImage:
    refs: tuple[str, ...]  # every name:tag that means this image, the first one canonical
    size: int  # bytes, as docker images shows them
    approximate: bool
    pretty_name: str
    note: str
    layers: int  # how many layers: 1, or bookworm-slim's + the official Dockerfile's


def known_images() -> list[KnownImage]:
    """The catalog's images in the order the catalog lists them (no placeholders)."""
    groups: dict[object, list[str]] = {}
    for ref, (kind, key) in ALIASES.items():
        groups.setdefault((kind, key), []).append(ref)
    out = []
    for refs in groups.values():
        refs.sort(key=lambda ref: ref.endswith(":latest"))  # a versioned tag names it best
        image = base_image(refs[0])
        out.append(KnownImage(tuple(refs), image.size, image.approximate, image.pretty_name, image.note,
                              max(1, len(image.history))))
    return out
