"""The engine against the kernel: random scenarios, zero differences.

Hypothesis draws a base layer (files, directories, symlinks, hard links, odd
modes and owners) and then several steps of random operations over a small
set of names, so that operations collide: writes over whiteouts, renames onto
lower directories, rm -rf then mkdir, hard links to lower files... Each step
runs twice: through the engine, and with system calls on a real overlayfs
mount of the layers the kernel itself produced in the previous steps. After
every step the errno of every operation, the upper directory (type, mode,
owner, size, content hash, link target, whiteout, opaque, hard-link count)
and the merged view must be identical. The kernel is right.

Default: 300 scenarios. More: ``LAYERLAB_EXAMPLES=5000``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine import Dir, File, Inode, Layer, Symlink
from app.verify.kernel import overlay_available, run_in_engine, run_in_kernel
from app.verify.records import layer_records

available, reason = overlay_available()
pytestmark = [
    pytest.mark.kernel,
    pytest.mark.skipif(not available, reason=f"real overlayfs needed: {reason}"),
]

EXAMPLES = int(os.environ.get("LAYERLAB_EXAMPLES", "300"))

NAMES = ["a", "b", "c"]
PATHS = ["/" + "/".join(p) for p in
         [(x,) for x in NAMES] + [(x, y) for x in NAMES for y in NAMES]
         + [(x, y, z) for x in NAMES for y in NAMES for z in NAMES[:2]]]
paths = st.sampled_from(PATHS)
targets = st.sampled_from(["/a", "/a/b", "/b/c", "../a", "b", "c/a", "/nowhere", ".", "/", "a/../b"])
modes = st.sampled_from([0o644, 0o600, 0o755, 0o700, 0o4755])
dir_modes = st.sampled_from([0o755, 0o700, 0o1777, 0o555, 0o2775])
owners = st.sampled_from([0, 1000])
datas = st.sampled_from([b"", b"x", b"hello\n", b"0123456789" * 10])


@st.composite
def base_layers(draw) -> Layer:
    """A first layer: paths sorted so parents come first; a path under a
    non-directory is dropped; missing parents stay implicit."""
    chosen = draw(st.lists(paths, min_size=1, max_size=14, unique=True))
    layer = Layer()
    inodes: list[Inode] = []
    for path in sorted(chosen):
        if any(not isinstance(layer.get(p), (Dir, type(None)))
               for p in _ancestors(path)):
            continue
        kind = draw(st.sampled_from(["file", "dir", "dir", "symlink", "hardlink"]))
        if kind == "hardlink" and inodes:
            layer.put(path, File(draw(st.sampled_from(inodes))))
        elif kind in ("file", "hardlink"):
            ino = Inode(draw(datas), mode=draw(modes), uid=draw(owners), gid=draw(owners))
            if ino.size and draw(st.booleans()):
                ino.data = None  # contents unknown (catalog files): zeros on disk
            inodes.append(ino)
            layer.put(path, File(ino))
        elif kind == "dir":
            layer.put(path, Dir(draw(dir_modes), draw(owners), draw(owners)))
        else:
            layer.put(path, Symlink(draw(targets)))
    return layer.freeze()


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")[1:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


ops = st.one_of(
    st.tuples(st.just("write"), paths, datas, st.booleans()),
    st.tuples(st.just("truncate"), paths, st.sampled_from([0, 3])),
    st.tuples(st.just("mkdir"), paths, st.booleans()),
    st.tuples(st.just("unlink"), paths),
    st.tuples(st.just("rmdir"), paths),
    st.tuples(st.just("remove_tree"), paths),
    st.tuples(st.just("rename"), paths, paths),
    st.tuples(st.just("symlink"), targets, paths),
    st.tuples(st.just("link"), paths, paths),
    st.tuples(st.just("chmod"), paths, st.sampled_from([0o600, 0o755, 0o700, 0o644])),
    st.tuples(st.just("chown"), paths, owners, owners),
    st.tuples(st.just("touch"), paths),
    st.tuples(st.just("open_rw"), paths),
    st.tuples(st.just("read"), paths),
    st.tuples(st.just("listdir"), paths),
    st.tuples(st.just("readlink"), paths),
    st.tuples(st.just("stat"), paths, st.booleans()),
)
steps = st.lists(st.lists(ops, min_size=1, max_size=8), min_size=1, max_size=3)


def assert_same(step: int, ops_run, engine, kernel) -> None:
    where = f"step {step}, ops {ops_run}"
    assert engine.errors == kernel.errors, where
    assert engine.results == kernel.results, where
    assert layer_records(engine.upper) == layer_records(kernel.upper), where
    assert engine.merged == kernel.merged, where


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(base=base_layers(), scenario=steps)
def test_engine_and_kernel_agree_on_every_layer_and_the_merged_view(base, scenario):
    engine_layers: list[Layer] = [base]
    kernel_layers: list[Layer] = [base]
    for number, step_ops in enumerate(scenario, start=1):
        engine = run_in_engine(engine_layers, step_ops)
        kernel = run_in_kernel(kernel_layers, step_ops)
        assert_same(number, step_ops, engine, kernel)
        engine_layers.append(engine.upper.freeze())
        kernel_layers.append(kernel.upper)
