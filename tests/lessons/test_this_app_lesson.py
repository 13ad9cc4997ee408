"""Lesson 11-this-app builds the repository's own top-level Dockerfile, on package data that
tools/build_catalog_extras.py and tools/build_pypi_extras.py added to the catalog without
changing an entry of the main files (real numbers in the tests: a real install on overlayfs
of the apt line, a real ``pip install -e .`` venv, both measured 2026-12-02)."""

from __future__ import annotations

import gzip
import json
import tomllib
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from app.catalog import data_files
from app.catalog.debian_packages import EXTRA_PACKAGES_DATA, PACKAGES_DATA, Installed, catalog, resolve
from app.catalog.pip import DATA, EXTRA_DATA
from app.lessons import LESSONS_DIR
from app.lessons.player import played

ROOT = Path(__file__).resolve().parents[2]
LESSON = LESSONS_DIR / "11-this-app.yaml"
APT_LINE = "python3 python3-venv graphviz fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0"
SITE = "/venv/lib/python3.11/site-packages"
REAL_APT_LAYER = 223_722_485  # the real install's upper dir (356,570,417 B) minus its .debs (132,847,932 B)
REAL_VENV = 161_876_486  # a real `python3 -m venv` + `pip install --no-cache-dir -e .` of layerlab


@pytest.fixture(scope="module")
def lesson():
    return played(LESSON)


def layer_bytes(layer) -> int:
    return sum(n.inode.size for _, n in layer.items() if n.type == "file")


def test_the_lesson_builds_the_top_level_dockerfile_as_it_is():
    image = YAML(typ="safe").load(LESSON.read_text(encoding="utf-8"))["images"][0]
    assert image["dockerfile"] == (ROOT / "Dockerfile").read_text()
    pyproject = tomllib.loads(image["context"]["pyproject.toml"])
    real = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["dependencies"] == real["project"]["dependencies"]


def test_the_extra_files_only_add_packages():
    debian_main = data_files.load(PACKAGES_DATA)["packages"]
    debian_extra = data_files.load(EXTRA_PACKAGES_DATA)["packages"]
    assert {"graphviz", "fonts-noto-cjk"} <= set(debian_extra) and not set(debian_extra) & set(debian_main)
    pypi_extra = data_files.load(EXTRA_DATA)["packages"]
    assert {"weasyprint", "flask-babel"} <= set(pypi_extra)
    assert not set(pypi_extra) & set(data_files.load(DATA)["packages"])


def test_the_resolver_agrees_with_apt_on_the_dockerfiles_install_line():
    from app.catalog import base_image
    status = base_image("debian:bookworm-slim").layer().get("/var/lib/dpkg/status").inode.data.decode()
    cat = catalog()
    got = {p.name for p in resolve(APT_LINE.split(), Installed.from_status(status), cat, recommends=False)}
    want = set(cat.extra_closures[APT_LINE]["no_recommends"])
    assert got == want, f"only ours: {sorted(got - want)}; only apt's: {sorted(want - got)}"


def test_every_step_is_simulated_in_full_and_the_layers_are_near_the_real_ones(lesson):
    build = lesson.builds["layerlab"]
    assert build.failed is None and all(step.uncertain == [] for step in build.steps)
    apt, venv = build.steps[1], build.steps[8]
    apt_layer, venv_layer = apt.image.layers[-1], venv.image.layers[-1]
    assert apt_layer.get("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").type == "file"
    assert apt_layer.get("/usr/lib/x86_64-linux-gnu/graphviz/config6a").type == "file"  # dot -c, its postinst
    # 221.2 MB simulated against 223.7 MB real (the real tree is minbase, not slim: a few more files)
    assert 0.93 * REAL_APT_LAYER < layer_bytes(apt_layer) < REAL_APT_LAYER
    assert abs(layer_bytes(venv_layer) - REAL_VENV) < 0.05 * REAL_VENV
    pth = venv_layer.get(f"{SITE}/__editable__.layerlab-0.1.0.pth").inode.data.decode()
    assert pth == "import __editable___layerlab_0_1_0_finder; __editable___layerlab_0_1_0_finder.install()"
    assert venv_layer.get("/app/layerlab.egg-info/requires.txt").inode.data.decode().startswith("docker>=7.0\n")
    assert venv_layer.get("/venv/bin/layerlab").inode.data.decode().startswith("#!/venv/bin/python3\n")


def test_an_edit_to_the_code_rebuilds_the_venv_after_it(lesson):
    rebuild = lesson.frames[-1]
    keywords = [s.keyword for s in lesson.builds["layerlab"].steps]
    cached = dict(zip(range(len(keywords)), rebuild.cached))
    assert cached[1] is True, "the apt layer comes before any COPY"
    assert cached[4] is False and cached[8] is False, "COPY app app and the venv after it run again"


def test_the_extra_data_files_are_small():
    for name in (EXTRA_PACKAGES_DATA, EXTRA_DATA):
        assert (data_files.DATA_DIR / name).stat().st_size < 100_000
        json.loads(gzip.decompress((data_files.DATA_DIR / name).read_bytes()))


def test_pip_install_e_of_a_folder_without_pyproject_fails_as_pip_does():
    from app.runtime import Runtime
    text = ("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends "
            "python3-venv\nRUN python3 -m venv /v && /v/bin/pip install -e . || echo \"pip exited $?\"\n")
    step = Runtime().build(text, {}, tag="no-project").steps[-1]
    assert "ERROR: Directory '.' is not installable. Neither 'setup.py' nor 'pyproject.toml' found." in step.stdout
    assert "pip exited 1" in step.stdout
