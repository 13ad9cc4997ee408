"""Instruction flags (`--from=build`, `--link`, `--mount=...`), checked as BuildKit's BFlags does.

The parser accepts any `--word` in front of any instruction; only here, per
instruction, does BuildKit decide which flags exist and what values they take.
Rejecting an unknown flag (with a suggestion) is what BuildKit does too, and it
catches the common `--chmod` / `--chown` typo before a build silently ignores it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import did_you_mean

BOOL, STRING, STRINGS = "bool", "string", "strings"


class FlagError(ValueError):
    """A flag BuildKit refuses; `flag` is the offending `--word` as written."""

    def __init__(self, message: str, flag: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.flag = flag
        self.hint = hint


@dataclass
class _Flag:
    kind: str
    value: str = ""
    values: list[str] = field(default_factory=list)
    used: bool = False


class Flags:
    """The flags one instruction declares, filled from the words the parser found."""

    def __init__(self, words: list[str]):
        self._words = words
        self._flags: dict[str, _Flag] = {}

    def add(self, name: str, kind: str, default: str = "") -> None:
        self._flags[name] = _Flag(kind, default)

    def parse(self) -> None:
        for word in self._words:
            if not word.startswith("--"):
                raise FlagError(f"arg should start with -- : {word}", word)
            if word == "--":
                return
            name, has_value, value = word[2:].partition("=")
            flag = self._flags.get(name)
            if flag is None:
                suggestion = did_you_mean(name, list(self._flags))
                message = f"unknown flag: {name}"
                if suggestion:
                    message += f" (did you mean {suggestion}?)"
                known = ", ".join("--" + known for known in self._flags) or "none"
                raise FlagError(message, word, hint=f"Flags this instruction accepts: {known}.")
            if flag.used and flag.kind != STRINGS:
                raise FlagError(f"duplicate flag specified: {name}", word,
                                hint=f"Give --{name} only once.")
            flag.used = True
            if flag.kind == BOOL:
                if has_value and value == "":
                    raise FlagError(f"missing a value on flag: {name}", word,
                                    hint=f"Write --{name} or --{name}=true/false.")
                if value.lower() in ("true", ""):
                    flag.value = "true"
                elif value.lower() == "false":
                    flag.value = "false"
                else:
                    raise FlagError(f"expecting boolean value for flag {name}, not: {value}", word,
                                    hint=f"Write --{name} or --{name}=false.")
            else:
                if not has_value:
                    raise FlagError(f"missing a value on flag: {name}", word,
                                    hint=f"Write --{name}=VALUE.")
                if flag.kind == STRING:
                    flag.value = value
                else:
                    flag.values.append(value)

    def string(self, name: str) -> str:
        return self._flags[name].value

    def strings(self, name: str) -> list[str]:
        return list(self._flags[name].values)

    def boolean(self, name: str) -> bool:
        return self._flags[name].value == "true"

    def used(self, name: str) -> bool:
        return self._flags[name].used
