"""`layerlab import ARCHIVE -o LESSON.yaml [--json]`: an image someone built, taken apart.

ARCHIVE is what `docker save` writes, or an OCI image layout (a folder or an oci-archive
tar). Every layer's tar is read with bounds and path checks (app/imageio/safety.py); a tar
bomb, a link out of the image or a `../` path is refused with the archive, entry and reason.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _import(args: argparse.Namespace) -> int:
    from app.imageio import ArchiveError, read_archive
    from app.imageio.skeleton import lesson_id_from, lesson_skeleton

    try:
        imported = read_archive(Path(args.archive))
    except ArchiveError as exc:
        print(f"layerlab import: {exc}", file=sys.stderr)
        return 1
    if args.json:
        json.dump({"tag": imported.tag, "format": imported.format,
                   "layers": [vars(layer) for layer in imported.layers]}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    if args.output:
        lesson_id = args.id or lesson_id_from(Path(args.output).stem)
        try:
            Path(args.output).write_text(lesson_skeleton(imported, lesson_id), encoding="utf-8")
        except OSError as exc:
            print(f"layerlab import: {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        made = sum(1 for layer in imported.layers if not layer.empty_layer)
        print(f"{args.output}: {imported.tag}, {made} layers, {len(imported.layers)} history rows", file=sys.stderr)
    return 0


def register(sub) -> None:
    p = sub.add_parser("import", help="a docker save archive or OCI layout as a lesson skeleton")
    p.add_argument("archive")
    p.add_argument("-o", "--output", help="the lesson file to write")
    p.add_argument("--id", help="the lesson's id (default: from the output's name)")
    p.add_argument("--json", action="store_true", help="print every layer's changeset as JSON")
    p.set_defaults(func=_import)
