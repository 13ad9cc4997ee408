"""`layerlab commands [--json] [NAME...]`: every command a RUN line (or `docker exec`)
can use in the simulator, with the options it takes.

The shell's commands and their options are read from the code that runs them
(app/shell/command_list.py); the package managers come from the catalog's
package tools, one set per distribution. Any other command is "not
simulated": the build goes on and `layerlab check` warns about it.
"""

from __future__ import annotations

import argparse
import json

DISTROS = ("debian", "ubuntu", "alpine", "centos")


def _package_commands() -> dict[str, list[str]]:
    """Package-manager command -> the distributions whose images have it."""
    from app.catalog import package_tool

    found: dict[str, list[str]] = {}
    for distro in DISTROS:
        for name in sorted(package_tool(distro).commands):
            found.setdefault(name, []).append(distro)
    return found


def _rows(names: list[str]) -> list[dict]:
    from app.shell.command_list import simulated_commands

    rows = [{"name": c.name, "kind": c.kind, "options": list(c.options), "words": list(c.words),
             "options_read_by_hand": c.by_hand, "summary": c.summary} for c in simulated_commands()]
    for name, distros in _package_commands().items():
        rows.append({"name": name, "kind": "package tool", "options": [], "words": [],
                     "options_read_by_hand": True, "summary": "in images of " + ", ".join(distros)})
    rows.sort(key=lambda r: r["name"])
    return [r for r in rows if not names or r["name"] in names]


def _commands(args: argparse.Namespace) -> int:
    rows = _rows(args.names)
    unknown = sorted(set(args.names) - {r["name"] for r in rows})
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for r in rows:
            extra = r["options"] + [f"{w}=" if r["name"] == "dd" else w for w in r["words"]]
            if r["kind"] == "package tool":
                extra = [f"({r['summary']}; its subcommands and options: app/catalog)"]
            print(f"{r['name']:<12} {r['kind']:<15} {' '.join(extra) or '-'}")
        if not args.names:
            print(f"\n{len(rows)} commands. Any other command in a RUN is 'not simulated': the build goes on "
                  "and `layerlab check` warns (--strict: fails).")
    for name in unknown:
        print(f"{name}: not simulated (layerlab check warns where a lesson uses it)")
    return 1 if unknown else 0


def register(sub) -> None:
    p = sub.add_parser("commands", help="list the shell commands the simulator runs, with their options")
    p.add_argument("names", nargs="*", metavar="NAME", help="only these commands")
    p.add_argument("--json", action="store_true", help="one object per command")
    p.set_defaults(func=_commands)
