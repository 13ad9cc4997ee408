"""`layerlab images [--json]`: every base image the catalog knows, its size, and
whether its files are real data (Debian's own packages) or approximate.

Any other FROM gets a placeholder base (a small tree of the guessed
distribution), which `layerlab check` reports as a warning.
"""

from __future__ import annotations

import argparse
import json


def _images(args: argparse.Namespace) -> int:
    from app.catalog.listing import known_images
    from app.render.sizes import human_size

    images = known_images()
    if args.json:
        print(json.dumps([{"refs": list(i.refs), "size": i.size, "approximate": i.approximate,
                           "os": i.pretty_name, "note": i.note, "layers": i.layers} for i in images], indent=2))
        return 0
    width = max(len(i.refs[0]) for i in images)
    print(f"{'IMAGE':<{width}}  {'SIZE':>9}  {'DATA':<11}  ALSO NAMED")
    for i in images:
        data = "approximate" if i.approximate else "real"
        print(f"{i.refs[0]:<{width}}  {human_size(i.size):>9}  {data:<11}  {' '.join(i.refs[1:])}")
    print("\nreal: rebuilt from Debian's own packages (tools/build_catalog.py); approximate: a hand-made "
          "tree of the published size, or an official image (python, nginx, httpd, redis, postgres) "
          "built on debian:bookworm-slim's own layer from its official Dockerfile with Debian's packages "
          "standing in for what it compiles or downloads (--json: each image's note and layers; "
          "app/catalog/data/README.md).\n"
          "Any other FROM gets a placeholder base, and `layerlab check` warns about it.")
    return 0


def register(sub) -> None:
    p = sub.add_parser("images", help="list the base images the simulator knows")
    p.add_argument("--json", action="store_true", help="one object per image")
    p.set_defaults(func=_images)
