"""`layerlab build DIR` reads DIR/Dockerfile with DIR as the context, as `docker build DIR` does."""

from __future__ import annotations

from cli_inprocess import layerlab


def _context(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM busybox\nCOPY hello.txt /hello.txt\n")
    (tmp_path / "hello.txt").write_text("hi\n")
    return tmp_path


def test_a_folder_builds_its_dockerfile_with_the_folder_as_context(tmp_path):
    folder = _context(tmp_path)
    by_folder = layerlab("build", "--json", folder)
    by_file = layerlab("build", "--json", folder / "Dockerfile")
    assert by_folder.returncode == 0, by_folder.stderr
    assert '"/hello.txt"' in by_folder.stdout
    assert by_folder.stdout == by_file.stdout


def test_a_folder_without_a_dockerfile_says_so(tmp_path):
    ran = layerlab("build", tmp_path)
    assert ran.returncode == 1
    assert f"{tmp_path / 'Dockerfile'}: cannot read" in ran.stderr
