"""Dockerfile front end: text -> BuildKit's parse tree -> typed instructions.

    parser.py        parse(text) -> ParseResult (BuildKit's parse tree), dump() in BuildKit's test format
    instructions.py  parse_dockerfile(text) -> Dockerfile(meta_args, stages) with BuildKit's checks
    expand.py        expand(instruction, env) and Scope (ARG/ENV visibility), re-exported by instructions
    lexer.py         BuildKit's shell-word expansion ($VAR, ${VAR:-x}, quotes)
    errors.py        DockerfileError: FILE:LINE:COLUMN: message
"""

from .errors import DockerfileError
from .instructions import Dockerfile, Scope, Stage, expand, parse_dockerfile
from .parser import ParseResult, dump, parse

__all__ = ["DockerfileError", "Dockerfile", "ParseResult", "Scope", "Stage", "dump", "expand", "parse",
           "parse_dockerfile"]
