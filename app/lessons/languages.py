"""The languages a lesson is taught in: ``languages: [en]`` needs no ``zh`` anywhere.

A course taught in one language writes its texts as plain strings (``say: "…"``)
or as one-language mappings; a two-language lesson (the default, ``[en, zh]``)
gives every text in both. This runs on the plain data before the models check
it, so that each missing text is reported at its own line, in words that say
both ways out.
"""

from __future__ import annotations

from typing import Iterator

from .model import LANGS

DEFAULT = list(LANGS)


def declared(data: dict) -> list[str] | None:
    """The lesson's languages; None when ``languages:`` is malformed (the models report it)."""
    value = data.get("languages", DEFAULT)
    if isinstance(value, list) and value and all(v in LANGS for v in value):
        return list(dict.fromkeys(value))
    return None


def _texts(data: dict) -> Iterator[tuple[tuple, dict, str]]:
    """(where, the mapping holding it, its key) for every text of the lesson."""
    for key in ("title", "summary"):
        if key in data:
            yield (key,), data, key
    steps = data.get("steps")
    if isinstance(steps, list):
        for i, step in enumerate(steps):
            if isinstance(step, dict) and "say" in step:
                yield ("steps", i, "say"), step, "say"
            ask = step.get("ask") if isinstance(step, dict) else None
            if isinstance(ask, dict) and "text" in ask:  # a question's own wording is a text too
                yield ("steps", i, "ask", "text"), ask, "text"


def one_language_texts(data: dict) -> list[tuple[tuple, str]]:
    """Plain strings made one-language texts (in ``data``), and (where, message) for each text short of a language."""
    langs = declared(data)
    if langs is None:
        return []
    problems = []
    for where, holder, key in _texts(data):
        value = holder[key]
        if isinstance(value, str):
            if len(langs) == 1:
                holder[key] = {langs[0]: value}
                continue
            problems.append((where, f'{key}: a plain text is for a one-language course; write {key}: '
                                    f'{{en: "…", zh: "…"}}, or declare languages: [en] at the top of the lesson'))
            holder[key] = {langs[0]: value}  # reported once, here: the models need not say it again
        elif isinstance(value, dict):
            missing = [lang for lang in langs if lang not in value]
            if missing and value:
                said = ", ".join(langs)
                problems.append((where, f"{key}: has no {' or '.join(missing)}: text, and this lesson is taught in "
                                        f"{said} (languages: [{said}]); add {missing[0]}: \"…\", or declare "
                                        f"languages: [{', '.join(l for l in langs if l not in missing)}]"))
    return problems
