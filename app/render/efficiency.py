"""Wasted space and the efficiency score, with dive's definitions.

dive (github.com/wagoodman/dive, dive/filetree/efficiency.go) walks the leaf
entries of every layer, bottom first, and keeps per path:

- the sum over layers of the bytes each layer holds at that path (a file: its
  size; a directory or symlink: 0, as their tar headers say); a whiteout of a
  directory counts the bytes of everything under it in the layers below
  (stacked), a whiteout of a file counts 0;
- the smallest of those amounts.

score = sum of each path's smallest / sum of each path's total (1.0 when there
are no bytes at all); wasted = the totals of the paths found in two or more
layers (dive's "inefficiencies", largest first). A file written in one layer
and removed in the next wastes its size; one overwritten wastes both copies.
dive does not read opaque directories, so neither does this (an opaque
directory is a leaf of size 0 when it is empty, like any other).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.engine import Layer
from app.engine.layer import File, Whiteout

from .inspect import merge


@dataclass(frozen=True)
class Waste:
    path: str
    total: int          # bytes summed over the layers holding the path
    layers: tuple[int, ...]


@dataclass(frozen=True)
class Efficiency:
    score: float        # 0..1, dive's "efficiency"
    wasted: int         # bytes: dive's "potential wasted space"
    inefficiencies: tuple[Waste, ...]   # largest first

    def as_json(self, top: int | None = 20) -> dict:
        """``layerlab build --json``'s figures: the ``top`` largest wasted paths (None: all)."""
        return {"efficiency": self.score, "wasted_bytes": self.wasted,
                "inefficiencies": [{"path": w.path, "wasted_bytes": w.total, "layers": list(w.layers)}
                                   for w in self.inefficiencies[:top]]}


def leaf_sizes(layer: Layer) -> dict[str, int | None]:
    """path -> bytes for each leaf entry (no children in this layer); None marks a whiteout.
    A hard link's contents count once (a tar stores them with the first name)."""
    seen: set[int] = set()
    out: dict[str, int | None] = {}
    for path, node in layer.items():
        if layer.children(path):
            continue
        if isinstance(node, Whiteout):
            out[path] = None
        elif isinstance(node, File) and id(node.inode) not in seen:
            seen.add(id(node.inode))
            out[path] = node.inode.size
        else:
            out[path] = 0
    return out


def under(merged_nodes: dict, path: str) -> int:
    """Bytes of the files at and below ``path`` in a stacked tree (a whiteout's dir)."""
    prefix = path.rstrip("/") + "/"
    return sum(node.inode.size for p, (node, _) in merged_nodes.items()
               if (p == path or p.startswith(prefix)) and isinstance(node, File))


def efficiency(layers: tuple[Layer, ...] | list[Layer]) -> Efficiency:
    totals: dict[str, int] = {}
    smallest: dict[str, int] = {}
    holders: dict[str, list[int]] = {}
    for i, layer in enumerate(layers):
        stacked = None
        for path, size in leaf_sizes(layer).items():
            if size is None:
                stacked = stacked or merge(layers, i - 1).nodes if i > 0 else {}
                size = under(stacked, path) if _is_dir(stacked, path) else 0
            totals[path] = totals.get(path, 0) + size
            smallest[path] = min(smallest.get(path, size), size)
            holders.setdefault(path, []).append(i)
    everything = sum(totals.values())
    score = 1.0 if everything == 0 else sum(smallest.values()) / everything
    waste = sorted((Waste(p, totals[p], tuple(ks)) for p, ks in holders.items() if len(ks) >= 2),
                   key=lambda w: (-w.total, w.path))
    return Efficiency(score, sum(w.total for w in waste), tuple(waste))


def _is_dir(stacked: dict, path: str) -> bool:
    hit = stacked.get(path)
    return hit is not None and hit[0].type == "dir"


_CACHE: dict[tuple[int, ...], tuple[tuple[Layer, ...], Efficiency]] = {}


def image_efficiency(layers: tuple[Layer, ...]) -> Efficiency:
    """``efficiency`` once per process per stack of frozen layers."""
    key = tuple(id(layer) for layer in layers)
    hit = _CACHE.get(key)
    if hit is None or hit[0] != layers:
        if len(_CACHE) >= 64:
            _CACHE.pop(next(iter(_CACHE)))
        hit = _CACHE[key] = (tuple(layers), efficiency(layers))
    return hit[1]
