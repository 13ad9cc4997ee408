"""What the URL says beyond the path: the language, the glosses switch, presentation mode.

A page is a pure function of the lesson files and the URL, so every choice a
student makes (language, Chinese/English terms on labels, projector mode) is a
query parameter that links keep, never a cookie.
"""

from __future__ import annotations

from flask import request

from app.lessons import LANGS

TERMS = ("on", "off")


def current_lang() -> str:
    lang = request.args.get("lang", "en") if request else "en"
    return lang if lang in LANGS else "en"


def glosses_on() -> bool:
    """Terms in the other language on diagram labels: on in 中文 pages, off in English ones by default."""
    terms = request.args.get("terms") if request else None
    if terms in TERMS:
        return terms == "on"
    return current_lang() == "zh"


def presenting() -> bool:
    return bool(request) and request.args.get("present") == "1"


def kept(**changes) -> dict:
    """The query arguments every link keeps, with ``changes`` applied (None drops one)."""
    args = {"lang": current_lang()}
    if request and request.args.get("terms") in TERMS:
        args["terms"] = request.args["terms"]
    if presenting():
        args["present"] = "1"
    args.update(changes)
    return {k: v for k, v in args.items() if v is not None}
