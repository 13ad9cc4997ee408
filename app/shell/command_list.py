"""Every command the shell simulates, with the options it takes, read from the
code that implements it (for ``layerlab commands``).

Why read the source and not keep a list: the options a command accepts are
the ones its ``parse_opts(ctx, "short", ["long", ...])`` call hands to getopt,
so a hand-kept list would drift from them. Commands that read their own
arguments (dd's ``bs=``, echo's ``-n``) name them as string literals or as a
module-level set of strings; those are listed too, marked ``by hand``.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass

from . import builtins, shell_programs
from . import commands as commands_package
from .commands.registry import REGISTRY

DECORATORS = {"register": "command", "program": "program", "special": "special builtin",
              "regular": "builtin"}
OPTION = re.compile(r"^--?[A-Za-z][A-Za-z0-9-]*=?$")
OPERAND = re.compile(r"^[a-z]+$")


@dataclass(frozen=True)
class CommandInfo:
    name: str
    kind: str  # "command" | "program" | "special builtin" | "builtin"
    options: tuple[str, ...]  # "-p", "--parents", "-m ARG"...
    words: tuple[str, ...]  # operand words it knows (dd's bs, count...; set -o's names)
    by_hand: bool  # options read by the command itself, not through getopt
    summary: str  # the first line of its docstring, or ""
    module: str


def _getopt_options(short: str, long: list[str]) -> list[str]:
    out, k = [], 0
    while k < len(short):
        takes = k + 1 < len(short) and short[k + 1] == ":"
        out.append(f"-{short[k]}" + (" ARG" if takes else ""))
        k += 2 if takes else 1
    out += [f"--{name[:-1]}=ARG" if name.endswith("=") else f"--{name}" for name in long]
    return out


def _literal(node: ast.AST):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _reached(fn: ast.FunctionDef, functions: dict[str, ast.FunctionDef]) -> list[ast.FunctionDef]:
    """``fn`` and the module's functions it calls, at any depth (tar's ``_tar_options``)."""
    out, todo, seen = [], [fn], {fn.name}
    while todo:
        current = todo.pop()
        out.append(current)
        for node in ast.walk(current):
            name = getattr(node, "id", None) if isinstance(node, ast.Name) else None
            if name in functions and name not in seen:
                seen.add(name)
                todo.append(functions[name])
    return out


def _options_in(fn: ast.FunctionDef, constants: dict[str, list[str]],
                functions: dict[str, ast.FunctionDef]) -> tuple[list[str], list[str], bool]:
    """Options and words a command function takes: its parse_opts calls, else its literals."""
    bodies = _reached(fn, functions)
    found: list[str] = []
    for node in (n for body in bodies for n in ast.walk(body)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "parse_opts" and len(node.args) >= 2:
            short = _literal(node.args[1]) or ""
            long = _literal(node.args[2]) if len(node.args) > 2 else []
            found += _getopt_options(short, long or [])
    if found:
        return list(dict.fromkeys(found)), [], False
    words: list[str] = []
    for node in (n for body in bodies for n in ast.walk(body)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and OPTION.match(node.value):
            found.append(node.value)
        elif isinstance(node, ast.Name) and node.id in constants:
            words += constants[node.id]
    return list(dict.fromkeys(found)), list(dict.fromkeys(words)), bool(found or words)


def _string_sets(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level constants that are collections of operand words (dd's DD_OPERANDS)."""
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = _literal(node.value)
            if isinstance(value, (set, frozenset, tuple, list)) and value and \
                    all(isinstance(v, str) and OPERAND.match(v) for v in value):
                out[node.targets[0].id] = sorted(value)
    return out


def _decorated(module) -> list[tuple]:
    """(name, kind, options, words, by hand, docstring) of every command the module files in a table."""
    tree = ast.parse(inspect.getsource(module))
    constants = _string_sets(tree)
    functions = {fn.name: fn for fn in tree.body if isinstance(fn, ast.FunctionDef)}
    out = []
    for fn in functions.values():
        for deco in fn.decorator_list:
            kind = DECORATORS.get(getattr(getattr(deco, "func", None), "id", None))
            if kind:
                for arg in deco.args:
                    out.append((_literal(arg), kind, *_options_in(fn, constants, functions),
                                ast.get_docstring(fn) or ""))
    return out


def _modules() -> list:
    names = [m.name for m in pkgutil.iter_modules(commands_package.__path__) if m.name != "registry"]
    return [importlib.import_module(f"{commands_package.__name__}.{n}") for n in sorted(names)] + \
        [builtins, shell_programs]


def _merged(first: tuple[str, ...], second: list[str]) -> list[str]:
    """Both lists without repeats: ``-c``, ``--bytes=`` and ``-c ARG`` are one option."""
    out, stems = [], set()
    for option in sorted([*first, *second], key=lambda o: not o.endswith("ARG")):
        stem = option.split(" ")[0].split("=")[0]
        if stem not in stems:
            stems.add(stem)
            out.append(option)
    return out


@functools.cache
def simulated_commands() -> tuple[CommandInfo, ...]:
    """Every simulated command, program and builtin, sorted by name."""
    tables = {"command": REGISTRY, "program": shell_programs.PROGRAMS,
              "special builtin": builtins.SPECIAL, "builtin": builtins.REGULAR}
    infos: dict[str, CommandInfo] = {}
    for module in _modules():
        for name, kind, options, words, by_hand, doc in _decorated(module):
            if name not in tables[kind]:
                continue
            earlier = infos.get(name)  # a command that wraps another of the same name (head -c)
            if earlier:
                options = _merged(earlier.options, options)
                words = list(dict.fromkeys(list(earlier.words) + words))
                by_hand = earlier.by_hand and by_hand
                doc = doc or earlier.summary
            infos[name] = CommandInfo(name, kind, tuple(options), tuple(words), by_hand,
                                      (doc.strip().splitlines() or [""])[0], module.__name__)
    for kind, table in tables.items():  # anything filed in a table by other means
        for name in table:
            infos.setdefault(name, CommandInfo(name, kind, (), (), False, "", ""))
    return tuple(sorted(infos.values(), key=lambda i: i.name))
