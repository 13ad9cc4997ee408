"""`layerlab import` refuses what would climb out of the image or outgrow its bounds.

Each archive here is a docker save archive whose one layer carries the hostile entry, made
with tarfile (headers written as an attacker would), imported through the CLI in-process:
exit status 1, a message naming the archive, the entry and why, nothing written.
"""

from __future__ import annotations

import gzip
import io
import tarfile

import pytest

from app.cli import main
from app.imageio import ArchiveError, ImportLimits, read_archive
from hostile_archives import tar_entry, docker_archive, layer_tar


def refused(tmp_path, capsys, layer: bytes) -> str:
    archive = docker_archive(tmp_path / "evil.tar", layer)
    assert main(["import", archive, "-o", str(tmp_path / "lesson.yaml")]) == 1
    assert not (tmp_path / "lesson.yaml").exists()
    err = capsys.readouterr().err
    assert "evil.tar" in err and "Traceback" not in err
    return err


def test_a_dot_dot_path_is_refused(tmp_path, capsys):
    err = refused(tmp_path, capsys, layer_tar(tar_entry("etc/../../outside.txt", data=b"x")))
    assert "'etc/../../outside.txt'" in err and "'..'" in err


def test_a_dot_dot_inside_the_image_is_refused_too(tmp_path, capsys):
    err = refused(tmp_path, capsys, layer_tar(tar_entry("usr/../etc/passwd", data=b"x")))
    assert "'usr/../etc/passwd'" in err


def test_a_symlink_that_climbs_out_is_refused(tmp_path, capsys):
    escape = tar_entry("etc/shadow-link", tarfile.SYMTYPE, linkname="../../../../host/etc/shadow")
    err = refused(tmp_path, capsys, layer_tar(tar_entry("etc/", tarfile.DIRTYPE), escape))
    assert "'etc/shadow-link'" in err and "outside the image" in err


def test_a_hard_link_that_climbs_out_is_refused(tmp_path, capsys):
    err = refused(tmp_path, capsys, layer_tar(tar_entry("passwd", tarfile.LNKTYPE, linkname="../etc/passwd")))
    assert "'passwd'" in err


def test_a_device_is_refused(tmp_path, capsys):
    err = refused(tmp_path, capsys, layer_tar(tar_entry("dev/mem", tarfile.CHRTYPE)))
    assert "'dev/mem'" in err and "device" in err


def test_an_absolute_symlink_stays_inside_the_image(tmp_path, capsys):
    """/bin/sh -> /bin/busybox is every image's: the target is read inside the image, not refused."""
    layer = layer_tar(tar_entry("bin/", tarfile.DIRTYPE), tar_entry("bin/sh", tarfile.SYMTYPE, linkname="/bin/busybox"))
    imported = read_archive(docker_archive(tmp_path / "ok.tar", layer))
    assert [(e["path"], e["type"], e.get("target")) for e in imported.layers[0].entries] == [
        ("/bin", "dir", None), ("/bin/sh", "symlink", "/bin/busybox")]


def test_a_tar_bomb_header_is_refused_before_it_is_read(tmp_path, capsys):
    """A header that claims a terabyte: refused by the byte budget, not read."""
    info = tarfile.TarInfo("zeros")
    info.size = 1 << 40
    bomb = info.tobuf(tarfile.PAX_FORMAT) + bytes(1024)
    err = refused(tmp_path, capsys, bomb)
    assert "tar bomb" in err and "bytes of file contents" in err


def test_a_gzip_bomb_is_refused_by_the_inflated_bytes(tmp_path):
    """A small gzip layer that inflates past the bound in what no size field counts (a 4 MiB
    PAX header, which tarfile would read into memory): stopped while inflating."""
    info, _ = tar_entry("x")
    info.pax_headers = {"comment": "z" * (4 << 20)}
    layer = gzip.compress(layer_tar((info, io.BytesIO(b""))))
    assert len(layer) < 64 << 10
    archive = docker_archive(tmp_path / "evil.tar", layer)
    with pytest.raises(ArchiveError, match="inflates past the limit"):
        read_archive(archive, ImportLimits(max_total_bytes=1 << 20, max_entries=10))


def test_too_many_entries_are_refused(tmp_path):
    layer = layer_tar(*(tar_entry(f"f{i}") for i in range(50)))
    with pytest.raises(ArchiveError, match="more than 40 entries"):
        read_archive(docker_archive(tmp_path / "many.tar", layer), ImportLimits(max_entries=40))


def test_an_archive_path_out_of_the_archive_is_refused(tmp_path, capsys):
    path = tmp_path / "evil.tar"
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo("../manifest.json")
        tar.addfile(info, io.BytesIO(b""))
    assert main(["import", str(path)]) == 1
    assert "'../manifest.json': a path outside the archive" in capsys.readouterr().err


def test_not_an_archive_says_so(tmp_path, capsys):
    (tmp_path / "x.tar").write_text("hello")
    assert main(["import", str(tmp_path / "x.tar")]) == 1
    assert "not a tar archive" in capsys.readouterr().err
