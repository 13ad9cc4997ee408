"""What a build gives back: one BuildStep per instruction, grouped by stage.

Facts a caller acts on are fields, not words in the text a student reads:
``BuildStep.uncertain`` says why a step's result is not what ``docker build``
would make (a placeholder stood in, a command was not simulated), so nobody
has to search the notes for "placeholder".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from app.engine import Image, Trace


class Uncertain(str, Enum):
    """Why a step's result is a stand-in for what Docker would make."""

    PLACEHOLDER_BASE = "placeholder base"  # FROM an image the catalog does not know
    MISSING_CONTEXT_FILE = "missing context file"  # COPY of a file the build context lacks
    NOT_DOWNLOADED = "not downloaded"  # ADD of a URL or a git repository
    ARCHIVE_NOT_EXTRACTED = "archive not extracted"  # ADD of a local tar
    NOT_IN_SOURCE_IMAGE = "not in source image"  # COPY --from of a path the image lacks
    PLACEHOLDER_SOURCE_IMAGE = "placeholder source image"  # COPY --from an image the catalog lacks
    NOT_SIMULATED = "not simulated"  # RUN: a command the shell does not simulate

    @property
    def leaves_unknown_files(self) -> bool:
        """The step's files are not what Docker's would be, so a later RUN may fail only for
        want of them (the shell's ``after_unknowns``). A placeholder FROM alone does not
        count: a RUN's own logic (nginx's modules image exiting 1 without
        --build-arg ENABLED_MODULES) must still fail as docker's does."""
        return self is not Uncertain.PLACEHOLDER_BASE


@dataclass
class BuildStep:
    """One instruction, built: the image after it, and what it did."""

    stage: int
    stage_name: str | None
    keyword: str
    text: str
    line: int
    end_line: int
    image: Image
    created_layer: bool = False
    expanded: str | None = None
    traces: list[Trace] = field(default_factory=list)
    not_simulated: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stdout: str = ""
    error: str | None = None
    script: str = ""  # what the shell ran, for RUN
    commands: list[str] = field(default_factory=list)  # each simple command the shell ran
    uncertain: list[Uncertain] = field(default_factory=list)  # empty: simulated in full


@dataclass
class StageResult:
    index: int
    name: str | None
    base: str
    image: Image
    steps: list[BuildStep] = field(default_factory=list)
    final: bool = False


@dataclass
class BuildResult:
    image: Image
    stages: list[StageResult]
    steps: list[BuildStep]
    failed: BuildStep | None = None
    warnings: list[str] = field(default_factory=list)


class BuildError(Exception):
    """A build that cannot go on (a RUN that failed, an unknown stage)."""

    def __init__(self, message: str, line: int = 0, column: int = 1):
        self.message, self.line, self.column = message, line, column
        super().__init__(message)
