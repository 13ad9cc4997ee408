"""The layering of app/, as docs/architecture.md states it, checked on every import.

Reads every ``import`` and ``from ... import`` in app/ with ``ast`` (relative
imports, imports inside functions and under ``if TYPE_CHECKING`` included) and
fails on:

- an import that goes up the order or sideways (between two packages on the
  same level), except the pairs ``SIDEWAYS_ALLOWED`` names;
- a package in app/ that has no level (a new package takes its place here and
  in docs/architecture.md first);
- an import cycle between two modules (files) anywhere in app/, except those
  in ``KNOWN_CYCLES`` (empty; a cycle listed there while a change removes it
  must leave the list once it is gone: a test fails on a stale entry);
- a module of a pure package that imports something able to start a process.

The checker is plain functions over (path, source) so that the last tests can
hand it a deliberate back-import and watch it complain.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"

# Top first. A package may import any package on a lower level, none on its own
# level or above. app/__init__.py (the Flask factory) belongs to web.
LEVELS: list[tuple[str, ...]] = [
    ("web", "cli"),  # wiring only: HTTP pages and the command line
    ("sandbox",),  # a bounded pool of worker processes that play lessons for web and cli
    ("playground",),  # a playground state (URL) -> an in-memory lesson, played
    ("lessons",),  # lesson files -> played frames
    ("runtime", "render", "verify"),  # Docker's verbs; scene -> DOT -> SVG; the kernel as oracle
    ("build", "imageio"),  # typed instructions -> image; an image as docker save / OCI write it, and back
    ("shell", "catalog", "dockerfile"),  # RUN without processes; Debian data; BuildKit's parser
    ("engine",),  # layers, union mounts, images, containers
]
# (importer, imported) pairs on one level that may meet, each with its reason.
SIDEWAYS_ALLOWED = {
    ("cli", "web"): "`layerlab serve` starts the web app (app.create_app)",
}
# Packages whose code never starts a process: the simulator runs nothing on the host.
PURE = ("engine", "shell", "catalog", "dockerfile", "build", "runtime", "render", "playground", "imageio")
PROCESS_MODULES = ("subprocess", "multiprocessing", "pty", "ctypes", "concurrent.futures.process")
PROCESS_OS_CALLS = {"fork", "forkpty", "system", "popen", "posix_spawn", "posix_spawnp", "execv", "execve",
                    "execvp", "execvpe", "execl", "execle", "execlp", "execlpe", "spawnv", "spawnve",
                    "spawnvp", "spawnvpe", "spawnl", "spawnle", "spawnlp", "spawnlpe"}
# Packages where an import cycle is tolerated while a change removes it: a cycle
# whose modules all lie in one of these is not reported. Empty: app/ has none.
KNOWN_CYCLES: dict[str, str] = {}

LEVEL_OF = {package: number for number, packages in enumerate(LEVELS) for package in packages}


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name, e.g. app.dockerfile.expand
    target: str  # dotted name of what it imports, e.g. app.dockerfile.instructions, or subprocess
    where: str  # app/dockerfile/expand.py:23
    runs: bool = True  # False under `if TYPE_CHECKING:` (never executed)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _app_module_exists(dotted: str) -> bool:
    if not dotted.startswith("app."):
        return dotted == "app"
    relative = Path(*dotted.split("."))
    return (ROOT / relative).with_suffix(".py").is_file() or (ROOT / relative / "__init__.py").is_file()


def _type_checking_lines(tree: ast.AST) -> set[int]:
    """Line numbers of statements under ``if TYPE_CHECKING:``."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else ""
            if name == "TYPE_CHECKING":
                for child in node.body:
                    lines.update(range(child.lineno, child.end_lineno + 1))
    return lines


def imports_of(path: Path, source: str | None = None) -> list[Import]:
    """Every import in one file, resolved to dotted module names.

    ``from P import name`` counts as importing ``P.name`` when that is a module
    of app/ (``from app import catalog``, ``from . import builtins``), else ``P``.
    """
    source = path.read_text(encoding="utf-8") if source is None else source
    tree = ast.parse(source, filename=str(path))
    importer = module_name(path)
    package = importer if _is_package(path) else importer.rpartition(".")[0]
    guarded = _type_checking_lines(tree)
    where = str(path.relative_to(ROOT))
    found: list[Import] = []

    def add(target: str, line: int) -> None:
        found.append(Import(importer, target, f"{where}:{line}", line not in guarded))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                submodule = f"{origin}.{alias.name}"
                if origin.startswith("app") and _app_module_exists(submodule):
                    add(submodule, node.lineno)
                else:
                    add(origin if alias.name != "*" else origin, node.lineno)
                    if origin == "os" and alias.name in PROCESS_OS_CALLS:
                        add(f"os.{alias.name}", node.lineno)
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os"
              and node.attr in PROCESS_OS_CALLS):
            add(f"os.{node.attr}", node.lineno)
    return found


def app_files() -> list[Path]:
    return sorted(APP.rglob("*.py"))


@functools.cache
def _all_imports() -> tuple[Import, ...]:
    return tuple(imp for path in app_files() for imp in imports_of(path))


def all_imports() -> list[Import]:
    return list(_all_imports())


def package_of(module: str) -> str | None:
    """The top package of app/ a module belongs to (app itself is the Flask factory: web)."""
    if module == "app":
        return "web"
    if module.startswith("app."):
        return module.split(".")[1]
    return None


def layering_violations(imports: list[Import]) -> list[str]:
    out = []
    for imp in imports:
        mine, theirs = package_of(imp.importer), package_of(imp.target)
        if theirs is None or mine == theirs or (mine, theirs) in SIDEWAYS_ALLOWED:
            continue
        if mine not in LEVEL_OF or theirs not in LEVEL_OF:
            continue  # reported by test_every_package_of_app_has_a_level
        if LEVEL_OF[theirs] < LEVEL_OF[mine]:
            out.append(f"{imp.where}: {mine} imports {imp.target}, but {theirs} is above {mine}")
        elif LEVEL_OF[theirs] == LEVEL_OF[mine]:
            out.append(f"{imp.where}: {mine} imports {imp.target}, but {theirs} is on the same level as {mine}")
    return out


def process_violations(imports: list[Import]) -> list[str]:
    out = []
    for imp in imports:
        if package_of(imp.importer) not in PURE:
            continue
        if imp.target.startswith("os.") or any(imp.target == m or imp.target.startswith(m + ".")
                                               for m in PROCESS_MODULES):
            out.append(f"{imp.where}: {package_of(imp.importer)} must not start processes, but uses {imp.target}")
    return out


def cycles(imports: list[Import]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        graph.setdefault(imp.importer, set())
        if imp.runs and imp.target.startswith("app") and imp.target != imp.importer and _app_module_exists(imp.target):
            graph[imp.importer].add(imp.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def _cycle_report(component: list[str], imports: list[Import]) -> str:
    members = set(component)
    edges = sorted({f"    {imp.where}: imports {imp.target}" for imp in imports
                    if imp.runs and imp.importer in members and imp.target in members})
    return " <-> ".join(component) + "\n" + "\n".join(edges)


# ----------------------------------------------------------------------------- the rules


def test_every_package_of_app_has_a_level():
    packages = {p.parent.name for p in APP.glob("*/__init__.py")}
    missing = sorted(packages - set(LEVEL_OF))
    assert not missing, f"give these packages a level in LEVELS and in docs/architecture.md: {missing}"


def test_no_import_goes_up_the_layers_or_sideways():
    problems = layering_violations(all_imports())
    assert not problems, "imports against the layering (docs/architecture.md):\n" + "\n".join(problems)


def _known(component: list[str]) -> bool:
    return any(all(m == package or m.startswith(package + ".") for m in component) for package in KNOWN_CYCLES)


def test_no_import_cycles_between_modules():
    imports = all_imports()
    new = [c for c in cycles(imports) if not _known(c)]
    assert not new, "import cycles:\n" + "\n".join(_cycle_report(c, imports) for c in new)


def test_every_known_cycle_is_still_there():
    """Once a branch removes a known cycle, take its package out of KNOWN_CYCLES (so none comes back)."""
    found = cycles(all_imports())
    gone = [p for p in KNOWN_CYCLES if not any(all(m.startswith(p + ".") or m == p for m in c) for c in found)]
    assert not gone, f"no import cycle left in {gone}: take them out of KNOWN_CYCLES"


def test_pure_packages_import_nothing_that_starts_a_process():
    problems = process_violations(all_imports())
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- the checker can fail


def _pretend(path: str, source: str) -> list[Import]:
    return imports_of(ROOT / path, source)


@pytest.mark.parametrize("path,source,complaint", [
    ("app/render/dot.py", "from app.lessons import player\n", "render imports app.lessons.player, but lessons is above render"),
    ("app/render/dot.py", "def f():\n    from app import lessons\n", "render imports app.lessons, but lessons is above render"),
    ("app/engine/union.py", "from ..build import stages\n", "engine imports app.build.stages, but build is above"),
    ("app/shell/parser.py", "from app.catalog.apt import AptSession\n", "catalog is on the same level as shell"),
    ("app/verify/replay.py", "import app.render.dot\n", "render is on the same level as verify"),
    ("app/build/stages.py", "from app.sandbox import pool\n", "sandbox is above build"),
])
def test_a_back_or_sideways_import_is_reported_with_its_place(path, source, complaint):
    [problem] = layering_violations(_pretend(path, source))
    assert problem.startswith(f"{path}:") and complaint in problem


@pytest.mark.parametrize("path,source", [
    ("app/engine/union.py", "import subprocess\n"),
    ("app/shell/interpreter.py", "def f():\n    import os\n    return os.fork()\n"),
    ("app/build/stages.py", "from multiprocessing import Pool\n"),
    ("app/render/output.py", "import pty\n"),
    ("app/catalog/apt.py", "from os import system\n"),
    ("app/runtime/verbs.py", "from concurrent.futures.process import ProcessPoolExecutor\n"),
])
def test_a_process_in_a_pure_package_is_reported(path, source):
    assert process_violations(_pretend(path, source))


def test_the_verify_package_may_start_processes():
    assert not process_violations(_pretend("app/verify/kernel.py", "import subprocess\nimport os\nos.fork()\n"))


def test_a_cycle_through_a_relative_import_inside_a_function_is_found():
    imports = [imp for imp in all_imports() if imp.importer != "app.dockerfile.lexer"]
    imports += _pretend("app/dockerfile/lexer.py", "def later():\n    from . import instructions\n")
    pair = {"app.dockerfile.instructions", "app.dockerfile.lexer"}
    assert not any(pair <= set(c) for c in cycles(all_imports()))
    assert any(pair <= set(c) for c in cycles(imports))


def test_a_type_checking_import_counts_for_layering_but_not_for_cycles():
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.lessons import Lesson\n"
    imports = _pretend("app/render/scene.py", source)
    assert layering_violations(imports)
    assert not [imp for imp in imports if imp.target == "app.lessons" and imp.runs]
