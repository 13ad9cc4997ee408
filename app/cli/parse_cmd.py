"""`layerlab parse DOCKERFILE [--json]`: show how BuildKit reads a Dockerfile.

Without --json it prints BuildKit's own parse-tree dump (one `(cmd ...)` line
per instruction, the format of BuildKit's parser tests); with --json, one
object per instruction with BuildKit's field names (docs/cli-parse.md).
The file is also checked as a build would check it (unknown instructions,
flags, argument counts), so a clean exit means BuildKit would accept it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.cli.build_args import add_option, build_args
from app.dockerfile.errors import DockerfileError
from app.dockerfile.instructions import parse_dockerfile
from app.dockerfile.parser import Node, dump, parse


def node_to_json(node: Node) -> dict:
    """One instruction as the JSON object documented in docs/cli-parse.md."""
    return {
        "cmd": node.cmd,
        "sub_cmd": node.sub_cmd,
        "json": node.json,
        "original": node.original,
        "start_line": node.start_line,
        "end_line": node.end_line,
        "flags": list(node.flags),
        "value": list(node.value),
        "heredocs": [
            {"name": doc.name, "content": doc.content, "file_descriptor": doc.file_descriptor,
             "expand": doc.expand, "chomp": doc.chomp}
            for doc in node.heredocs
        ],
    }


def _read(name: str) -> str:
    data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    # Bytes that are not UTF-8 survive as surrogates and are written back unchanged.
    return data.decode("utf-8", "surrogateescape")


def _write(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
    sys.stdout.flush()


def run(args: argparse.Namespace) -> int:
    filename = "<stdin>" if args.dockerfile == "-" else args.dockerfile
    try:
        text = _read(args.dockerfile)
    except OSError as err:
        print(f"{filename}:1:1: cannot read the Dockerfile: {err.strerror or err}", file=sys.stderr)
        return 1
    try:
        result = parse(text, filename=filename)
        typed = parse_dockerfile(text, filename=filename)
    except DockerfileError as err:
        print(str(err), file=sys.stderr)
        return 1
    blank = blank_base(typed, build_args(args))
    if blank is not None:
        print(f"{filename}:{blank.line}:1: base name ({blank.image}) should not be blank", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"{filename}:{warning.line}:1: warning: {warning.message}", file=sys.stderr)
    if args.json:
        _write(json.dumps([node_to_json(node) for node in result.nodes], ensure_ascii=False, indent=2) + "\n")
    else:
        _write(dump(result) + "\n")
    return 0


def blank_base(typed, args: dict[str, str]):
    """The first FROM whose image the build args (and the ARGs before it) leave blank, as
    BuildKit refuses it before building; None when every stage has a base."""
    from app.build.stages import expand_word, global_args

    values = global_args(typed, args, typed.escape or "\\")
    for stage in typed.stages:
        if not expand_word(stage.base.image, values, typed.escape or "\\").strip():
            return stage.base
    return None


def register(subparsers) -> None:
    """Add `parse` to the `layerlab` command (called by app.cli)."""
    p = subparsers.add_parser("parse", help="show how BuildKit parses a Dockerfile",
                              description=__doc__.split("\n\n", 1)[1] if __doc__ else None)
    p.add_argument("dockerfile", help="the Dockerfile to read ('-' for standard input)")
    p.add_argument("--json", action="store_true",
                   help="one JSON object per instruction (default: BuildKit's parse-tree dump)")
    add_option(p)
    p.set_defaults(func=run)
