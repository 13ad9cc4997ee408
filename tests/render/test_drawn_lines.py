"""drawn.py picks a big layer's diff lines from a per-layer index; it must pick what the plain way does.

The plain way (``plain_pick`` below, what tables.py did before) builds a
``DiffLine`` for every entry, folds parent dirs and ranks them all. Random
layers with many equal sizes (ties broken by path), dirs over lower dirs,
whiteouts, opaque dirs, symlinks, copy-ups and partly touched steps are
drawn both ways.
"""

from __future__ import annotations

import heapq
import os
import random

from app.engine import Change, CopyUp, Dir, File, Inode, Layer, Symlink, Trace, Whiteout
from app.render.diff import ancestor_dirs, diff_lines
from app.render.drawn import drawn_lines, layer_index
from app.render.fitting import layer_counts
from app.render.style import MAX_COPY_LINES, MAX_DIFF_LINES

CASES = int(os.environ.get("LAYERLAB_DRAWN_CASES", "60"))


def plain_pick(upper: Layer, lowers: list[Layer], traces: list[Trace]):
    """(shown, hidden, parents by letter) the way diff_rows chose them line by line."""
    lines = diff_lines(upper, lowers, traces, ordered=False)
    ancestors = ancestor_dirs(ln.path for ln in lines)
    parents = sorted((ln for ln in lines if ln.kind == "dir" and ln.how in ("copied", "new")
                      and not ln.touched and ln.path in ancestors), key=lambda ln: ln.path)
    folded = {id(ln) for ln in parents}
    lines = [ln for ln in lines if id(ln) not in folded]
    if len(lines) > MAX_DIFF_LINES:
        rank = lambda ln: (not ln.touched, -ln.size, ln.path)  # noqa: E731
        keep = []
        for how in ("copied", "whiteout", "opaque"):
            keep += heapq.nsmallest(MAX_COPY_LINES - 1, (ln for ln in lines if ln.how == how), key=rank)
        keep_ids = {id(ln) for ln in keep}
        keep += heapq.nsmallest(MAX_DIFF_LINES, (ln for ln in lines if id(ln) not in keep_ids), key=rank)
        keep_ids = {id(ln) for ln in keep[: MAX_DIFF_LINES - 1]}
        shown = sorted((ln for ln in lines if id(ln) in keep_ids), key=lambda ln: ln.path)
    else:
        shown = sorted(lines, key=lambda ln: ln.path)
    groups = {}
    for letter in ("C", "A"):
        group = [ln.path for ln in parents if ln.letter == letter]
        if group:
            groups[letter] = (len(group), group[:12])
    return shown, len(lines) - len(shown), groups


def _random_step(rng: random.Random):
    """A lower layer, an upper one over it (frozen), and a step's traces touching part of it;
    some layers bigger than the index's BIGGEST, some steps touching only a few paths."""
    names = [f"/d{i}" for i in range(rng.randint(1, 4))]
    lower = Layer()
    upper = Layer()
    for top in names:
        lower.put(top, Dir())
        upper.put(top, Dir(opaque=rng.random() < 0.15))
    for n in range(rng.choice([rng.randint(0, 60), rng.randint(60, 160)])):
        parent = rng.choice(names) + ("/sub" if rng.random() < 0.4 else "")
        path = f"{parent}/f{n}"
        roll = rng.random()
        if roll < 0.1:
            upper.put(path, Whiteout())
        elif roll < 0.2:
            upper.put(path, Symlink("x" * rng.randint(1, 3)))
        elif roll < 0.25:
            upper.put(path, Dir())
        else:
            upper.put(path, File(Inode(b"x" * rng.choice([0, 1, 1, 2, 2, 5]))))
        if rng.random() < 0.3:
            lower.put(path, File(Inode(b"y" * rng.randint(0, 3))))
    paths = [p for p in upper.entries if p != "/"]
    few = rng.randint(0, 20)   # a few touched in a big layer: its biggest are mostly not candidates
    touched = rng.sample(paths, k=min(len(paths), rng.choice([few, rng.randint(0, len(paths))])))
    copies = [CopyUp(p, 0, rng.randint(0, 4)) for p in touched if p in lower.entries and rng.random() < 0.5]
    traces = [Trace("run", touched[0] if touched else "/", copied_up=copies,
                    whiteouts=[p for p in touched if isinstance(upper.get(p), Whiteout)],
                    changes=[Change("A", p) for p in touched])]
    return lower.freeze(), upper.freeze(), traces


def test_the_index_picks_what_ranking_every_line_picks():
    rng = random.Random(18)
    big = 0
    for case in range(CASES):
        lower, upper, traces = _random_step(rng)
        drawn = drawn_lines(upper, [lower], traces)
        shown, hidden, groups = plain_pick(upper, [lower], traces)
        assert (drawn.shown, drawn.hidden, drawn.parents) == (shown, hidden, groups), case
        assert drawn.total == len(upper.entries) - ("/" in upper.entries)
        big += hidden > 0
    assert big > CASES // 4   # the cut (ranking) was exercised, not only the small case


def test_a_frozen_layers_index_is_kept_and_an_unfrozen_one_is_read_again():
    layer = Layer()
    layer.put("/a", File(Inode(b"12")))
    layer.put("/b", File(Inode(b"1")))
    assert layer_index(layer) is not layer_index(layer)   # writable: never kept
    layer.put("/c", File(Inode(b"123")))
    assert "/c" in layer_index(layer).size_paths
    twin = Layer()
    twin.put("/a", File(Inode(b"12")))
    twin.freeze()
    layer.freeze()
    assert layer_index(layer) is layer_index(layer)
    assert layer_index(twin).size_paths == ["/a"]   # an equal-looking layer has its own index
    assert sorted(zip(layer_index(layer).size_paths, layer_index(layer).sizes)) == [("/a", 2), ("/b", 1), ("/c", 3)]


def test_counts_read_from_a_kept_index_are_the_counted_ones():
    rng = random.Random(5)
    for _ in range(10):
        _, upper, traces = _random_step(rng)
        counted = layer_counts(Layer(dict(upper.entries)))   # writable twin: counted by kind, no index
        drawn_lines(upper, [], traces)
        assert layer_counts(upper) == counted

