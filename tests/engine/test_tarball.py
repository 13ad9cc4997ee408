"""Layers as OCI layer tars: deterministic bytes, whiteouts, opaque markers,
hard links, DiffIDs and ChainIDs as the image spec defines them."""

import hashlib
import io
import tarfile

from app.engine import Dir, File, Inode, Layer, Symlink, Whiteout
from app.engine import tarball
from app.engine.tarball import chain_ids, diff_id, layer_tar

from engine_helpers import make_layer


def members(layer):
    with tarfile.open(fileobj=io.BytesIO(layer_tar(layer))) as tar:
        return [(m.name, m.type, oct(m.mode), m.uid, m.gid, m.mtime, m.size, m.linkname)
                for m in tar.getmembers()]


def test_entries_are_sorted_parents_first_with_mode_owner_and_mtime_as_stored():
    layer = Layer()
    layer.put("/usr", Dir(0o755, 0, 0, 7))
    layer.put("/usr/b", File(Inode(b"bb", mode=0o600, uid=1000, gid=100, mtime=42)))
    layer.put("/usr/a", Symlink("b", mtime=3))
    layer.put("/etc", Dir(0o700))
    assert members(layer) == [
        ("etc", tarfile.DIRTYPE, "0o700", 0, 0, 0, 0, ""),
        ("usr", tarfile.DIRTYPE, "0o755", 0, 0, 7, 0, ""),
        ("usr/a", tarfile.SYMTYPE, "0o777", 0, 0, 3, 0, "b"),
        ("usr/b", tarfile.REGTYPE, "0o600", 1000, 100, 42, 2, ""),
    ]


def test_whiteouts_are_wh_files_before_their_siblings():
    layer = make_layer({"/etc": "dir", "/etc/a.conf": b"a", "/etc/z.conf": "whiteout"})
    assert [m[0] for m in members(layer)] == ["etc", "etc/.wh.z.conf", "etc/a.conf"]


def test_an_opaque_directory_is_the_directory_then_its_opaque_marker_first():
    layer = make_layer({"/etc": "dir", "/etc/ssl": ("opaque",), "/etc/ssl/a": b"a",
                        "/etc/ssl/b": "whiteout"})
    names = [m[0] for m in members(layer)]
    assert names == ["etc", "etc/ssl", "etc/ssl/.wh..wh..opq", "etc/ssl/.wh.b", "etc/ssl/a"]


def test_hard_links_are_tar_hard_links_to_the_first_name():
    ino = Inode(b"shared")
    layer = make_layer({"/d": "dir", "/d/b": File(ino), "/d/a": File(ino)})
    assert [(m[0], m[1], m[6], m[7]) for m in members(layer)] == [
        ("d", tarfile.DIRTYPE, 0, ""), ("d/a", tarfile.REGTYPE, 6, ""), ("d/b", tarfile.LNKTYPE, 0, "d/a")]


def test_contents_the_catalog_does_not_know_are_zeros():
    layer = make_layer({"/blob": File(Inode(None, 3000))})
    with tarfile.open(fileobj=io.BytesIO(layer_tar(layer))) as tar:
        assert tar.extractfile("blob").read() == bytes(3000)


def test_the_same_changeset_always_gives_the_same_diff_id():
    def build():
        return make_layer({"/a": b"1", "/b": "dir", "/b/c": ("symlink", "/a"), "/d": "whiteout"})
    one, two = build(), build()
    assert diff_id(one) == diff_id(two)
    assert diff_id(one) == "sha256:" + hashlib.sha256(layer_tar(one)).hexdigest()
    assert diff_id(one) != diff_id(make_layer({"/a": b"2"}))


def test_the_diff_id_of_a_frozen_layer_is_computed_once(monkeypatch):
    layer = make_layer({"/a": b"1"})
    first = diff_id(layer)
    calls = []
    monkeypatch.setattr(tarball, "write_layer_tar", lambda *a: calls.append(a))
    assert diff_id(layer) == first
    assert calls == []


def test_chain_ids_follow_the_image_spec():
    l1, l2 = make_layer({"/a": b"1"}), make_layer({"/b": b"2"})
    c1, c2 = chain_ids([l1, l2])
    assert c1 == diff_id(l1)
    assert c2 == "sha256:" + hashlib.sha256(f"{c1} {diff_id(l2)}".encode()).hexdigest()
    assert chain_ids([l2])[0] != c2  # the same layer on another parent is another snapshot


def tarfile_rewrite(data: bytes) -> bytes:
    """The same members written again by tarfile's own writer (PAX, a stream): the oracle of our framing."""
    out = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(data)) as source, \
            tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as again:
        for member in source.getmembers():
            again.addfile(member, source.extractfile(member) if member.isreg() else None)
    return out.getvalue()


def test_the_layer_tar_is_byte_for_byte_what_tarfile_writes():
    """Headers are tarfile's; the contents, padding and end blocks are written by hand: they must match."""
    long_name = "/usr/share/" + "d" * 120 + "/f"
    layer = make_layer({"/etc": "dir", "/etc/motd": b"hello\n", "/etc/gone": "whiteout", "/opt": "dir",
                        "/usr": "dir", "/usr/share": "dir", "/usr/share/" + "d" * 120: "dir", long_name: b"x" * 513,
                        "/etc/caf\u00e9": b"non-ascii name"}, frozen=False)
    layer.put("/opt", Dir(0o750, 1000, 1000, 9, opaque=True))
    layer.put("/var", Dir())
    layer.put("/var/zeros", File(Inode(None, 70_000, 0o644, 0, 0, 5)))  # more than one chunk of zeros, unaligned
    layer.put("/var/link", File(layer.get("/etc/motd").inode))
    layer.put("/var/empty", File(Inode(b"")))
    ours = layer_tar(layer)
    assert ours == tarfile_rewrite(ours)
    assert len(ours) % tarfile.RECORDSIZE == 0


def test_the_debian_base_layer_tar_is_what_tarfile_writes():
    from app import catalog
    ours = layer_tar(catalog.base_image("debian:bookworm-slim").layer())
    assert ours == tarfile_rewrite(ours)
