"""The official python:3.X-slim images (data made by tools/build_python_images.py):
bookworm-slim, the apt RUN on real Debian data, CPython in /usr/local (approximate),
and pip installing into their site-packages with the real wheels' files."""

from __future__ import annotations

import pytest

from app.build import ContextFile
from app.catalog import base_image
from app.catalog.pip import catalog
from app.engine.layer import Layer
from app.runtime import Runtime

# Published sizes the catalog is held to (app/catalog/data/README.md says where they come from).
PUBLISHED = {"python:3.12-slim": 130_000_000, "python:3.11-slim": 131_000_000}
APP = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
       "RUN pip install --no-cache-dir -r requirements.txt\nCOPY app.py .\nCMD [\"python3\", \"app.py\"]\n")


@pytest.fixture(scope="module")
def app_build():
    result = Runtime().build(APP, {"requirements.txt": ContextFile(b"flask\n"),
                                   "app.py": ContextFile(b"print('hi')\n")}, tag="app")
    assert result.failed is None, result.failed and result.failed.error
    return result


@pytest.mark.parametrize("ref", sorted(PUBLISHED))
def test_slim_image_is_within_15_percent_of_its_published_size(ref):
    image = base_image(ref)
    assert image is not None and image.approximate and "NOT compiled here" in image.note
    assert abs(image.size - PUBLISHED[ref]) <= 0.15 * PUBLISHED[ref], (image.size, PUBLISHED[ref])


def merged(image) -> Layer:
    """The image's layers flattened, upper rows winning, as a container would see them."""
    out = Layer()
    for layer in image.layers():
        for path, node in layer.items():
            out.put(path, node)
    return out


def test_slim_image_is_four_layers_on_the_very_layer_of_bookworm_slim():
    image = base_image("python:3.12-slim")
    layers = image.layers()
    assert len(layers) == 4 and layers[0] is base_image("debian:bookworm-slim").layer()
    assert image.size == sum(layer.size for layer in layers)
    assert [h[0].split(";")[0] for h in image.history] == [
        "# debian.sh --arch 'amd64' out/ 'bookworm' '@1795824000'", "RUN /bin/sh -c set -eux", "RUN /bin/sh -c set -eux",
        "RUN /bin/sh -c set -eux"]
    assert "ca-certificates" in image.history[1][0] and "make install" in image.history[2][0]
    assert "/usr/local/bin/python3" in layers[2] and "/usr/share/ca-certificates" in layers[1]
    assert sorted(p for p in layers[3] if p.startswith("/usr/local/bin/")) == [
        f"/usr/local/bin/{n}" for n in ("idle", "pip", "pydoc", "python", "python-config")]
    with pytest.raises(ValueError):
        image.layer()


def test_slim_image_has_cpython_in_usr_local_on_bookworm_slim():
    image = base_image("python:3.12.12-slim-bookworm")
    layer = merged(image)
    assert layer.get("/usr/local/bin/python3").target == "python3.12"
    assert layer.get("/usr/local/bin/python").target == "python3"
    assert layer.get("/usr/local/bin/pip").target == "pip3" and layer.get("/usr/local/bin/pip3").type == "file"
    assert "/usr/local/lib/python3.12/os.py" in layer and "/usr/local/lib/python3.12/site-packages/pip" in layer
    assert "/usr/local/lib/python3.12/test" not in layer  # the official Dockerfile deletes tests
    assert not any(p.endswith(".pyc") for p in layer)  # ... and byte code
    assert "/usr/lib/python3.11" not in layer  # no Debian python3
    assert "/usr/share/zoneinfo/Etc/UTC" in layer and "/usr/share/ca-certificates" in layer
    # bookworm-slim's own files are there as they are in debian:bookworm-slim
    slim = base_image("debian:bookworm-slim").layer()
    assert layer.get("/usr/bin/dpkg").inode.size == slim.get("/usr/bin/dpkg").inode.size
    assert "Package: ca-certificates" in layer.get("/var/lib/dpkg/status").inode.read().decode()
    assert image.config["Cmd"] == ["python3"] and "PYTHON_VERSION=3.12.12" in image.config["Env"]


def test_python_app_image_pip_layer_holds_flasks_real_files_at_the_measured_size(app_build):
    steps = {s.text: s for s in app_build.steps}
    pip = steps["RUN pip install --no-cache-dir -r requirements.txt"]
    assert pip.error is None and pip.uncertain == []
    layer = pip.image.layers[-1]
    site = "/usr/local/lib/python3.12/site-packages"
    for rel, size in catalog()["packages"]["flask"]["files"]:
        assert layer.get(f"{site}/{rel.replace('cpython-311', 'cpython-312')}").inode.size == size
    assert layer.get("/usr/local/bin/flask").inode.read().startswith(b"#!/usr/local/bin/python3\n")
    assert not any(p.startswith("/root/.cache") for p in layer)  # --no-cache-dir
    assert layer.get(f"{site}/flask-3.1.3.dist-info/INSTALLER").inode.read() == b"pip\n"  # the wheel's own dir
    assert f"{site}/Flask-3.1.3.dist-info" not in layer
    # `pip install flask --target DIR` measured for real: 4,987,097 bytes; the simulated layer:
    # 4,980,128 bytes (the data's .pyc sizes are CPython 3.11's).
    measured = catalog()["measured_target"]["flask"]["bytes"]
    assert measured == 4_987_097
    assert abs(layer.size - measured) <= 0.10 * measured, (layer.size, measured)
    final = app_build.image
    for path in ("/usr/local/bin/python3", "/usr/local/bin/pip", "/app/app.py"):
        assert any(path in lay for lay in final.layers)
    assert final.config["Cmd"] == ["python3", "app.py"]


def test_pip_in_the_official_image_caches_wheels_and_prints_no_pep_668_error():
    result = Runtime().build("FROM python:3.11-slim\nRUN pip install itsdangerous\n", {}, tag="t")
    step = result.steps[-1]
    assert step.error is None and "externally-managed" not in step.stdout
    assert "Successfully installed itsdangerous-2.2.0" in step.stdout
    layer = step.image.layers[-1]
    assert any(p.startswith("/root/.cache/pip/http/") for p in layer)
    assert "/usr/local/lib/python3.11/site-packages/itsdangerous/__init__.py" in layer
