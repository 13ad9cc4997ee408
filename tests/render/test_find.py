"""Find a file in the inspector, on small hand-made layers whose answers are worked out by hand."""

from __future__ import annotations

from app.engine import Layer
from app.engine.layer import Dir, File, Inode, Symlink, Whiteout
from app.render import find
from app.render.inspect import Stack


def f(size: int) -> File:
    return File(Inode(data=None, size=size, mode=0o644))


BASE = Layer({
    "/etc": Dir(), "/etc/motd": f(100), "/etc/hosts": f(10), "/etc/apt": Dir(), "/etc/apt/sources.list": f(50),
    "/var": Dir(), "/var/lib": Dir(), "/var/lib/apt": Dir(), "/var/lib/apt/a.list": f(1000),
    "/opt": Dir(), "/opt/x": f(5), "/bin": Dir(), "/bin/sh": Symlink("dash"),
})
MIDDLE = Layer({"/etc": Dir(), "/etc/motd": f(200), "/var/lib/apt": Whiteout(), "/usr/sbin/apache2": f(734)})
TOP = Layer({"/etc": Dir(), "/etc/motd": f(300), "/etc/hosts": Whiteout(), "/opt": Dir(opaque=True), "/opt/y": f(1)})
S = Stack("t", (BASE, MIDDLE, TOP), ("#0 FROM", "#1 RUN", "#2 RUN"))


def paths(found) -> list[tuple[str, int | None]]:
    return [(e.path, e.hidden_by) for e in found.entries]


def test_a_substring_finds_the_path_anywhere_with_its_mark_and_size():
    got = find.find(S, 1, "changes", "sbin/apache2")
    assert [(e.path, e.mark, e.size) for e in got.entries] == [("/usr/sbin/apache2", "A", 734)]
    assert got.total == 1 and got.chain_path == "/usr/sbin/apache2"
    assert [(h.layer, h.role) for h in got.chain] == [(1, "serves")]


def test_a_glob_without_a_slash_matches_names_one_with_a_slash_whole_paths():
    assert [e.path for e in find.find(S, 0, "changes", "*.list").entries] == ["/etc/apt/sources.list", "/var/lib/apt/a.list"]
    assert [e.path for e in find.find(S, 0, "changes", "s*").entries] == ["/bin/sh", "/etc/apt/sources.list"]
    assert [e.path for e in find.find(S, 0, "changes", "/etc/*.list").entries] == ["/etc/apt/sources.list"]
    assert find.find(S, 0, "changes", "/etc/[mh]o*").total == 2                         # motd, hosts
    assert find.find(S, 0, "changes", "nothing-like-it").entries == []


def test_the_merged_view_finds_what_is_visible_and_what_is_struck_through():
    got = find.find(S, 2, "merged", "motd")
    assert paths(got) == [("/etc/motd", None), ("/etc/motd", 1), ("/etc/motd", 2)]   # from #2; #0's by #1; #1's by #2
    assert [e.layer for e in got.entries] == [2, 0, 1]
    lists = find.find(S, 2, "merged", "*.list")
    assert paths(lists) == [("/etc/apt/sources.list", None)]      # a.list went with /var/lib/apt's whiteout
    apt = find.find(S, 2, "merged", "/var/lib/apt")
    assert paths(apt) == [("/var/lib/apt", 1)] and apt.entries[0].hidden_how == "whiteout"


def test_which_layer_serves_a_file_top_to_bottom():
    motd = find.find(S, 2, "merged", "/etc/motd").chain
    assert [(h.layer, h.role, h.by, h.entry.size) for h in motd] == [(2, "serves", None, 300), (1, "shadowed", 2, 200),
                                                                     (0, "shadowed", 2, 100)]
    # looked at from layer 1, layer 2 is not there yet
    assert [(h.layer, h.role) for h in find.find(S, 1, "changes", "/etc/motd").chain] == [(1, "serves"), (0, "shadowed")]


def test_a_whiteout_of_the_file_or_of_a_parent_hides_it():
    hosts = find.find(S, 2, "merged", "/etc/hosts").chain
    assert [(h.layer, h.role, h.by) for h in hosts] == [(2, "whiteout", None), (0, "hidden", 2)]
    gone = find.find(S, 2, "merged", "/var/lib/apt/a.list").chain
    assert [(h.layer, h.role, h.cause) for h in gone] == [(1, "hides", "/var/lib/apt (whiteout)"), (0, "hidden", "")]


def test_an_opaque_directory_hides_what_is_below_it_and_directories_merge():
    x = find.find(S, 2, "merged", "/opt/x").chain
    assert [(h.layer, h.role, h.cause) for h in x] == [(2, "hides", "/opt (opaque)"), (0, "hidden", "")]
    etc = find.find(S, 2, "merged", "/etc").chain
    assert [(h.layer, h.role) for h in etc] == [(2, "serves"), (1, "merged"), (0, "merged")]
    opt = find.find(S, 2, "merged", "/opt").chain
    assert [(h.layer, h.role) for h in opt] == [(2, "serves"), (0, "hidden")]


def test_many_matches_are_cut_at_the_limit_and_counted():
    many = Layer({f"/d/f{i:04d}": f(1) for i in range(find.LIMIT + 30)})
    got = find.find(Stack("m", (many,), ("#0",)), 0, "changes", "/d/f")
    assert len(got.entries) == find.LIMIT and got.total == find.LIMIT + 30 and got.chain == []
