"""Failures carry the kernel's errno and the trace so far; add_node (COPY)."""

import pytest

from app.engine import Dir, File, Inode, Symlink, UnionFS
from app.engine.errors import FSError

from engine_helpers import changeset, make_layer


@pytest.fixture
def fs():
    return UnionFS([make_layer({
        "/etc": "dir", "/etc/motd": b"m", "/etc/ssl": "dir", "/etc/ssl/a": b"a",
        "/empty": "dir", "/dangling": ("symlink", "/nowhere"), "/loop": ("symlink", "/loop"),
    })])


@pytest.mark.parametrize("call, code", [
    (lambda fs: fs.read("/nope"), "ENOENT"),
    (lambda fs: fs.read("/nope/deeper"), "ENOENT"),
    (lambda fs: fs.read("/etc/motd/x"), "ENOTDIR"),
    (lambda fs: fs.listdir("/etc/motd"), "ENOTDIR"),
    (lambda fs: fs.read("/etc"), "EISDIR"),
    (lambda fs: fs.write("/etc", b""), "EISDIR"),
    (lambda fs: fs.unlink("/etc"), "EISDIR"),
    (lambda fs: fs.rmdir("/etc/motd"), "ENOTDIR"),
    (lambda fs: fs.rmdir("/etc"), "ENOTEMPTY"),
    (lambda fs: fs.mkdir("/etc"), "EEXIST"),
    (lambda fs: fs.mkdir("/dangling"), "EEXIST"),
    (lambda fs: fs.symlink("x", "/etc/motd"), "EEXIST"),
    (lambda fs: fs.link("/etc", "/etc2"), "EPERM"),
    (lambda fs: fs.read("/loop"), "ELOOP"),
    (lambda fs: fs.rename("/etc/ssl", "/ssl"), "EXDEV"),
    (lambda fs: fs.rename("/etc/motd", "/empty"), "EISDIR"),
    (lambda fs: fs.readlink("/etc/motd"), "EINVAL"),
    (lambda fs: fs.mkdir("/x/.wh.y", parents=True), "EPERM"),
    (lambda fs: fs.rmdir("/"), "EBUSY"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_each_failure_raises_the_errno_the_kernel_gives_and_keeps_the_trace(fs, call, code):
    with pytest.raises(FSError) as err:
        call(fs)
    assert err.value.code == code
    assert err.value.trace is not None and err.value.trace.error == code


def test_a_failed_lookup_still_shows_the_search_that_failed(fs):
    with pytest.raises(FSError) as err:
        fs.read("/etc/nope")
    assert [(p.layer, p.result) for p in err.value.trace.probes] == [(1, "miss"), (0, "miss")]


def test_writing_through_a_dangling_symlink_creates_its_target(fs):
    fs.write("/dangling", b"made")
    assert changeset(fs.upper) == {"/nowhere": b"made"}


def test_add_node_puts_a_file_and_copies_parents_up(fs):
    fs.add_node("/etc/ssl/b", File(Inode(b"b", mode=0o600)))
    assert changeset(fs.upper) == {"/etc": "dir", "/etc/ssl": "dir", "/etc/ssl/b": b"b"}
    assert fs.listdir("/etc/ssl")[0] == ["a", "b"]


def test_add_node_of_a_directory_onto_a_directory_only_changes_its_attributes(fs):
    fs.add_node("/etc/ssl", Dir(0o700))
    assert fs.stat("/etc/ssl")[0].mode == 0o700
    assert fs.listdir("/etc/ssl")[0] == ["a"]


def test_add_node_replaces_a_whiteout(fs):
    fs.unlink("/etc/motd")
    trace = fs.add_node("/etc/motd", Symlink("/etc/issue"))
    assert changeset(fs.upper)["/etc/motd"] == ("symlink", "/etc/issue")
    assert ("C", "/etc/motd") in [(c.letter, c.path) for c in trace.changes]


def test_add_node_of_a_directory_over_a_lower_file_is_opaque_like_rm_then_mkdir(fs):
    fs.add_node("/etc/motd", Dir())
    assert changeset(fs.upper)["/etc/motd"] == "opaque"


def test_add_node_of_a_file_over_a_lower_directory_replaces_the_whole_subtree(fs):
    fs.add_node("/etc/ssl", File(Inode(b"f")))
    assert changeset(fs.upper) == {"/etc": "dir", "/etc/ssl": b"f"}
    assert not fs.exists("/etc/ssl/a")
