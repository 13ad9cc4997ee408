"""The kernel oracle itself, and a few rows of the reference checked on the
real overlayfs (the random differential test covers the rest)."""

import pytest

from app.engine import Dir, File, Inode, Layer, Symlink, UnionFS, Whiteout
from app.verify.disk import materialize, read_layer
from app.verify.kernel import (
    ENGINE_OPS, KERNEL_OPS, busybox_path, mount_layers, overlay_available, run_in_engine, run_in_kernel,
    run_shell_in_kernel,
)
from app.verify.records import layer_records, merged_records

from engine_helpers import changeset, make_layer

available, reason = overlay_available()
pytestmark = [pytest.mark.kernel,
              pytest.mark.skipif(not available, reason=f"real overlayfs needed: {reason}")]


def test_a_layer_written_as_overlay2_stores_it_reads_back_the_same(tmp_path):
    ino = Inode(b"data", mode=0o4750, uid=1000, gid=50)
    layer = make_layer({"/etc": Dir(0o700, 1, 2), "/etc/a": File(ino), "/etc/b": File(ino),
                        "/etc/gone": "whiteout", "/opt": ("opaque",), "/l": ("symlink", "../etc"),
                        "/zeros": File(Inode(None, 10))})
    materialize(layer, str(tmp_path / "l"))
    back = read_layer(str(tmp_path / "l"))
    assert layer_records(back) == layer_records(layer)
    assert back.get("/etc/a").inode is back.get("/etc/b").inode


def test_nothing_stays_mounted_even_when_the_work_fails():
    def boom(merged, upper):
        raise ValueError("on purpose")
    with pytest.raises(RuntimeError, match="on purpose"):
        mount_layers([make_layer({"/a": b"a"})], boom)
    with open("/proc/self/mounts") as f:
        assert "layerlab-kernel-" not in f.read()


def test_kernel_a_directory_made_in_a_later_layer_over_an_earlier_whiteout_is_plain():
    l1 = make_layer({"/x": "dir", "/x/old": b"old"})
    l2 = make_layer({"/x": "whiteout"})
    ops = [("mkdir", "/x"), ("write", "/x/new", b"n")]
    kernel, engine = run_in_kernel([l1, l2], ops), run_in_engine([l1, l2], ops)
    assert changeset(kernel.upper) == {"/x": "dir", "/x/new": b"n"}
    assert changeset(engine.upper) == changeset(kernel.upper)
    assert engine.merged == kernel.merged and "/x/old" not in kernel.merged


def test_kernel_renaming_a_lower_directory_is_exdev():
    lower = make_layer({"/opt/lib": "dir", "/opt/lib/a": b"a"})
    assert run_in_kernel([lower], [("rename", "/opt/lib", "/opt/lib2")]).errors == ["EXDEV"]


def test_kernel_writing_one_lower_hard_link_breaks_the_link():
    ino = Inode(b"old")
    lower = make_layer({"/d/a": File(ino), "/d/b": File(ino)})
    ops = [("write", "/d/a", b"new"), ("read", "/d/b")]
    kernel = run_in_kernel([lower], ops)
    assert kernel.results[1] == b"old"
    assert run_in_engine([lower], ops).results == kernel.results


@pytest.mark.skipif(busybox_path() is None, reason="apt-get install busybox-static")
def test_shell_rm_rf_then_mkdir_on_the_kernel_gives_an_opaque_dir_like_the_engine():
    lower = make_layer({"/etc": "dir", "/etc/ssl": "dir", "/etc/ssl/a.pem": b"a"})
    kernel = run_shell_in_kernel([lower], "rm -rf /etc/ssl && mkdir /etc/ssl && ls -a /etc/ssl")
    assert kernel.status == 0, kernel.stderr
    engine = run_in_engine([lower], [("remove_tree", "/etc/ssl"), ("mkdir", "/etc/ssl")])
    assert layer_records(kernel.upper) == layer_records(engine.upper)
    assert changeset(kernel.upper) == {"/etc": "dir", "/etc/ssl": "opaque"}


@pytest.mark.skipif(busybox_path() is None, reason="apt-get install busybox-static")
def test_shell_mv_of_a_lower_directory_falls_back_to_copy_and_delete():
    lower = make_layer({"/opt": "dir", "/opt/lib": "dir", "/opt/lib/libz.so": b"z" * 10})
    kernel = run_shell_in_kernel([lower], "mv /opt/lib /opt/lib2")
    assert kernel.status == 0, kernel.stderr
    assert changeset(kernel.upper) == {"/opt": "dir", "/opt/lib": "whiteout", "/opt/lib2": "dir",
                                       "/opt/lib2/libz.so": b"z" * 10}


def test_kernel_add_node_over_another_type_matches_remove_then_create():
    lower = make_layer({"/opt": "dir", "/opt/x": b"file", "/opt/d": "dir", "/opt/d/f": b"f"})
    kernel = run_in_kernel([lower], [("unlink", "/opt/x"), ("mkdir", "/opt/x"),
                                     ("remove_tree", "/opt/d"), ("write", "/opt/d", b"now a file")])
    fs = UnionFS([lower])
    fs.add_node("/opt/x", Dir())
    fs.add_node("/opt/d", File(Inode(b"now a file")))
    assert layer_records(fs.upper) == layer_records(kernel.upper)
    assert merged_records(fs) == kernel.merged


def test_the_engine_and_the_kernel_replay_the_same_operations():
    """An operation the differential tests draw must exist on both sides."""
    assert ENGINE_OPS.keys() == KERNEL_OPS.keys()
