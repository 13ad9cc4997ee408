"""`layerlab save IMAGE|DOCKERFILE -o FILE [--format docker|oci]`: the simulated image as a
real archive, for ``docker load``, ``skopeo`` or ``umoci``.

IMAGE is a base image the catalog knows (`layerlab images`); anything that names a file is
a Dockerfile, built as `layerlab build` builds it (same options). The writing is
app/imageio's; files whose bytes the simulator does not know are zero-filled (not sparse).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path


def _image(args: argparse.Namespace):
    """The image to save, or an exit status after saying why there is none."""
    from app.cli import built

    if Path(args.source).is_file():
        args.dockerfile = args.source
        result = built(args)
        return result if isinstance(result, int) else result.image
    from app.catalog import base_image

    if base_image(args.source) is None:
        print(f"layerlab save: {args.source}: neither a Dockerfile nor a base image the simulator knows "
              "(`layerlab images` lists them)", file=sys.stderr)
        return 1
    from app.sandbox import build

    return build(f"FROM {args.source}\n", {}, filename="Dockerfile", name=args.source).image


def _save(args: argparse.Namespace) -> int:
    from app.imageio import write_docker_archive, write_oci_layout
    from app.imageio.save import default_folder_output

    image = _image(args)
    if isinstance(image, int):
        return image
    folder = Path(args.source).resolve().parent.name
    tag = args.tag or (re.sub(r"[^a-z0-9._-]+", "-", folder.lower()).strip("-._") if Path(args.source).is_file()
                       else args.source) or "layerlab"
    try:
        if args.format == "oci":
            digest = write_oci_layout(image, Path(args.output), tag, as_folder=default_folder_output(args.output))
        else:
            digest = write_docker_archive(image, Path(args.output), tag)
    except OSError as exc:
        print(f"layerlab save: {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"{args.output}: {tag}, {len(image.layers)} layers, {args.format} format, {digest}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("save", help="write a simulated image as docker save or an OCI layout does")
    p.add_argument("source", metavar="IMAGE_OR_DOCKERFILE")
    p.add_argument("-o", "--output", required=True, help="the archive (an OCI layout: a folder, or FILE.tar)")
    p.add_argument("--format", choices=("docker", "oci"), default="docker")
    p.add_argument("-t", "--tag", help="the name it loads as (default: the Dockerfile's folder, or IMAGE)")
    p.add_argument("--context", help="build context folder (default: the Dockerfile's folder)")
    p.add_argument("--target", help="build up to this stage")
    p.add_argument("--context-partial", action="store_true",
                   help="the context lacks files: a missing COPY source becomes a flagged placeholder")
    __import__("app.cli.build_args", fromlist=["add_option"]).add_option(p)
    p.set_defaults(func=_save)
