"""The syntax tree of a shell script, as the parser builds it.

Why a tree and not strings: POSIX expansion depends on *where* each character
came from (quoted or not, literal or the result of ``$VAR``), so a word keeps
its parts until the interpreter expands it at the moment it runs, exactly as
``sh`` does (``A=1; echo $A`` must see the new value).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


# -- word parts -----------------------------------------------------------------
@dataclass
class Lit:
    """Literal text. ``quoted`` when it came from '', "" or a backslash."""

    text: str
    quoted: bool = False


@dataclass
class Param:
    """``$name`` or ``${name<op>arg}``; op is '' for a plain reference, '#len' for ``${#name}``."""

    name: str
    op: str = ""
    arg: "Word | None" = None


@dataclass
class CommandSub:
    """``$(...)`` or backticks: run by this interpreter, stdout replaces it."""

    body: "Node"
    text: str


@dataclass
class Arith:
    """``$((...))``: the expression is expanded first, then evaluated."""

    expr: "Word"


@dataclass
class Tilde:
    user: str = ""


@dataclass
class Quoted:
    """A double-quoted region: its expansions are not split or globbed."""

    parts: list["Part"]


Part = Union[Lit, Param, CommandSub, Arith, Tilde, Quoted]


@dataclass
class Word:
    parts: list[Part]
    text: str = ""  # the source text, for messages and `set -x`

    def literal(self) -> str | None:
        """The word's text if it holds no expansion (used for keywords, heredoc delimiters)."""
        out = []
        for p in self.parts:
            if isinstance(p, Lit):
                out.append(p.text)
            elif isinstance(p, Quoted) and all(isinstance(q, Lit) for q in p.parts):
                out.append("".join(q.text for q in p.parts))  # type: ignore[union-attr]
            else:
                return None
        return "".join(out)

    def is_quoted(self) -> bool:
        return any(isinstance(p, Quoted) or (isinstance(p, Lit) and p.quoted) for p in self.parts)


# -- commands ---------------------------------------------------------------------
@dataclass
class Redirect:
    op: str  # '>', '>>', '<', '>&', '<&', '>|', '<>', '<<', '<<-'
    fd: int
    target: Word | None = None
    heredoc: Word | None = None  # body of a here-document (already split from the script)


@dataclass
class Simple:
    assigns: list[tuple[str, Word]] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    line: int = 1


@dataclass
class Pipeline:
    commands: list["Node"]
    negated: bool = False


@dataclass
class AndOr:
    first: "Node"
    rest: list[tuple[str, "Node"]]  # ('&&' | '||', pipeline)


@dataclass
class Sequence:
    items: list["Node"]


@dataclass
class Subshell:
    body: "Node"
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class Group:
    body: "Node"
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class If:
    clauses: list[tuple["Node", "Node"]]
    orelse: "Node | None" = None
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class For:
    var: str
    words: list[Word] | None
    body: "Node"
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class While:
    cond: "Node"
    body: "Node"
    until: bool = False
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class Case:
    word: Word
    items: list[tuple[list[Word], "Node | None"]]
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class FunctionDef:
    name: str
    body: "Node"


@dataclass
class DoubleBracket:
    """bash's ``[[ ... ]]``: its words are not split or globbed."""

    words: list[Word]
    line: int = 1


Node = Union[Simple, Pipeline, AndOr, Sequence, Subshell, Group, If, For, While, Case,
             FunctionDef, DoubleBracket]
