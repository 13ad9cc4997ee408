"""A big layer is summarised without walking it path by path; the summary must say the same.

The counts, the top directories and the diff lines come from bulk operations
(a Counter over node types, the layer's child index of ``/``, set
intersections with the lower layers); each is checked here against the plain
per-path definition it replaces.
"""

from __future__ import annotations

from app.engine import Dir, File, Inode, Layer, Symlink, Whiteout
from app.render.diff import diff_lines, lower_node
from app.render.fitting import layer_counts, path_items


def _layer(entries: dict, frozen: bool = True) -> Layer:
    layer = Layer()
    for path, node in entries.items():
        layer.put(path, node)
    return layer.freeze() if frozen else layer


def _file(size: int = 3) -> File:
    return File(Inode(b"x" * size))


def test_counts_are_the_per_path_counts_and_slash_is_not_a_dir():
    layer = _layer({"/": Dir(), "/etc": Dir(), "/etc/a": _file(), "/etc/l": Symlink("a"), "/gone": Whiteout(),
                    "/opt/deep/b": _file()})
    counts = layer_counts(layer)
    assert (counts.files, counts.dirs, counts.whiteouts) == (3, 1, 1)


def test_top_dirs_include_implicit_parents_and_follow_removals():
    layer = _layer({"/usr/lib/x": _file(), "/usr/lib/y": _file(), "/usr/lib/w": _file(), "/var/z": _file(),
                    "/etc": Dir()}, frozen=False)
    walked = sorted({"/" + p.split("/")[1] for p in layer.entries if p != "/"})
    assert path_items(layer) == walked == ["/etc", "/usr", "/var"]
    layer.remove("/var/z")
    assert path_items(layer) == ["/etc", "/usr"]


def test_a_layer_with_two_files_names_them():
    layer = _layer({"/app": Dir(), "/app/main.py": _file(5), "/app/req.txt": _file(2)})
    assert path_items(layer) == ["/app/main.py (5 B)", "/app/req.txt (2 B)"]


def test_diff_lines_find_lower_paths_as_a_top_down_search_does():
    """A whiteout in a middle layer hides the path below it: the upper's file is then new, not changed."""
    bottom = _layer({"/a": _file(), "/b": _file(), "/d": Dir()})
    middle = _layer({"/a": Whiteout(), "/c": _file()})
    lowers = [bottom, middle]
    upper = _layer({"/a": _file(), "/b": _file(7), "/c": _file(), "/d": Dir(), "/e": _file(), "/d/f": _file()})
    lines = diff_lines(upper, lowers)
    expected = {path: lower_node(lowers, path) for path in upper.entries}
    for line in lines:
        below = expected[line.path]
        assert line.letter == ("A" if below is None else "C"), line
        assert line.from_layer == (None if below is None else below[0]), line
    assert [ln.path for ln in lines] == sorted(upper.entries)
    assert sorted(diff_lines(upper, lowers, ordered=False)) == sorted(lines)


def test_a_cut_docker_diff_shows_its_lines_in_path_order():
    """Lines are built in no order for a big layer; the ones drawn are sorted by path, as docker diff prints."""
    from app.engine import Container, HistoryEntry, Image
    from app.render import Scene, scene_dot
    base = _layer({"/": Dir(), "/srv": Dir()})
    img = Image("app", [base], [HistoryEntry("ADD rootfs /")])
    upper = Layer()
    for n in (7, 3, 31, 12, 25, 1, 18, 40, 9, 22, 15, 5, 28, 36, 2):  # inserted out of order, sizes differ
        upper.put(f"/srv/f{n:02d}", _file(n))
    dot = scene_dot(Scene([img], [Container("c", img, upper)], target="c"))
    import re
    drawn = re.findall(r"/srv/f([0-9]{2})", dot)
    assert len(drawn) >= 5 and drawn == sorted(drawn)
    assert set(drawn) <= {"40", "36", "31", "28", "25", "22", "18", "15"}  # the biggest, as the cut ranks them
