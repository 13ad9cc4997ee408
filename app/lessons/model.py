"""What a lesson file may contain, as pydantic models.

A lesson is data an instructor writes by hand, so the schema is strict
(unknown keys are errors: a typo must not silently drop a step) and every
error can be traced back to a line of the YAML file by the loader.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

LANGS = ("en", "zh")

# The one rule for a lesson id: `layerlab check` accepts exactly the ids the router serves.
LESSON_ID = re.compile(r"\A[a-z0-9][a-z0-9-]{0,63}\Z")
LESSON_ID_RULE = "1 to 64 characters of a-z, 0-9 and '-', not starting with '-'"


def is_lesson_id(text: str) -> bool:
    """Whether ``text`` can be a lesson id (and so a URL /lessons/<id>)."""
    return bool(LESSON_ID.match(text))


def _lesson_id(text: str) -> str:
    if not is_lesson_id(text):
        raise ValueError(f"an id is {LESSON_ID_RULE}")
    return text


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text in the languages of its lesson (both by default, see languages.py). Markdown is allowed."""

    en: str | None = None
    zh: str | None = None

    @model_validator(mode="after")
    def _some_language(self) -> "Text":
        if self.en is None and self.zh is None:
            raise ValueError('a text needs at least one language, e.g. {en: "…"}')
        return self

    def get(self, lang: str) -> str:
        """The text in ``lang``; in the lesson's language if it has none in ``lang`` (a one-language course)."""
        wanted = self.zh if lang == "zh" else self.en
        return wanted if wanted is not None else (self.en if self.en is not None else self.zh)


class ContextFileSpec(Strict):
    """One entry of an inline build context, of exactly one kind:
    ``{text: ..., mode: "0755"}`` a file with its text, ``{size: 1048576}`` a file
    whose bytes do not matter, ``{dir: true, mode: "0700"}`` a directory (kept even
    when empty), ``{symlink: ../target}`` a symlink, kept as one (never followed
    out of the context). ``mode`` defaults to 0644 for files, 0755 for directories."""

    text: str | None = None
    size: Annotated[int, Field(ge=0, le=10**10)] | None = None
    dir: bool | None = None
    symlink: Annotated[str, Field(min_length=1)] | None = None
    mode: Annotated[str, Field(pattern=r"^0?[0-7]{3,4}$")] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "ContextFileSpec":
        kinds = [k for k in ("text", "size", "dir", "symlink") if getattr(self, k) not in (None, False)]
        if len(kinds) != 1:
            raise ValueError("give exactly one of 'text', 'size', 'dir: true' or 'symlink'")
        if self.symlink is not None and self.mode is not None:
            raise ValueError("a symlink has no mode of its own")
        return self


class ImageSpec(Strict):
    """An image the lesson builds, from an inline Dockerfile or a file beside the lesson."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")]
    dockerfile: str | None = None
    dockerfile_file: str | None = None
    context: dict[str, str | ContextFileSpec] = {}
    context_dir: str | None = None
    target: str | None = None
    build_args: dict[str, str] = {}  # docker build --build-arg K=V
    context_partial: bool = False  # the context lacks files: a missing COPY source is a flagged placeholder
    expect_failure: bool = False  # the build is shown failing (a course's Dockerfile as written)

    @model_validator(mode="after")
    def _one_dockerfile(self) -> "ImageSpec":
        if (self.dockerfile is None) == (self.dockerfile_file is None):
            raise ValueError("give exactly one of 'dockerfile' (inline text) or 'dockerfile_file' (a path)")
        return self


class AskSpec(Strict):
    """A question put before a step is shown. The author names only what is asked
    (``kind``, and for ``read`` which file); the right answer is computed from the
    played step by app/lessons/questions.py, so it follows the Dockerfile."""

    kind: Literal["read", "layer", "size", "diff"]  # which layer serves a read; new layer?; image size; docker diff
    path: Annotated[str, Field(pattern=r"^/")] | None = None  # read: the file (default: the step's first read)
    tolerance: Annotated[int, Field(ge=1, le=50)] = 10  # size: percent either side of the true size
    text: Text | None = None  # the question in the author's words (each kind has its own default)


class StepBase(Strict):
    say: Text | None = None
    ask: AskSpec | None = None


class BuildStep(StepBase):
    """Build one instruction of an image, or (without ``instruction``) every
    remaining instruction, one step each."""

    build: str
    instruction: Annotated[int, Field(ge=1)] | None = None


class RunStep(StepBase):
    """``docker run``: a new container with its own empty writable layer."""

    run: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")]
    image: str


class ExecStep(StepBase):
    """A file operation inside a running container, written as a shell command."""

    exec: str
    in_: str = Field(alias="in")
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ShowStep(StepBase):
    """Look at images (and their containers) side by side, changing nothing."""

    show: list[str]
    containers: bool = True
    stages: bool = False  # multi-stage builds: every stage side by side, the final one marked


class RebuildStep(StepBase):
    """``docker build`` of an image again after an edit: which instructions the build cache
    reuses (CACHED) and which run again, by BuildKit's rules (app/build/cache_keys.py)."""

    rebuild: str
    dockerfile: str | None = None  # the edited Dockerfile (default: the image's, unchanged)
    context: dict[str, str | ContextFileSpec] = {}  # files changed or added, over the image's context
    build_args: dict[str, str] | None = None  # default: the image's


STEP_KINDS = ("build", "run", "exec", "show", "rebuild")


def _step_kind(value: object) -> str | None:
    """Which kind of step a mapping is: the one step key it carries."""
    if isinstance(value, BaseModel):
        return next(k for k in STEP_KINDS if hasattr(value, k))
    if isinstance(value, dict):
        found = [k for k in STEP_KINDS if k in value]
        return found[0] if len(found) == 1 else None
    return None


Step = Annotated[
    Union[
        Annotated[BuildStep, Tag("build")],
        Annotated[RunStep, Tag("run")],
        Annotated[ExecStep, Tag("exec")],
        Annotated[ShowStep, Tag("show")],
        Annotated[RebuildStep, Tag("rebuild")],
    ],
    Discriminator(
        _step_kind,
        custom_error_type="step_kind",
        custom_error_message="a step needs exactly one of: build, run, exec, show, rebuild",
    ),
]


class LessonSpec(Strict):
    id: Annotated[str, AfterValidator(_lesson_id)]
    order: int = 100
    # The languages the lesson is written in; a page in another one shows the first of them, and says so.
    languages: Annotated[list[Literal["en", "zh"]], Field(min_length=1)] = list(LANGS)
    title: Text
    summary: Text
    kernel: str = "Linux kernel 6.1"
    images: list[ImageSpec] = []
    steps: Annotated[list[Step], Field(min_length=1)]


def _keys(*models: type[BaseModel]) -> tuple[str, ...]:
    return tuple(sorted({field.alias or name for m in models for name, field in m.model_fields.items()}))


# Every key a lesson file may use: an unknown key's message names the closest one.
ALL_KEYS = _keys(LessonSpec, ImageSpec, AskSpec, ContextFileSpec, BuildStep, RunStep, ExecStep, ShowStep, RebuildStep,
                 Text)
