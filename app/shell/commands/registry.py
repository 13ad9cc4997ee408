"""The table of simulated commands, and the decorator that files a command in it.

Apart from the command modules' package so that each module can import
``register`` without importing the package that imports it (no cycle).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Callable

REGISTRY: dict[str, Callable] = {}


def registrar(table: dict[str, Callable]) -> Callable:
    """A decorator factory that files a function in ``table`` under the names it answers to."""
    def names(*answers_to: str) -> Callable:
        def wrap(fn: Callable) -> Callable:
            for n in answers_to:
                table[n] = fn
            return fn
        return wrap
    return names


register = registrar(REGISTRY)


def _hints() -> dict:
    return json.loads(resources.files(__package__).joinpath("not_simulated.json").read_text())


HINTS = _hints()


def not_simulated_hint(name: str) -> str:
    """Why ``name`` was not simulated, in one sentence a student can act on."""
    if name in HINTS["interpreters"]:
        return HINTS["interpreter_hint"].format(name=name, what=HINTS["interpreters"][name])
    if name in HINTS["known"]:
        return HINTS["known_hint"].format(name=name, what=HINTS["known"][name])
    return HINTS["default_hint"].format(name=name)

