"""npm in the simulator installs the files of the real npm tarballs (data made by
tools/build_npm_catalog.py), where npm puts them, and fails as npm fails."""

from __future__ import annotations

import json

import pytest

from app.build import ContextFile
from app.catalog import npm_tree
from app.runtime import Runtime

MANIFEST = {"name": "app", "version": "1.0.0", "dependencies": {"express": "^5.0.0"},
            "devDependencies": {"nodemon": "^3.0.0"}}
# One build for the module; each test reads its step.
STEPS = {
    "install": "RUN npm install express",
    "manifest": "COPY package.json /dev-app/",
    "omit_dev": "RUN cd /dev-app && npm install --omit=dev && ls node_modules > /prod.txt",
    "with_dev": "RUN cd /dev-app && npm install && npm cache clean --force",
    "global": "RUN npm install -g nodemon",
    "absent": "RUN npm install layerlab-no-such-package || echo \"npm exited $?\"",
    "notarget": "RUN npm install express@99.0.0 || echo \"npm exited $?\"",
    "placeholder": "RUN npm install left-pad-of-the-course",
    "no_lock": "RUN mkdir /empty && cd /empty && npm ci || echo \"npm exited $?\"",
    "force": "RUN npm cache clean || echo \"npm exited $?\"",
}


@pytest.fixture(scope="module")
def built() -> dict:
    text = "FROM node:22-slim\nWORKDIR /app\n" + "".join(line + "\n" for line in STEPS.values())
    result = Runtime().build(text, {"package.json": ContextFile(json.dumps(MANIFEST).encode())}, tag="t")
    assert result.failed is None, result.failed and result.failed.error
    return dict(zip(STEPS, result.steps[2:]))


def test_npm_install_express_places_what_real_npm_placed(built):
    layer = built["install"].image.layers[-1]
    real = json.loads(npm_tree.catalog()["measured_install"]["express"]["package_lock"])
    placed = {p for p in layer if p.startswith("/app/node_modules/") and p.endswith("/package.json")}
    assert placed == {f"/app/{loc}/package.json" for loc in real["packages"] if loc}
    written = json.loads(layer.get("/app/package-lock.json").inode.read())
    assert {k: v["version"] for k, v in written["packages"].items() if k} == \
        {k: v["version"] for k, v in real["packages"].items() if k}
    assert json.loads(layer.get("/app/package.json").inode.read())["dependencies"]["express"].startswith("^5.")
    assert "/app/node_modules/.package-lock.json" in layer
    assert "added 68 packages" in built["install"].stdout


def test_omit_dev_leaves_dev_dependencies_out_and_cache_clean_empties_the_cache(built):
    prod = built["omit_dev"].image.layers[-1]
    assert "/dev-app/node_modules/express/package.json" in prod
    assert "/dev-app/node_modules/nodemon" not in prod and b"nodemon" not in prod.get("/prod.txt").inode.read()
    dev = built["with_dev"].image
    assert "/dev-app/node_modules/nodemon/package.json" in dev.layers[-1]
    bin_link = dev.layers[-1].get("/dev-app/node_modules/.bin/nodemon")
    assert bin_link.target == "../nodemon/bin/nodemon.js"
    assert not any(p.startswith("/root/.npm/_cacache/") for p in dev.layers[-1])
    assert dev.layers[-1].get("/root/.npm/_cacache").type == "whiteout"  # the earlier RUN's cache, deleted


def test_global_install_is_its_own_tree_with_bins_in_usr_local_bin(built):
    layer = built["global"].image.layers[-1]
    assert "/usr/local/lib/node_modules/nodemon/package.json" in layer
    assert any(p.startswith("/usr/local/lib/node_modules/nodemon/node_modules/") for p in layer)
    assert layer.get("/usr/local/bin/nodemon").target == "../lib/node_modules/nodemon/bin/nodemon.js"


def test_names_and_versions_that_do_not_exist_fail_as_npm_fails(built):
    absent = built["absent"]
    assert "404 Not Found - GET https://registry.npmjs.org/layerlab-no-such-package" in absent.stdout
    assert "npm exited 1" in absent.stdout
    notarget = built["notarget"]
    assert "No matching version found for express@99.0.0" in notarget.stdout and "npm exited 1" in notarget.stdout
    assert "npm exited 1" in built["no_lock"].stdout and "can only install with an existing" in built["no_lock"].stdout
    assert "rerun this command with --force" in built["force"].stdout


def test_a_package_the_data_lacks_is_a_flagged_placeholder(built):
    step = built["placeholder"]
    assert [n.command for n in step.not_simulated] == ["npm install left-pad-of-the-course"]
    assert step.image.layers[-1].get("/app/node_modules/left-pad-of-the-course/index.js").inode.size == 50_000


def test_npm_and_node_are_not_found_without_node():
    result = Runtime().build("FROM debian:bookworm-slim\nRUN npm install express\n", {}, tag="d")
    assert result.failed is not None and "npm: not found" in result.failed.stdout
    result = Runtime().build("FROM debian:bookworm-slim\nRUN node --version || echo \"node exited $?\"\n", {},
                             tag="d")
    assert "node exited 127" in result.steps[-1].stdout


def test_placement_is_real_npms_for_each_course_package_alone():
    # real_layouts: where npm itself put every package of `npm install NAME` (tools/build_npm_catalog.py)
    layouts = npm_tree.catalog()["real_layouts"]
    assert len(layouts) == 30 and len(layouts["jest"]) > 250  # jest nests semver, lru-cache, signal-exit...
    for name, real in layouts.items():
        tree = npm_tree.resolve([(name, "*", False)])
        expected = {loc: v for loc, v in real.items() if npm_tree.platform_ok(
            npm_tree.catalog()["packages"].get(loc.rsplit("node_modules/", 1)[-1], {}).get("catalog", {}).get(v, {}))}
        assert {loc: p.version for loc, p in tree.placed.items()} == expected, name
