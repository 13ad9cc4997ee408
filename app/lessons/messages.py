"""What is wrong with a lesson file, said in the terms of the lesson format, not the parser's.

ruamel.yaml says "expected <block end>, but found '<block mapping start>'" and
pydantic "Input should be a valid dictionary or instance of Text"; an
instructor needs to read "this line is indented less than the key above it".
Each rewrite looks at what the parser reported and, for YAML, at the line it
points to and the line above it. Anything not recognized keeps the parser's
words, which are still placed at their line.
"""

from __future__ import annotations

import difflib
import re

TEXT_KEYS = ("title", "summary", "say")
LIST_EXAMPLES = {
    "steps": "steps: must be a list, one step per line starting with '- ', e.g. '  - build: app'",
    "images": "images: must be a list, one image per entry starting with '- ', e.g. '  - name: app'",
    "show": "show: must be a list of image names, e.g. show: [app]",
    "languages": "languages: must be a list, e.g. languages: [en] or languages: [en, zh]",
}
KEY_LINE = re.compile(r"\A(?P<indent> *)(?:- )?(?P<key>[A-Za-z_][\w-]*):(?P<rest>.*)\Z")


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _line_above(lines: list[str], index: int) -> str | None:
    for above in reversed(lines[:index]):
        if above.strip() and not above.lstrip().startswith("#"):
            return above
    return None


def yaml_message(problem: str, context: str, lines: list[str], line: int) -> str:
    """A YAML syntax error (ruamel's ``problem`` and ``context``) at 1-based ``line``, in plain words."""
    text = lines[line - 1] if 1 <= line <= len(lines) else ""
    above = _line_above(lines, line - 1) or ""
    if "\t" in problem or "'\\t'" in problem:
        return "this line is indented with a tab; YAML indents with spaces only — replace the tab with spaces"
    if problem.startswith("expected <block end>"):
        return "this line is indented less than the key above it — check the spaces (keys of one mapping line up)"
    if problem == "mapping values are not allowed here":
        if KEY_LINE.match(text) and _indent(text) > _indent(above) and not above.rstrip().endswith(":"):
            return ("this line is indented more than the key above it, which already has a value — "
                    "check the spaces (keys of one mapping line up)")
        if re.search(r"\A\s*(?:- )?[\w-]+:\S", above):
            return "a ':' with no space after it on the line above — write 'key: value'"
        return "a ': ' inside a value — put the value in quotes, e.g. en: \"Note: this\""
    if problem.startswith("found duplicate key"):
        key = re.search(r'duplicate key "([^"]*)"', problem)
        return f"the key '{key[1] if key else '?'}' appears twice in one mapping; keep one"
    if "found unexpected end of stream" in problem or "while scanning a quoted scalar" in context:
        return "a quote is opened here and never closed — close it, or write the text as a block with '|'"
    if problem.startswith("expected ',' or '}'") or problem.startswith("expected ',' or ']'"):
        return ("this {…} or […] is not closed where YAML expects it — a quote or bracket is missing, "
                "or a value with ',' or ':' needs quotes")
    if "could not find expected ':'" in problem:
        return "a line without 'key: value' inside a mapping — a key is missing its ':', or a text needs quotes"
    return f"{problem}" + (f" ({context})" if context else "")


def validation_message(err: dict, loc: list[str], known_keys: tuple[str, ...] = ()) -> str:
    """One pydantic error, at ``loc`` (keys and indexes as text), in the lesson format's terms."""
    kind = err["type"]
    last = loc[-1] if loc else ""
    if kind in ("model_type", "dict_type", "model_attributes_type") and last in TEXT_KEYS:
        return (f'{last}: must be a mapping of languages, e.g. {last}: {{en: "…", zh: "…"}}, '
                f'or write {last}: "…" in a one-language course (languages: [en] at the top)')
    if kind == "list_type" and last in LIST_EXAMPLES:
        return LIST_EXAMPLES[last]
    if kind == "literal_error" and len(loc) >= 2 and loc[-2] == "languages":
        return f"'{err.get('input')}' is not a language layerlab speaks (en, zh)"
    if kind == "too_short" and last == "steps":
        return "steps: a lesson needs at least one step"
    if kind == "value_error":
        return err["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(last, known_keys, n=1)
        return f"unknown key '{last}'" + (f" (did you mean '{close[0]}'?)" if close else "")
    if kind == "greater_than_equal":
        return f"{last}: must be {err['ctx']['ge']} or more (steps and instructions count from 1)"
    if kind == "string_pattern_mismatch" and last == "mode":
        return f"mode: {err.get('input')!r} is not a file mode; write it in octal, in quotes, e.g. mode: \"0755\""
    if kind == "string_pattern_mismatch" and last in ("name", "run"):
        return f"{last}: {err.get('input')!r} is not a name Docker accepts: lower-case letters, digits, '.', '_', '-'"
    if kind in ("int_parsing", "int_type"):
        return f"{last}: must be a whole number, not {err.get('input')!r}"
    if kind in ("bool_parsing", "bool_type"):
        return f"{last}: must be true or false, not {err.get('input')!r}"
    return err["msg"]
