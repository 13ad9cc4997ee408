"""Lesson text (Markdown) to HTML, with line breaks that respect Chinese.

A YAML block wraps a long Chinese sentence over several lines; CommonMark turns
each line break into a soft break, which browsers show as a space, so "镜像，\n它"
would read "镜像， 它". Chinese is written without spaces between words, so a soft
break between two CJK characters (or CJK punctuation) renders as nothing, the
rule of CSS Text 3 (segment break transformation); next to a Latin word it
stays a line break (a space on screen).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

# CJK ideographs, CJK symbols and punctuation (。，、「」…), full-width forms (，：；！？).
_CJK = re.compile(r"[\u2e80-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _edge_char(tokens, idx: int, step: int) -> str:
    """The visible character next to the soft break at ``idx``, looking back (-1) or forward (+1)."""
    i = idx + step
    while 0 <= i < len(tokens):
        content = tokens[i].content
        if content:
            return content[-1] if step < 0 else content[0]
        i += step
    return ""


def _softbreak(self, tokens, idx, options, env):
    if _CJK.match(_edge_char(tokens, idx, -1)) and _CJK.match(_edge_char(tokens, idx, +1)):
        return ""
    return "\n"


_markdown.add_render_rule("softbreak", _softbreak)


def render_markdown(text: str | None) -> str:
    return _markdown.render(text or "")
