"""``Layer.parent_dirs`` reads the child index; it must be every proper parent of the entries (and /)."""

from __future__ import annotations

import random

from app.engine import Dir, File, Inode, Layer


def _walked(layer: Layer) -> set[str]:
    """Every proper parent of every entry, by walking each path up: the plain definition."""
    parents = set()
    for path in layer.entries:
        while path != "/":
            path = path.rsplit("/", 1)[0] or "/"
            parents.add(path)
    return parents


def test_parent_dirs_are_the_walked_parents_with_implicit_ones_and_after_removals():
    rng = random.Random(6)
    for _ in range(40):
        layer = Layer()
        for n in range(rng.randint(0, 30)):
            path = "/" + "/".join(rng.choice("abc") for _ in range(rng.randint(1, 4)))
            layer.put(path, Dir() if rng.random() < 0.3 else File(Inode(b"x" * n)))
        for path in rng.sample(sorted(layer.entries), k=len(layer.entries) // 3):
            if path in layer.entries and rng.random() < 0.5:
                layer.remove_subtree(path)
            elif path in layer.entries:
                layer.remove(path)
        assert layer.parent_dirs() == _walked(layer)
