"""`layerlab save` then `layerlab import`: the archive holds the simulator's image exactly.

No Docker here (tests/docker/test_docker_imageio.py has the real readers): the archive's
layer tars hash to the diff_ids in its config, and reading it back gives every layer's
changeset as `layerlab build --json` prints it, in both formats; the lesson skeleton passes
`layerlab check`.
"""

from __future__ import annotations

import hashlib
import json
import tarfile

import pytest

from app.build import build
from app.cli import main
from app.engine.changeset import image_json
from app.imageio import read_archive
from app.lessons import load_lesson

DOCKERFILE = """FROM busybox:1.36
COPY app /app
RUN ln /app/main.sh /app/hard && ln -s main.sh /app/link && rm /bin/ls && rm -rf /etc && mkdir /etc && touch /etc/x
WORKDIR /app
ENV MODE=prod
CMD ["sh", "main.sh"]
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = tmp_path_factory.mktemp("project")
    (folder / "app").mkdir()
    (folder / "app" / "main.sh").write_text("echo hello\n")
    (folder / "app" / "main.sh").chmod(0o755)
    (folder / "Dockerfile").write_text(DOCKERFILE)
    from app.cli import read_context

    image = build(DOCKERFILE, read_context(folder), filename="Dockerfile").image
    return folder, image


@pytest.mark.parametrize("fmt, name", [("docker", "image.tar"), ("oci", "layout"), ("oci", "oci-archive.tar")])
def test_import_gives_back_what_save_wrote(project, tmp_path, fmt, name):
    folder, image = project
    out = tmp_path / name
    assert main(["save", str(folder / "Dockerfile"), "-o", str(out), "--format", fmt, "-t", "demo:1"]) == 0
    imported = read_archive(out)
    assert imported.format == fmt
    assert imported.tag == ("demo:1" if fmt == "docker" else "1")
    wanted = image_json(image)["layers"]
    assert [(l.created_by, l.empty_layer, l.diff_id) for l in imported.layers] == [
        (w["created_by"], w["empty_layer"], w["diff_id"]) for w in wanted]
    assert [l.entries for l in imported.layers] == [w["entries"] for w in wanted]
    assert imported.config["config"]["Cmd"] == ["sh", "main.sh"]


def test_the_docker_archive_hashes_to_its_diff_ids(project, tmp_path):
    folder, image = project
    out = tmp_path / "image.tar"
    assert main(["save", str(folder / "Dockerfile"), "-o", str(out)]) == 0
    with tarfile.open(out) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))[0]
        config_bytes = tar.extractfile(manifest["Config"]).read()
        config = json.loads(config_bytes)
        hashes = ["sha256:" + hashlib.sha256(tar.extractfile(n).read()).hexdigest() for n in manifest["Layers"]]
    assert manifest["RepoTags"] == [folder.name + ":latest"]
    assert config["rootfs"]["diff_ids"] == hashes
    assert manifest["Config"] == hashlib.sha256(config_bytes).hexdigest() + ".json"
    assert [h.get("empty_layer", False) for h in config["history"]] == [h.empty_layer for h in image.history]


def test_saving_twice_gives_the_same_bytes(project, tmp_path):
    folder, _ = project
    for n in (1, 2):
        assert main(["save", str(folder / "Dockerfile"), "-o", str(tmp_path / f"{n}.tar"), "-t", "same"]) == 0
    assert (tmp_path / "1.tar").read_bytes() == (tmp_path / "2.tar").read_bytes()


def test_a_base_image_by_name(tmp_path, capsys):
    assert main(["save", "busybox:1.36", "-o", str(tmp_path / "b.tar")]) == 0
    assert [l.created_by for l in read_archive(tmp_path / "b.tar").layers] == ["FROM busybox:1.36"]
    assert main(["save", "nosuch:9", "-o", str(tmp_path / "n.tar")]) == 1
    assert "neither a Dockerfile nor a base image" in capsys.readouterr().err


def test_the_skeleton_is_a_lesson_that_checks(project, tmp_path, capsys):
    folder, image = project
    assert main(["save", str(folder / "Dockerfile"), "-o", str(tmp_path / "image.tar")]) == 0
    lesson_file = tmp_path / "taking-apart.yaml"
    assert main(["import", str(tmp_path / "image.tar"), "-o", str(lesson_file)]) == 0
    lesson = load_lesson(lesson_file)
    assert lesson.dockerfiles["imported"] == DOCKERFILE
    assert len(lesson.spec.steps) == len(image.history)
    text = lesson_file.read_text()
    assert "| `/etc` | dir (opaque) |" in text and "| `/bin/ls` | whiteout |" in text
    assert "| `/app/main.sh` | hardlink | 0755 | 0 | /app/hard |" in text and "| `/app/link` | symlink | 0777 | 7 | main.sh |" in text
    capsys.readouterr()
    assert main(["check", str(lesson_file)]) == 0
