"""Section 6 of /work/shared/reference/overlay-semantics.md, one test per row.

Rows not here: 6 and 27 (metacopy=on, redirect_dir=on: Docker mounts with
both off, so the engine models them off), 31 (file descriptors: the engine
has no open files), 36-38 and 40 (build and container set-up, not the union).
"""

import pytest

from app.engine import Container, Dir, File, HistoryEntry, Image, Inode, Layer, UnionFS, Whiteout, commit
from app.engine.errors import CrossDevice, DirectoryNotEmpty, PermissionDenied

from engine_helpers import changeset, make_layer


@pytest.fixture
def image() -> list[Layer]:
    return [make_layer({
        "/etc": "dir",
        "/etc/os-release": b"ID=debian\n",
        "/etc/app.conf": b"a=1\n",
        "/etc/old.conf": b"old\n",
        "/etc/motd": b"motd\n",
        "/etc/a": b"AAA",
        "/etc/ssl": "dir",
        "/etc/ssl/certs": "dir",
        "/etc/ssl/certs/ca.pem": b"CA",
        "/etc/ssl/openssl.cnf": b"cnf",
        "/opt": "dir",
        "/opt/x": b"x",
        "/opt/d": "dir",
        "/opt/d/f": b"f",
        "/opt/lib": "dir",
        "/opt/lib/libz.so": b"z" * 100,
        "/big.bin": File(Inode(None, 1_000_000)),
        "/srv": "dir",
        "/srv/a": b"1",
        "/srv/b": b"22",
        "/link": ("symlink", "/etc/motd"),
    })]


def test_01_reading_a_lower_file_changes_nothing(image):
    fs = UnionFS(image)
    assert fs.read("/etc/os-release")[0] == b"ID=debian\n"
    assert len(fs.upper) == 0


def test_02_appending_copies_up_once_and_then_edits_the_copy_in_place(image):
    fs = UnionFS(image)
    assert [c.path for c in fs.write("/etc/app.conf", b"b=2\n", append=True).copied_up] == [
        "/etc", "/etc/app.conf"]
    assert fs.write("/etc/app.conf", b"c=3\n", append=True).copied_up == []
    assert fs.read("/etc/app.conf")[0] == b"a=1\nb=2\nc=3\n"
    assert image[0].get("/etc/app.conf").inode.read() == b"a=1\n"


def test_03_opening_read_write_without_writing_still_copies_up(image):
    fs = UnionFS(image)
    trace = fs.open_rw("/etc/motd")
    assert changeset(fs.upper) == {"/etc": "dir", "/etc/motd": b"motd\n"}
    assert ("C", "/etc/motd") in [(c.letter, c.path) for c in trace.changes]


def test_04_truncating_open_leaves_an_empty_upper_file(image):
    # Current kernels copy the data up and then truncate (4.x skipped the copy).
    fs = UnionFS(image)
    trace = fs.write("/etc/motd", b"")
    assert changeset(fs.upper)["/etc/motd"] == b""
    assert [c.size for c in trace.copied_up if c.path == "/etc/motd"] == [len(b"motd\n")]


def test_05_chmod_copies_the_whole_file_up(image):
    fs = UnionFS(image)
    trace = fs.chmod("/big.bin", 0o600)
    node = fs.upper.get("/big.bin")
    assert node.inode.size == 1_000_000 and node.inode.mode == 0o600
    assert [(c.path, c.size) for c in trace.copied_up] == [("/big.bin", 1_000_000)]
    assert fs.upper.size == 1_000_000


def test_07_chown_recursive_duplicates_the_tree_in_the_new_layer(image):
    fs = UnionFS(image)
    for path in ("/srv", "/srv/a", "/srv/b"):
        fs.chown(path, 1000, 1000)
    assert changeset(fs.upper) == {"/srv": "dir", "/srv/a": b"1", "/srv/b": b"22"}
    assert fs.upper.size == 3
    assert fs.stat("/srv/b")[0].uid == 1000


def test_08_creating_in_a_lower_directory_copies_the_directory_up_and_merges(image):
    fs = UnionFS(image)
    trace = fs.touch("/etc/new.conf")
    assert [(c.letter, c.path) for c in trace.changes] == [("C", "/etc"), ("A", "/etc/new.conf")]
    assert "new.conf" in fs.listdir("/etc")[0] and "motd" in fs.listdir("/etc")[0]


def test_09_deleting_a_lower_file_replaces_any_upper_copy_with_a_whiteout(image):
    fs = UnionFS(image)
    fs.write("/etc/old.conf", b"edited", append=True)
    fs.unlink("/etc/old.conf")
    assert changeset(fs.upper) == {"/etc": "dir", "/etc/old.conf": "whiteout"}
    assert "old.conf" not in fs.listdir("/etc")[0]


def test_10_deleting_an_upper_only_file_leaves_no_whiteout(image):
    fs = UnionFS(image)
    fs.write("/etc/tmp", b"t")
    trace = fs.unlink("/etc/tmp")
    assert trace.whiteouts == []
    assert changeset(fs.upper) == {"/etc": "dir"}


def test_11_a_file_created_and_deleted_in_one_step_leaves_only_its_parent(image):
    fs = UnionFS(image)
    fs.touch("/opt/new")
    fs.unlink("/opt/new")
    assert changeset(fs.upper) == {"/opt": "dir"}


def test_12_a_new_file_over_a_whiteout_replaces_the_whiteout(image):
    fs = UnionFS(image)
    fs.unlink("/etc/motd")
    fs.write("/etc/motd", b"hi\n")
    assert changeset(fs.upper) == {"/etc": "dir", "/etc/motd": b"hi\n"}


def test_13_rm_rf_of_a_lower_directory_is_one_whiteout_not_an_opaque_dir(image):
    fs = UnionFS(image)
    trace = fs.remove_tree("/etc/ssl")
    assert changeset(fs.upper) == {"/etc": "dir", "/etc/ssl": "whiteout"}
    assert trace.whiteouts == ["/etc/ssl"] and trace.opaque_dirs == []


def test_13b_deleting_children_one_by_one_then_the_dir_also_ends_in_one_whiteout(image):
    fs = UnionFS(image)
    fs.unlink("/etc/ssl/certs/ca.pem")
    fs.rmdir("/etc/ssl/certs")
    fs.unlink("/etc/ssl/openssl.cnf")
    fs.rmdir("/etc/ssl")
    assert changeset(fs.upper) == {"/etc": "dir", "/etc/ssl": "whiteout"}


def test_14_rm_rf_then_mkdir_makes_an_empty_opaque_directory(image):
    fs = UnionFS(image)
    fs.remove_tree("/etc/ssl")
    fs.mkdir("/etc/ssl")
    assert changeset(fs.upper) == {"/etc": "dir", "/etc/ssl": "opaque"}
    assert fs.listdir("/etc/ssl")[0] == []


def test_15_emptying_a_lower_directory_keeps_it_with_one_whiteout_per_child(image):
    fs = UnionFS(image)
    fs.remove_tree("/etc/ssl/certs")
    fs.unlink("/etc/ssl/openssl.cnf")
    assert changeset(fs.upper) == {
        "/etc": "dir", "/etc/ssl": "dir",
        "/etc/ssl/certs": "whiteout", "/etc/ssl/openssl.cnf": "whiteout"}
    assert fs.listdir("/etc/ssl")[0] == []


def test_16_rmdir_of_a_non_empty_merged_directory_fails_and_changes_nothing(image):
    fs = UnionFS(image)
    with pytest.raises(DirectoryNotEmpty) as err:
        fs.rmdir("/etc")
    assert err.value.code == "ENOTEMPTY"
    assert len(fs.upper) == 0


def test_17_a_brand_new_directory_is_a_plain_directory(image):
    fs = UnionFS(image)
    fs.mkdir("/opt/newdir")
    assert changeset(fs.upper) == {"/opt": "dir", "/opt/newdir": "dir"}


def test_18_a_directory_over_a_deleted_lower_file_is_opaque(image):
    fs = UnionFS(image)
    fs.unlink("/opt/x")
    fs.mkdir("/opt/x")
    assert changeset(fs.upper)["/opt/x"] == "opaque"
    assert fs.stat("/opt/x")[0].type == "dir"


def test_19_a_file_over_a_deleted_lower_directory_hides_its_subtree(image):
    fs = UnionFS(image)
    fs.remove_tree("/opt/d")
    fs.write("/opt/d", b"\n")
    assert changeset(fs.upper)["/opt/d"] == b"\n"
    assert fs.stat("/opt/d")[0].type == "file"
    assert not fs.exists("/opt/d/f")


def test_20_an_upper_and_a_lower_directory_merge_with_metadata_from_the_upper(image):
    fs = UnionFS(image)
    fs.chmod("/etc", 0o700)
    fs.write("/etc/extra", b"e")
    assert fs.stat("/etc")[0].mode == 0o700
    assert {"extra", "motd", "ssl"} <= set(fs.listdir("/etc")[0])


def test_21_the_highest_layer_wins_and_copy_up_copies_from_it():
    l1 = make_layer({"/f": b"one"})
    l2 = make_layer({"/g": b"two"})
    l3 = make_layer({"/f": b"three"})
    fs = UnionFS([l1, l2, l3])
    assert fs.read("/f")[0] == b"three"
    trace = fs.open_rw("/f")
    assert [(c.path, c.from_layer) for c in trace.copied_up] == [("/f", 2)]


def test_22_a_later_layer_re_adds_a_name_whited_out_below():
    l1 = make_layer({"/x": "dir", "/x/old": b"old"})
    l2 = make_layer({"/x": "whiteout"})
    l3 = make_layer({"/x": "dir", "/x/new": b"new"})
    fs = UnionFS([l1, l2, l3])
    assert fs.listdir("/x")[0] == ["new"]
    assert [(p.layer, p.result) for p in fs.stat("/x")[1].probes] == [
        (3, "miss"), (2, "dir"), (1, "whiteout"), (0, "hidden")]
    assert not fs.exists("/x/old")


def test_23_a_whiteout_only_hides_lower_layers_so_a_layer_keeps_its_own_file():
    # A Layer holds one node per path: the file written after the whiteout
    # in the same layer is what the layer keeps, and it is visible.
    upper = Layer()
    fs = UnionFS([make_layer({"/x": b"lower"})], upper)
    fs.unlink("/x")
    fs.write("/x", b"same layer")
    assert fs.read("/x")[0] == b"same layer"
    assert changeset(upper) == {"/x": b"same layer"}


def test_24_an_opaque_directory_shows_only_its_own_layer_and_above():
    l1 = make_layer({"/a": "dir", "/a/old": b"o", "/a/b/c/old": b"o"})
    l2 = make_layer({"/a": ("opaque",), "/a/b/c/foo": b"foo"})
    fs = UnionFS([l1, l2])
    assert fs.listdir("/a")[0] == ["b"]
    assert fs.listdir("/a/b/c")[0] == ["foo"]
    probes = fs.stat("/a/b")[1].probes
    assert [(p.layer, p.result) for p in probes] == [(2, "miss"), (1, "dir"), (0, "hidden")]


def test_25_renaming_a_lower_file_copies_it_to_the_new_name_and_whites_out_the_old(image):
    fs = UnionFS(image)
    trace = fs.rename("/etc/a", "/etc/b")
    assert changeset(fs.upper) == {"/etc": "dir", "/etc/a": "whiteout", "/etc/b": b"AAA"}
    assert trace.whiteouts == ["/etc/a"]


def test_26_renaming_a_lower_directory_fails_with_exdev(image):
    fs = UnionFS(image)
    with pytest.raises(CrossDevice) as err:
        fs.rename("/opt/lib", "/opt/lib2")
    assert err.value.code == "EXDEV"
    assert len(fs.upper) == 0


def test_28_renaming_an_upper_directory_moves_it_and_makes_it_opaque_in_a_merged_parent(image):
    fs = UnionFS(image)
    fs.mkdir("/new")
    fs.write("/new/f", b"f")
    fs.rename("/new", "/etc/moved")
    assert changeset(fs.upper) == {"/etc": "dir", "/etc/moved": "opaque", "/etc/moved/f": b"f"}


def test_29_writing_one_lower_hard_link_breaks_the_link():
    ino = Inode(b"old")
    lower = make_layer({"/data/a": File(ino), "/data/b": File(ino)})
    fs = UnionFS([lower])
    fs.write("/data/a", b"new")
    assert fs.read("/data/a")[0] == b"new"
    assert fs.read("/data/b")[0] == b"old"


def test_30_a_hard_link_to_a_lower_file_copies_it_up_and_shares_the_upper_inode():
    fs = UnionFS([make_layer({"/data/a": b"A"})])
    fs.link("/data/a", "/data/c")
    a, c = fs.upper.get("/data/a"), fs.upper.get("/data/c")
    assert a.inode is c.inode
    assert fs.stat("/data/c")[0].nlink == 2
    fs.write("/data/c", b"both", append=True)
    assert fs.read("/data/a")[0] == b"Aboth"


def test_32_a_name_starting_with_wh_cannot_be_created(image):
    fs = UnionFS(image)
    with pytest.raises(PermissionDenied) as err:
        fs.write("/.wh.foo", b"")
    assert err.value.code == "EPERM"


def test_33_a_whiteout_for_a_name_no_lower_layer_has_is_ignored():
    l1 = make_layer({"/a": b"a"})
    l2 = make_layer({"/ghost": "whiteout"})
    fs = UnionFS([l1, l2])
    assert fs.listdir("/")[0] == ["a"]
    assert not fs.exists("/ghost")


def test_34_deleting_in_a_later_layer_does_not_shrink_the_image():
    l1 = make_layer({"/big.tar": File(Inode(None, 5000))})
    fs = UnionFS([l1])
    fs.unlink("/big.tar")
    l2 = fs.upper.freeze()
    assert changeset(l2) == {"/big.tar": "whiteout"}
    assert Image("x", (l1, l2)).size == 5000


def test_35_touching_an_unchanged_file_still_copies_all_of_it(image):
    fs = UnionFS(image)
    fs.touch("/opt/lib/libz.so")
    assert fs.upper.size == 100
    assert fs.read("/opt/lib/libz.so")[0] == b"z" * 100


def test_39_two_containers_of_one_image_do_not_see_each_other(image):
    img = Image("demo", tuple(image), (HistoryEntry("base"),))
    one, two = Container("one", img), Container("two", img)
    one.fs.write("/out.txt", b"hello")
    two.fs.write("/out.txt", b"world")
    assert one.fs.read("/out.txt")[0] == b"hello"
    assert two.fs.read("/out.txt")[0] == b"world"
    assert one.size == two.size == 5
    assert one.virtual_size == two.virtual_size == img.size + 5


def test_whiteout_of_a_symlink_hides_the_link_not_its_target(image):
    fs = UnionFS(image)
    fs.unlink("/link")
    assert changeset(fs.upper) == {"/link": "whiteout"}
    assert fs.read("/etc/motd")[0] == b"motd\n"


def test_writing_through_a_symlink_copies_up_the_target_not_the_link(image):
    fs = UnionFS(image)
    fs.write("/link", b"via link\n")
    assert changeset(fs.upper) == {"/etc": "dir", "/etc/motd": b"via link\n"}


def test_commit_freezes_a_copy_of_the_container_layer(image):
    img = Image("demo", tuple(image), (HistoryEntry("base"),))
    c = Container("c", img)
    c.fs.write("/out.txt", b"v1")
    new = commit(c, "docker commit c")
    c.fs.write("/out.txt", b"v2")
    assert UnionFS(new.layers).read("/out.txt")[0] == b"v1"
    assert new.layers[-1].frozen and new.history[-1].created_by == "docker commit c"


def test_symlink_loops_fail_with_eloop():
    fs = UnionFS([make_layer({"/a": ("symlink", "/b"), "/b": ("symlink", "/a")})])
    with pytest.raises(Exception) as err:
        fs.read("/a")
    assert err.value.code == "ELOOP"


def test_a_whiteout_in_an_image_layer_is_itself_invisible():
    fs = UnionFS([make_layer({"/x": b"x"}), make_layer({"/x": Whiteout()})])
    assert fs.listdir("/")[0] == []
    assert not fs.exists("/x")


def test_new_entries_in_a_set_group_id_directory_take_its_group():
    fs = UnionFS([make_layer({"/var/mail": Dir(0o2775, 0, 8)})])
    fs.write("/var/mail/root", b"")
    fs.mkdir("/var/mail/sub")
    assert fs.stat("/var/mail/root")[0].gid == 8
    sub = fs.stat("/var/mail/sub")[0]
    assert (sub.gid, sub.mode) == (8, 0o2755)
