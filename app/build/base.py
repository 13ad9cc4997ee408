"""FROM's image: scratch, or a base image from the catalog (a placeholder when it lacks one)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app import catalog
from app.engine import HistoryEntry, Image

from .results import Uncertain
from .state import DEFAULT_PATH


@dataclass
class Base:
    """A base image, with what the step that pulls it should say about it."""

    image: Image
    notes: list[str] = field(default_factory=list)
    uncertain: list[Uncertain] = field(default_factory=list)


def base_image(ref: str, name: str) -> Base:
    """The image ``FROM ref`` starts from, named ``name``."""
    if ref == "scratch":
        return Base(Image(name=name, base="scratch", config={"Env": [f"PATH={DEFAULT_PATH}"]}))
    base = catalog.base_image(ref)
    notes: list[str] = []
    uncertain: list[Uncertain] = []
    if base is None:
        base = catalog.placeholder_base(ref)
        uncertain.append(Uncertain.PLACEHOLDER_BASE)
        notes.append(
            f"{ref} is not in layerlab's catalog: a placeholder base layer stands in for it"
            + (f" (distribution guessed: {base.distro})" if base.distro else "")
        )
    elif base.approximate:
        notes.append(f"{ref}: approximate data ({base.note})")
    config = dict(base.config or {})
    config.setdefault("Env", [f"PATH={DEFAULT_PATH}"])
    layers = base.layers()
    image = Image(
        name=name,
        layers=layers,
        history=_history(ref, base),
        config=config,
        base=ref,
        base_layers=len(layers),
        os_release=base.pretty_name,
        approximate=base.approximate,
        distro=base.distro or None,
    )
    return Base(image, notes, uncertain)


def _history(ref: str, base: catalog.BaseImage) -> tuple[HistoryEntry, ...]:
    """One row per base layer: ``FROM ref`` for a one-layer image; an official image's own rows
    (``docker history`` lists them under the build's), its note on the top one."""
    if not base.history:
        return (HistoryEntry(f"FROM {ref}", comment=base.note or ""),)
    rows = [HistoryEntry(created_by, comment=comment) for created_by, comment in base.history]
    rows[-1] = HistoryEntry(rows[-1].created_by, comment=base.note or rows[-1].comment)
    return tuple(rows)
