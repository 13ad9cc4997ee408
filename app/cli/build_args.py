"""``--build-arg K=V`` for ``layerlab build``, ``verify`` and ``parse``, read as the docker CLI reads it.

``--build-arg K=V`` sets K; ``--build-arg K`` alone takes K's value from the
environment and is left out when the environment has none (docker's rule, so
that ``--build-arg HTTP_PROXY`` passes a proxy on without writing it out).
"""

from __future__ import annotations

import argparse
import os


def add_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--build-arg", action="append", default=[], metavar="K=V", dest="build_arg",
                        help="set a build-time variable (ARG), as docker build --build-arg; repeatable")


def build_args(args: argparse.Namespace) -> dict[str, str]:
    """The options as a dict; later ones win, as with docker."""
    out: dict[str, str] = {}
    for item in getattr(args, "build_arg", None) or []:
        name, eq, value = item.partition("=")
        if eq:
            out[name] = value
        elif name in os.environ:
            out[name] = os.environ[name]
    return out
