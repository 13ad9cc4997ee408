"""The typed instructions and stages: what a Dockerfile means, as BuildKit's instructions package types it.

``instructions.py`` makes these from the parse tree (checking BuildKit's rules);
``expand.py`` gives their expanded copies; the build reads only these types,
never raw text. Words are kept as written (quotes, ``$VAR``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from .mounts import Mount
from .parser import Heredoc, ParseWarning, heredoc_marker



@dataclass(kw_only=True)
class Instruction:
    """What every instruction has: where it was and how it was written."""
    keyword: ClassVar[str] = ""
    original: str = ""
    line: int = 0
    end_line: int = 0
    source: str = field(default="", compare=False, repr=False)

    def text(self) -> str:
        """The instruction exactly as written: its lines, continuations and heredoc bodies included.

        Without the source lines (an instruction built by hand) it is `original`,
        the continuation-joined line.
        """
        return self.source or self.original


@dataclass
class From(Instruction):
    keyword: ClassVar[str] = "FROM"
    image: str
    stage_name: str | None = None
    platform: str | None = None


@dataclass
class Run(Instruction):
    """`command` is the shell-form string (heredoc markers included) or the JSON argv."""
    keyword: ClassVar[str] = "RUN"
    command: str | list[str]
    json: bool = False
    heredocs: list[Heredoc] = field(default_factory=list)
    mounts: list[Mount] = field(default_factory=list)
    network: str | None = None
    security: str | None = None


@dataclass
class Copy(Instruction):
    """`sources` as written, in order; a heredoc marker among them (`<<EOF`) names a document in `heredocs`.

    `paths` gives the sources that are not heredocs.  Heredoc contents are
    as the build uses them: `<<-` tabs already stripped.
    """
    keyword: ClassVar[str] = "COPY"
    sources: list[str]
    dest: str
    from_stage: str | None = None
    chown: str | None = None
    chmod: str | None = None
    link: bool = False
    exclude: list[str] = field(default_factory=list)
    parents: bool = False
    heredocs: list[Heredoc] = field(default_factory=list)
    json: bool = False

    @property
    def paths(self) -> list[str]:
        return _non_heredoc(self.sources, self.json)


@dataclass
class Add(Instruction):
    """Like Copy: `sources` as written (heredoc markers included), `paths` without them."""
    keyword: ClassVar[str] = "ADD"
    sources: list[str]
    dest: str
    chown: str | None = None
    chmod: str | None = None
    checksum: str | None = None
    keep_git_dir: bool = False
    link: bool = False
    exclude: list[str] = field(default_factory=list)
    heredocs: list[Heredoc] = field(default_factory=list)
    unpack: bool | None = None
    json: bool = False

    @property
    def paths(self) -> list[str]:
        return _non_heredoc(self.sources, self.json)


def _non_heredoc(sources: list[str], is_json: bool) -> list[str]:
    if is_json:
        return list(sources)
    return [source for source in sources if heredoc_marker(source) is None]


@dataclass
class Cmd(Instruction):
    keyword: ClassVar[str] = "CMD"
    command: str | list[str]
    json: bool = False


@dataclass
class Entrypoint(Instruction):
    keyword: ClassVar[str] = "ENTRYPOINT"
    command: str | list[str] | None
    json: bool = False


@dataclass
class Env(Instruction):
    keyword: ClassVar[str] = "ENV"
    pairs: list[tuple[str, str]]


@dataclass
class Label(Instruction):
    keyword: ClassVar[str] = "LABEL"
    pairs: list[tuple[str, str]]


@dataclass
class Arg(Instruction):
    """`pairs` are (name, default), default None when the ARG has none."""
    keyword: ClassVar[str] = "ARG"
    pairs: list[tuple[str, str | None]]
    required: bool = False


@dataclass
class Workdir(Instruction):
    keyword: ClassVar[str] = "WORKDIR"
    path: str


@dataclass
class User(Instruction):
    keyword: ClassVar[str] = "USER"
    user: str


@dataclass
class Expose(Instruction):
    keyword: ClassVar[str] = "EXPOSE"
    ports: list[str]


@dataclass
class Volume(Instruction):
    keyword: ClassVar[str] = "VOLUME"
    paths: list[str]


@dataclass
class Stopsignal(Instruction):
    keyword: ClassVar[str] = "STOPSIGNAL"
    signal: str


@dataclass
class Healthcheck(Instruction):
    """`test` is Docker's config form: ["NONE"], ["CMD", argv...] or ["CMD-SHELL", script]."""
    keyword: ClassVar[str] = "HEALTHCHECK"
    test: list[str]
    interval: float | None = None       # seconds; None = not given
    timeout: float | None = None
    start_period: float | None = None
    start_interval: float | None = None
    retries: int | None = None


@dataclass
class Shell(Instruction):
    keyword: ClassVar[str] = "SHELL"
    argv: list[str]


@dataclass
class Onbuild(Instruction):
    """`expression` is the trigger text BuildKit stores in the image; `inner` its typed form.

    BuildKit only checks a trigger when a later build uses the image, so an
    inner instruction we cannot type leaves `inner` None instead of failing.
    """
    keyword: ClassVar[str] = "ONBUILD"
    inner: Instruction | None
    expression: str = ""


@dataclass
class Maintainer(Instruction):
    keyword: ClassVar[str] = "MAINTAINER"
    name: str


@dataclass
class Stage:
    """One FROM and the instructions up to the next FROM."""
    index: int
    name: str | None
    base: From
    instructions: list[Instruction] = field(default_factory=list)


@dataclass
class Dockerfile:
    meta_args: list[Arg]
    stages: list[Stage]
    warnings: list[ParseWarning] = field(default_factory=list)
    escape: str = "\\"
    directives: dict[str, str] = field(default_factory=dict)


KEYWORDS = ("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
            "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR")

