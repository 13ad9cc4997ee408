"""The four basic copy-on-write operations, seen in the upper layer (the
changeset) and in the merged view: add, read top-down, modify = copy-up,
delete = whiteout; and the opaque directory of ``rm -rf d && mkdir d``."""

from app.engine import UnionFS
from app.engine.errors import NotFound

from engine_helpers import changeset


def test_adding_a_file_puts_it_and_its_copied_up_parent_in_the_upper_layer(etc_image):
    fs = UnionFS(etc_image)
    trace = fs.write("/etc/new.conf", b"new\n")
    assert changeset(fs.upper) == {"/etc": "dir", "/etc/new.conf": b"new\n"}
    assert [(c.path, c.kind, c.from_layer) for c in trace.copied_up] == [("/etc", "dir", 1)]
    assert [(c.letter, c.path) for c in trace.changes] == [("C", "/etc"), ("A", "/etc/new.conf")]
    assert fs.listdir("/etc")[0] == ["motd", "new.conf", "os-release", "ssl"]


def test_reading_finds_the_topmost_copy_and_changes_nothing(etc_image):
    fs = UnionFS(etc_image)
    data, trace = fs.read("/etc/motd")
    assert data == b"layer-1 motd\n"
    assert trace.found_in == 1
    assert [(p.layer, p.result) for p in trace.probes] == [(2, "miss"), (1, "found"), (0, "hidden")]
    assert len(fs.upper) == 0


def test_reading_a_file_only_in_the_bottom_layer_searches_every_layer(etc_image):
    fs = UnionFS(etc_image)
    data, trace = fs.read("/etc/os-release")
    assert data == b"ID=debian\n"
    assert [(p.layer, p.result) for p in trace.probes] == [(2, "miss"), (1, "miss"), (0, "found")]


def test_modifying_a_lower_file_copies_the_whole_file_up_once(etc_image):
    fs = UnionFS(etc_image)
    first = fs.write("/etc/motd", b"more\n", append=True)
    assert [(c.path, c.from_layer, c.size) for c in first.copied_up] == [
        ("/etc", 1, 0), ("/etc/motd", 1, len(b"layer-1 motd\n"))]
    second = fs.write("/etc/motd", b"again\n", append=True)
    assert second.copied_up == []
    assert fs.read("/etc/motd")[0] == b"layer-1 motd\nmore\nagain\n"
    assert changeset(fs.upper)["/etc/motd"] == b"layer-1 motd\nmore\nagain\n"
    assert etc_image[1].get("/etc/motd").inode.read() == b"layer-1 motd\n"


def test_deleting_a_lower_file_writes_a_whiteout_and_hides_it(etc_image):
    fs = UnionFS(etc_image)
    trace = fs.unlink("/etc/motd")
    assert changeset(fs.upper) == {"/etc": "dir", "/etc/motd": "whiteout"}
    assert trace.whiteouts == ["/etc/motd"]
    assert not fs.exists("/etc/motd")
    assert "motd" not in fs.listdir("/etc")[0]
    try:
        fs.read("/etc/motd")
    except NotFound as e:
        assert e.code == "ENOENT"
        assert [(p.layer, p.result) for p in e.trace.probes] == [
            (2, "whiteout"), (1, "hidden"), (0, "hidden")]
    else:  # pragma: no cover
        raise AssertionError("read of a whited-out file must fail")


def test_recreating_a_deleted_directory_makes_it_opaque(etc_image):
    fs = UnionFS(etc_image)
    fs.remove_tree("/etc/ssl")
    assert changeset(fs.upper) == {"/etc": "dir", "/etc/ssl": "whiteout"}
    trace = fs.mkdir("/etc/ssl")
    assert trace.opaque_dirs == ["/etc/ssl"]
    assert changeset(fs.upper) == {"/etc": "dir", "/etc/ssl": "opaque"}
    assert fs.listdir("/etc/ssl")[0] == []
    assert not fs.exists("/etc/ssl/openssl.cnf")
