"""``docker history IMAGE`` as the inspector shows it: one line per history entry, newest first.

``docker history`` prints every entry, a layer's or metadata only (ENV, CMD:
0 B), with the full ``created_by`` and the layer's size; the inspector links
each line that made a layer to that layer. Sizes are ``Layer.size`` (what the
layer's tar holds, as Docker counts), through inspect's per-process cache.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.engine import Image

from .inspect import layer_size
from .stack import history_rows


@dataclass(frozen=True)
class HistoryLine:
    tag: str                 # "#2", as the diagram numbers the row
    created_by: str
    size: int
    layer: int | None        # index into image.layers; None: metadata only (0 B)


def history_table(image: Image) -> list[HistoryLine]:
    """Newest first, as ``docker history`` prints it."""
    lines = [HistoryLine(f"#{row.number}", row.created_by,
                         0 if row.layer is None else layer_size(image.layers[row.layer]), row.layer)
             for row in history_rows(image, "x")]
    return lines[::-1]
