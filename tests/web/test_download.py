"""Download an image: the archive `docker save | gzip` writes, with `layerlab build --json`'s diff_ids, and a bound."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import tarfile
from html import unescape
from pathlib import Path

from app import create_app
from app.playground import ContextItem, State, encode

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "cli"))
from cli_inprocess import layerlab  # noqa: E402

DOCKERFILE = "FROM scratch\nCOPY app.py /srv/\nCOPY data /srv/data/\nCMD [\"/srv/app.py\"]\n"
CONTEXT = {"app.py": "print('hi')\n", "data": "one\ntwo\n"}
STATE = State(DOCKERFILE, tuple(ContextItem(name, text) for name, text in CONTEXT.items()))


def _layers(body: bytes) -> tuple[dict, list[str]]:
    """manifest.json and the sha256 of each layer tar it names, read from the tar.gz."""
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        digests = ["sha256:" + hashlib.sha256(archive.extractfile(name).read()).hexdigest()
                   for name in manifest[0]["Layers"]]
    return manifest, digests


def test_a_playground_image_is_docker_save_with_the_build_diff_ids(client, tmp_path):
    for name, text in CONTEXT.items():
        (tmp_path / name).write_text(text)
        (tmp_path / name).chmod(0o644)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    built = json.loads(layerlab("build", tmp_path / "Dockerfile", "--json").stdout)
    wanted = [layer["diff_id"] for layer in built["layers"] if layer["diff_id"]]

    page = client.get(f"/play?s={encode(STATE)}").get_data(as_text=True)
    link = unescape(re.search(r'href="(/play/image\.tar\.gz[^"]*)"', page).group(1))
    response = client.get(link)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Disposition"] == 'attachment; filename="playground.tar.gz"'
    manifest, digests = _layers(response.data)
    assert manifest[0]["RepoTags"] == ["playground:latest"]
    assert digests == wanted and len(wanted) == 2
    again = client.get(link, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_lesson_build_step_links_its_image(client):
    page = client.get("/lessons/hello-world/2").get_data(as_text=True)
    link = unescape(re.search(r'href="(/lessons/hello-world/2/image\.tar\.gz[^"]*)"', page).group(1))
    response = client.get(link)
    assert response.headers["Content-Disposition"] == 'attachment; filename="hello-world.tar.gz"'
    manifest, digests = _layers(response.data)
    assert len(digests) == 1 and manifest[0]["RepoTags"] == ["hello-world:latest"]


def test_an_image_over_the_limit_is_refused_with_a_message():
    client = create_app({"TESTING": True, "LAYERLAB_DOWNLOAD_MB": 0.01}).test_client()
    response = client.get("/lessons/hello-world/2/image.tar.gz")
    assert response.status_code == 413
    message = response.get_data(as_text=True)
    assert message.startswith("The image hello-world holds 13.3 kB, more than the 10.5 kB a download may hold")
    assert "超过了下载上限" in client.get("/lessons/hello-world/2/image.tar.gz?lang=zh").get_data(as_text=True)
    assert "download-image" not in client.get("/lessons/hello-world/2").get_data(as_text=True)  # no link to a 413


def test_a_step_without_an_image_and_a_bad_link_are_not_errors(client):
    assert client.get("/lessons/hello-world/99/image.tar.gz").status_code == 404
    assert client.get("/play/image.tar.gz?s=v2.nonsense").status_code == 400
