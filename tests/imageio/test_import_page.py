"""/import through the Flask test client: an uploaded archive parsed in the sandbox, shown layer by layer.

The good archive is `app.imageio`'s save of a small simulated build (no Docker), in both
formats; the hostile ones are hostile_archives.py's. A refusal is a 400 page with the
reader's message, never a 500; a body over the bound is a 413 before it is read.
"""

from __future__ import annotations

import io
import re
import tarfile

import pytest

from app import create_app
from app.build import build
from app.imageio import write_docker_archive, write_oci_layout
from hostile_archives import docker_archive, layer_tar, tar_entry

DOCKERFILE = """FROM busybox:1.36
RUN mkdir /app && echo hi > /app/a && rm /bin/ls
RUN rm -rf /etc && mkdir /etc && echo root > /etc/passwd
ENV MODE=prod
RUN touch /bin/ls /etc/group
"""
# created_by's start -> (entries, added, changed, whiteouts) of its layer, or None for config only
WANTED = [
    ("RUN /bin/sh -c mkdir /app", (4, 2, 1, 1)),  # /app, /app/a added; /bin changed; /bin/ls whited out
    ("RUN /bin/sh -c rm -rf /etc", (2, 1, 1, 0)),  # /etc opaque (changed), /etc/passwd new under it
    ("ENV MODE=prod", None),
    ("RUN /bin/sh -c touch", (4, 2, 2, 0)),  # /bin, /etc changed; /bin/ls (after its whiteout), /etc/group added
]


@pytest.fixture(scope="module")
def client():
    """One app for the module; no test here relies on cookies, so one client too."""
    return create_app({"TESTING": True}).test_client()


@pytest.fixture(scope="module")
def image():
    return build(DOCKERFILE, {}, filename="Dockerfile").image


def upload(client, data: bytes, name: str = "demo.tar"):
    return client.post("/import", data={"archive": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def rows(html: str) -> list[list[str]]:
    """The layers table's rows as cell texts."""
    body = html[html.index('<table class="layers">'):html.index("</table>")].split("<tbody>")[1]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in body.split("</tr>") if "<t" in row]


@pytest.mark.parametrize("fmt", ["docker", "oci"])
def test_an_uploaded_image_shows_each_layer(client, image, fmt):
    out = io.BytesIO()
    (write_docker_archive if fmt == "docker" else write_oci_layout)(image, out, "demo:1", **(
        {} if fmt == "docker" else {"as_folder": False}))
    response = upload(client, out.getvalue())
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    table = rows(html)
    assert len(table) == len(image.history) == 5 and table[0][1] == "FROM busybox:1.36"
    for (start, counts), row in zip(WANTED, table[1:]):
        assert row[1].startswith(start.replace("&", "&amp;"))
        if counts is None:
            assert "config only" in row[2]
        else:
            assert tuple(int(cell.split()[0]) for cell in row[3:7]) == counts, row
    assert "+ 1 opaque" in table[2][6]
    assert 'name="skeleton"' in html and "build: imported" in html and "instruction: 4" in html
    assert "/play?s=v1." in html  # its Dockerfile opens in the playground


def test_the_skeleton_downloads_as_an_attachment(client):
    response = client.post("/import/lesson.yaml", data={"skeleton": "id: demo\n", "name": "../demo.yaml"})
    assert response.status_code == 200 and response.get_data(as_text=True) == "id: demo\n"
    assert response.headers["Content-Disposition"] == 'attachment; filename="demo.yaml"'


def _bomb() -> bytes:
    info = tarfile.TarInfo("zeros")
    info.size = 1 << 40  # a header that claims a terabyte: refused by the byte budget, never read
    return info.tobuf(tarfile.PAX_FORMAT) + bytes(1024)


HOSTILE = {  # one layer's tar -> what the message says
    "tar bomb": (_bomb(), "tar bomb"),
    "dot dot": (layer_tar(tar_entry("etc/../../outside.txt", data=b"x")), "'..'"),
    "symlink escape": (layer_tar(tar_entry("etc/", tarfile.DIRTYPE), tar_entry(
        "etc/shadow-link", tarfile.SYMTYPE, linkname="../../../../host/etc/shadow")), "outside the image"),
}


@pytest.mark.parametrize("case", [*HOSTILE, "garbage"])
def test_a_hostile_or_broken_upload_is_refused_with_the_readers_message(client, tmp_path, case):
    if case == "garbage":
        data, wanted = b"this is not a tar archive\n" * 40, "not a tar archive"
    else:
        layer, wanted = HOSTILE[case]
        with open(docker_archive(tmp_path / "x.tar", layer), "rb") as f:
            data = f.read()
    response = upload(client, data, "evil.tar")
    html = response.get_data(as_text=True)
    assert response.status_code == 400, html
    message = re.search(r'<p class="error" role="alert" id="import-error">(.*?)</p>', html, re.S).group(1)
    assert message.startswith("evil.tar") and wanted in message.replace("&#39;", "'"), message
    assert "Traceback" not in html and '<table class="layers">' not in html


def test_no_file_is_a_message(client):
    response = client.post("/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a docker save or OCI archive" in response.get_data(as_text=True)


def test_an_upload_over_the_bound_is_413_before_it_is_read(client, monkeypatch):
    monkeypatch.setitem(client.application.config, "LAYERLAB_IMPORT_MAX_BYTES", 10_000)
    response = upload(client, bytes(20_000))
    assert response.status_code == 413
    assert "The upload is larger than 10 kB: it was not read." in response.get_data(as_text=True)


def test_the_page_and_its_link_from_the_playground(client):
    assert 'href="/import?lang=en"' in client.get("/play").get_data(as_text=True)
    html = client.get("/import?lang=zh").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and "导入" in html
