"""List the longest functions in app/ (the project's rule: none over ~80 lines).

    python tools/longest_functions.py [N] [--root DIR] [--over LINES]

Prints ``file:line  name  length`` for the N longest functions and methods
(default 25), longest first. A function's length runs from its ``def`` line
(decorators not counted) to its last line, as ``ast`` reports ``end_lineno``;
a nested function counts inside its parent and also on its own line.
``--over 80`` prints only the functions longer than 80 lines and exits 1 if
there are any, so the rule can be checked by a script.
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Function:
    file: str
    line: int
    name: str  # Class.method or outer.inner for nested definitions
    length: int


def functions_in(path: Path, relative_to: Path) -> list[Function]:
    """Every function and method in one Python file, with its qualified name."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Function] = []
    file = str(path.relative_to(relative_to))

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + child.name
                found.append(Function(file, child.lineno, name, child.end_lineno - child.lineno + 1))
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def longest(root: Path, count: int | None = None) -> list[Function]:
    """The functions under ``root/app``, longest first (ties by place)."""
    everything = [f for path in sorted((root / "app").rglob("*.py")) for f in functions_in(path, root)]
    everything.sort(key=lambda f: (-f.length, f.file, f.line))
    return everything if count is None else everything[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=25, help="how many to list (default 25)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the project folder (default: this checkout)")
    parser.add_argument("--over", type=int, help="list only functions longer than this; exit 1 if any")
    args = parser.parse_args(argv)
    if args.over is not None:
        rows = [f for f in longest(args.root) if f.length > args.over]
    else:
        rows = longest(args.root, args.count)
    width = max((len(f"{f.file}:{f.line}") for f in rows), default=0)
    for f in rows:
        print(f"{f.file + ':' + str(f.line):<{width}}  {f.length:>4}  {f.name}")
    return 1 if args.over is not None and rows else 0


if __name__ == "__main__":
    sys.exit(main())
