"""Official images stacked on debian:bookworm-slim or bookworm (nginx, httpd, redis, postgres, golang), from data/official-images.json.gz
(tools/build_official_images.py).

Why they are built by the simulator: the tool builds each official Dockerfile instruction
for instruction on the catalog's real Debian data, with Debian's own packages where the
real one downloads from elsewhere (nginx.org, a compiled tarball). Every layer that build
made is kept as rows with the official ``created_by``; images.py puts them on
bookworm-slim's very layer object. They are flagged approximate, and the note says what
stands in for what.
"""

from __future__ import annotations

import functools

from . import data_files
from .trees import with_parents

INDEX = "official-images.json"  # tags, config, history, notes: small, read at import
DATA = "official-images.json.gz"  # the layers' rows: read when a build uses one of the images


def _images() -> dict:
    return data_files.load(INDEX)["images"] if data_files.exists(INDEX) else {}


def keys() -> list[str]:
    """``nginx:1.27``, ``nginx:1.25``...: one image per version the data names."""
    return [f"{name}:{version}" for name, image in _images().items() for version in image["versions"]]


def _image(key: str) -> tuple[dict, str, str]:
    name, version = key.split(":", 1)
    image = _images()[name]
    return image, image["versions"][version][0], name


def tags(key: str) -> list[str]:
    """Every ``name:tag`` that means the image ``key``."""
    image, _, name = _image(key)
    return [f"{name}:{tag}" for tag in image["versions"][key.split(":", 1)[1]][1]]


def base(key: str) -> str:
    """The Debian tree the image starts from: bookworm-slim, or bookworm (golang's buildpack-deps)."""
    image, _, _ = _image(key)
    return image.get("base", "bookworm-slim")


@functools.cache
def layer_parts(key: str) -> tuple[tuple[list, dict], ...]:
    """(rows, contents) of each layer the official Dockerfile makes on bookworm-slim."""
    layers = data_files.load(DATA)["layers"][key.split(":", 1)[0]]
    return tuple((with_parents(layer["rows"]), layer["contents"]) for layer in layers)


def history(key: str) -> tuple[tuple[str, str], ...]:
    """(created_by, comment) of those layers, as the official image's history has them."""
    image, _, _ = _image(key)
    return tuple((created_by, "buildkit.dockerfile.v0") for created_by in image["history"])


def published(key: str) -> tuple[int, str]:
    """The published size the data is compared with, and where that number comes from."""
    image, _, _ = _image(key)
    size, source = image["published"]
    return size, source


def spec(key: str) -> dict:
    """The image's config (its own version in its ENV) and its note."""
    image, version, name = _image(key)
    env_name = image["version_env"]
    config = dict(image["config"])
    config["Env"] = [f"{env_name}={version}" if e.startswith(f"{env_name}=") else e for e in config.get("Env", [])]
    generated = data_files.load(INDEX)["meta"]["generated"][:10]
    what = image["note"].replace("{version}", version)
    for package, package_version in image["packages"].items():  # "{nginx}" -> 1.22.1-9+deb12u11
        what = what.replace("{" + package + "}", package_version)
    base_name = image.get("base", "bookworm-slim")
    return {"config": config,
            "note": (f"approximate: {key} as its official Dockerfile builds it, instruction for instruction, "
                     f"on debian:{base_name} (real data), by layerlab's simulator: {what} "
                     f"(tools/build_official_images.py, {generated}).")}
