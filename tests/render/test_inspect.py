"""The inspector's trees and dive's figures on small hand-made layers, answers worked out by hand."""

from __future__ import annotations

import pytest

from app.engine import Layer
from app.engine.layer import Dir, File, Inode, Symlink, Whiteout
from app.render import inspect
from app.render.efficiency import efficiency
from app.render.inspect import Stack


def f(size: int, mode: int = 0o644) -> File:
    return File(Inode(data=None, size=size, mode=mode))


def stack(*layers: Layer) -> Stack:
    return Stack("t", tuple(layers), tuple(f"layer {i}" for i in range(len(layers))))


BASE = Layer({
    "/etc": Dir(), "/etc/motd": f(100), "/etc/hosts": f(10),
    "/var": Dir(), "/var/lib": Dir(), "/var/lib/apt": Dir(),
    "/var/lib/apt/a.list": f(1000), "/var/lib/apt/b.list": f(2000),
    "/opt": Dir(), "/opt/x": f(5),
    "/bin": Dir(), "/bin/sh": Symlink("dash"),
})
TOP = Layer({
    "/etc": Dir(), "/etc/motd": f(300, 0o600),            # changed: shadows the base's 100 bytes
    "/etc/new": f(7),                                        # added
    "/etc/hosts": Whiteout(),                                # deleted file
    "/var/lib/apt": Whiteout(),                              # deleted directory (3000 bytes below)
    "/opt": Dir(opaque=True), "/opt/y": f(1),                # opaque: hides /opt/x
})
S = stack(BASE, TOP)


def by_name(entries):
    return {e.name: e for e in entries}


def test_marks_types_modes_and_summed_sizes():
    top = by_name(inspect.changes(S, 1, "/"))
    assert set(top) == {"etc", "var", "opt"}
    assert top["etc"].mark == "C" and top["etc"].size == 307 and top["etc"].kind == "dir"
    assert top["var"].implied and top["var"].mark == "C"      # only the parent of /var/lib/apt
    assert top["opt"].opaque and top["opt"].size == 1
    etc = by_name(inspect.changes(S, 1, "/etc"))
    assert (etc["motd"].mark, etc["motd"].mark_words, etc["motd"].mode, etc["motd"].size) == ("C", "changed", "-rw-------", 300)
    assert (etc["new"].mark, etc["new"].kind) == ("A", "file")
    assert (etc["hosts"].mark, etc["hosts"].kind, etc["hosts"].mode) == ("D", "whiteout", "")
    assert by_name(inspect.changes(S, 1, "/var/lib"))["apt"].kind == "whiteout"
    base = by_name(inspect.changes(S, 0, "/bin"))
    assert (base["sh"].kind, base["sh"].target, base["sh"].mark, base["sh"].size) == ("symlink", "dash", "A", 4)
    assert inspect.changes(S, 1, "/nowhere") is None


def test_sorted_by_name_or_size():
    assert [e.name for e in inspect.changes(S, 1, "/etc", "name")] == ["hosts", "motd", "new"]
    assert [e.name for e in inspect.changes(S, 1, "/etc", "size")] == ["motd", "new", "hosts"]


def test_merged_view_sources_and_what_is_hidden():
    etc = by_name(inspect.merged(S, 1, "/etc"))
    motds = [e for e in inspect.merged(S, 1, "/etc") if e.name == "motd"]
    live = [e for e in motds if e.hidden_by is None]
    struck = [e for e in motds if e.hidden_by is not None]
    assert live[0].layer == 1 and live[0].size == 300
    assert (struck[0].layer, struck[0].hidden_by, struck[0].hidden_how, struck[0].size) == (0, 1, "shadowed", 100)
    assert (etc["hosts"].hidden_by, etc["hosts"].hidden_how) == (1, "whiteout")
    assert etc["new"].layer == 1
    lib = by_name(inspect.merged(S, 1, "/var/lib"))
    assert (lib["apt"].hidden_how, lib["apt"].size, lib["apt"].kind) == ("whiteout", 3000, "dir")
    opt = inspect.merged(S, 1, "/opt")
    assert [(e.name, e.hidden_by, e.hidden_how) for e in opt] == [("x", 1, "opaque"), ("y", None, "")]
    assert inspect.merged(S, 1, "/var/lib/apt") is None      # no longer visible
    # up to layer 0 alone: nothing hidden, the base's sizes
    assert by_name(inspect.merged(S, 0, "/"))["var"].size == 3000
    assert all(e.hidden_by is None for e in inspect.merged(S, 0, "/etc"))


def test_efficiency_as_dive_computes_it():
    # leaves of BASE: motd 100, hosts 10, a.list 1000, b.list 2000, x 5, sh 0 (a symlink's tar size)
    # leaves of TOP: motd 300, new 7, hosts whiteout (a file: 0), /var/lib/apt whiteout (a dir: 3000 below),
    #   /opt/y 1 (/opt has children: not a leaf)
    # paths in two layers: motd 100+300=400, hosts 10+0=10  -> wasted 410
    # totals: 400 + 10 + 1000 + 2000 + 5 + 0 + 7 + 3000 + 1 = 6423
    # smallest: 100 + 0 + 1000 + 2000 + 5 + 0 + 7 + 3000 + 1 = 6113
    eff = efficiency(S.layers)
    assert eff.wasted == 410
    assert [(w.path, w.total) for w in eff.inefficiencies] == [("/etc/motd", 400), ("/etc/hosts", 10)]
    assert eff.score == pytest.approx(6113 / 6423)


def test_efficiency_of_a_directory_removed_whole_and_a_file_overwritten():
    one = Layer({"/d": Dir(), "/d/a": f(40), "/d/b": f(60), "/k": f(8)})
    two = Layer({"/d": Whiteout(), "/k": f(8)})
    eff = efficiency((one, two))
    # /d is a leaf only in `two` (a whiteout of a directory: 100 bytes below); in `one` /d has children.
    # paths: /d/a 40, /d/b 60, /d 100 (one layer), /k 8+8 (two layers)  -> wasted 16
    assert eff.wasted == 16
    assert eff.score == pytest.approx((40 + 60 + 100 + 8) / (40 + 60 + 100 + 16))
    assert efficiency((one,)).score == 1.0 and efficiency(()).score == 1.0


def test_breadcrumbs():
    assert inspect.breadcrumbs("/usr/lib") == [("/", "/"), ("usr", "/usr"), ("lib", "/usr/lib")]
