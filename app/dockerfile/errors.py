"""The one error type of the Dockerfile front end.

A learner's first Dockerfile is usually wrong somewhere, so an error must point
at the spot (`FILE:LINE:COLUMN`, 1-based, as compilers and editors do), quote
what it found, and where it can, say what would be right.
"""

from __future__ import annotations

import difflib


class DockerfileError(Exception):
    """A Dockerfile that BuildKit would refuse, with where and why.

    `str(e)` is `FILE:LINE:COLUMN: message`; a hint, when there is one, follows
    on its own line so tools that read the first line still find the location.
    """

    def __init__(self, message: str, filename: str = "Dockerfile", line: int = 1,
                 column: int = 1, hint: str | None = None):
        self.message = message
        self.filename = filename
        self.line = line
        self.column = column
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.filename}:{self.line}:{self.column}: {self.message}"
        if self.hint:
            text += f"\n{self.hint}"
        return text


def did_you_mean(word: str, choices: list[str]) -> str | None:
    """The closest of `choices` to `word` (case-insensitive), for "did you mean X?"."""
    lowered = {choice.lower(): choice for choice in choices}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None
