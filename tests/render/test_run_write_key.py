"""A RUN's write edge: its changes that are not only parent dirs say what it did (story._write_key)."""

from __future__ import annotations

from app.engine import Change, Dir, File, Inode, Layer, Trace, Whiteout
from app.render.story import tell


def _key(changes: list[Change], whiteouts: list[str]) -> str:
    lower = Layer({"/": Dir(), "/etc": Dir(), "/etc/a": File(Inode(b"a")), "/etc/b": File(Inode(b"b"))}).freeze()
    upper = Layer({"/etc": Dir(), **{w: Whiteout() for w in whiteouts}})
    traces = [Trace("unlink", "/etc/a", whiteouts=whiteouts, changes=changes), Trace("mkdir", "/etc/new")]
    (edge,) = [e for e in tell(traces, [lower, upper], 1).edges if e.kind == "write"]
    return edge.key


def test_a_run_that_only_deleted_says_so_though_it_changed_the_parent_dir():
    assert _key([Change("C", "/etc"), Change("D", "/etc/a")], ["/etc/a"]) == "edge_whiteout"


def test_a_run_that_also_added_a_file_says_it_wrote():
    assert _key([Change("C", "/etc"), Change("D", "/etc/a"), Change("A", "/etc/c")], ["/etc/a"]) == "edge_write"
