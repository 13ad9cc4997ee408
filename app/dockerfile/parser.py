"""Dockerfile text -> parse tree, read exactly as BuildKit reads it.

This is the first of BuildKit's two passes (frontend/dockerfile/parser): it
only cuts the file into instructions and each instruction into a keyword,
flags and argument strings.  It does not check whether the instruction
exists or its arguments make sense; that is `instructions.py`, like BuildKit's
`instructions/parse.go`.  Keeping the two passes apart lets us compare this
one byte for byte with BuildKit's own parse-tree dump (`dump`).

The rules reproduced here, in order: parser directives (`# syntax=`,
`# escape=`, `# check=`) only before anything else; comment and blank lines
skipped, also inside continuations (a blank one earns a warning); the escape
character at the end of a line continues it; the joined line splits into
keyword, `--flags` and arguments, and each keyword has its own argument
reader (JSON or shell form, whitespace split, key=value words); RUN/COPY/ADD
may carry heredocs whose bodies follow the instruction.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .errors import DockerfileError
from .gotext import is_space, quote, quote_list, trim_left_space, trim_space
from .lexer import Lexer, ShellWordError

__all__ = ["Heredoc", "Node", "ParseResult", "ParseWarning", "parse", "dump"]

MAX_LINE_BYTES = 64 * 1024  # bufio.MaxScanTokenSize: BuildKit refuses longer physical lines
DIRECTIVE_NAMES = ("syntax", "escape", "check")

_RE_WHITESPACE = re.compile(r"[\t\v\f\r ]+")  # Go: reWhitespace (ASCII only, no \n)
_RE_DIRECTIVE = re.compile(r"#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*\Z",
                           re.DOTALL)
_RE_HEREDOC = re.compile(r"([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)\Z")

_HEREDOC_KEYWORDS = frozenset({"run", "copy", "add"})


@dataclass
class Heredoc:
    """One `<<NAME` document: its body and how BuildKit will treat it.

    `expand` is false when any part of the name was quoted (`<<'EOF'`): the
    body is then taken literally.  `chomp` (`<<-`) strips leading tabs later,
    at the instruction layer, as BuildKit does.
    """
    name: str
    content: str = ""
    file_descriptor: int = 0
    expand: bool = True
    chomp: bool = False


@dataclass
class Node:
    """One instruction in BuildKit's parse-tree shape.

    `value` holds the arguments (for ENV/LABEL flattened key, value, key,
    value ...; `separator` remembers whether they were written `k=v` ("=")
    or in the legacy `ENV k v` form ("")).  ONBUILD keeps its trigger
    instruction in `next` and mirrors the trigger's values and JSON-ness, as
    BuildKit's Python binding does.
    """
    cmd: str
    keyword: str = ""            # the keyword as written (case kept)
    sub_cmd: str | None = None
    json: bool = False
    original: str = ""
    start_line: int = 0
    end_line: int = 0
    flags: list[str] = field(default_factory=list)
    value: list[str] = field(default_factory=list)
    heredocs: list[Heredoc] = field(default_factory=list)
    next: "Node | None" = None
    separator: str | None = None  # ENV/LABEL only

    def tree_args(self) -> list[str]:
        """The argument strings as BuildKit's node chain holds them (ENV/LABEL as triples)."""
        if self.separator is None:
            return list(self.value)
        out = []
        for i in range(0, len(self.value), 2):
            out += [self.value[i], self.value[i + 1], self.separator]
        return out


@dataclass
class ParseWarning:
    """Something BuildKit accepts but warns about (empty continuation lines)."""
    message: str
    line: int


@dataclass
class ParseResult:
    nodes: list[Node]
    directives: dict[str, str]
    escape: str
    warnings: list[ParseWarning]


class _ArgumentError(Exception):
    """Internal: an argument reader refused the text; the caller adds the location."""

    def __init__(self, message: str, offending: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.offending = offending
        self.hint = hint


# ---------------------------------------------------------------------------
# physical lines and directives


def _split_lines(text: str) -> list[str]:
    """Split after each "\\n", keeping it (BuildKit keeps line ends for heredoc bodies)."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def _trim_newline(line: str) -> str:
    return line.rstrip("\r\n")


def _is_comment(line: str) -> bool:
    return trim_left_space(_trim_newline(line)).startswith("#")


class _Directives:
    """Parser-directive state: seen names, the escape character, when to stop looking."""

    def __init__(self, filename: str):
        self.filename = filename
        self.done = False
        self.values: dict[str, str] = {}
        self.escape = "\\"
        self._continuation = self._continuation_regex("\\")

    @staticmethod
    def _continuation_regex(escape: str) -> re.Pattern:
        e = re.escape(escape)
        return re.compile(rf"([^{e}]){e}[ \t]*\Z|\A{e}[ \t]*\Z")

    def consider(self, line: str, line_number: int) -> None:
        """Take `line` as a directive if directives may still appear and it is one."""
        if self.done:
            return
        match = _RE_DIRECTIVE.match(line)
        if not match:
            self.done = True
            return
        name = match.group(1).lower()
        if name not in DIRECTIVE_NAMES:
            self.done = True
            return
        if name in self.values:
            raise DockerfileError(f"only one {name} parser directive can be used", self.filename,
                                  line_number, 1, hint="Remove the repeated directive line.")
        value = match.group(2)
        self.values[name] = value
        if name == "escape":
            if value not in ("`", "\\"):
                raise DockerfileError(f"invalid escape token '{value}' does not match ` or \\",
                                      self.filename, line_number, match.start(2) + 1,
                                      hint="Use `# escape=\\` (the default) or `# escape=``.")
            self.escape = value
            self._continuation = self._continuation_regex(value)

    def trim_continuation(self, line: str) -> tuple[str, bool]:
        """(line without a trailing escape, whether the instruction ends here)."""
        if self._continuation.search(line):
            return self._continuation.sub(lambda m: m.group(1) or "", line), False
        return line, True


# ---------------------------------------------------------------------------
# splitting one instruction


def _extract_flags(rest: str, escape: str) -> tuple[str, list[str]]:
    """Leading `--flag` words and the remaining argument text (BuildKit's extractBuilderFlags).

    BuildKit walks the bytes of the line and turns each byte into a character,
    so a non-ASCII flag value comes out as if it were Latin-1; we do the same.
    """
    data = rest.encode("utf-8", "surrogateescape")
    words: list[str] = []
    word = ""
    phase = "spaces"
    quote_ch = ""
    blank_ok = False
    pos = 0
    n = len(data)
    while pos <= n:
        ch = chr(data[pos]) if pos < n else ""
        if phase == "spaces":
            if pos == n:
                break
            if is_space(ch):
                pos += 1
                continue
            if ch != "-" or pos + 1 == n or data[pos + 1] != ord("-"):
                return data[pos:].decode("utf-8", "surrogateescape"), words
            phase = "word"
        if pos == n:
            if word != "--" and (blank_ok or word):
                words.append(word)
            break
        if phase == "word":
            if is_space(ch):
                phase = "spaces"
                if word == "--":
                    return data[pos:].decode("utf-8", "surrogateescape"), words
                if blank_ok or word:
                    words.append(word)
                word = ""
                blank_ok = False
                pos += 1
                continue
            if ch in ("'", '"'):
                quote_ch = ch
                blank_ok = True
                phase = "quote"
                pos += 1
                continue
            if ch == escape:
                if pos + 1 == n:
                    pos += 1
                    continue
                pos += 1
                ch = chr(data[pos])
            word += ch
            pos += 1
            continue
        # phase == "quote"
        if ch == quote_ch:
            phase = "word"
            pos += 1
            continue
        if ch == escape:
            if pos + 1 == n:
                phase = "word"
                pos += 1
                continue
            pos += 1
            ch = chr(data[pos])
        word += ch
        pos += 1
    return "", words


def _parse_words(rest: str, escape: str) -> list[str]:
    """Quote-aware words that keep their quotes and escapes (ENV, LABEL, ARG)."""
    # Go decodes runes here, so a byte that is not UTF-8 comes out as U+FFFD.
    rest = re.sub("[\udc80-\udcff]", "\ufffd", rest)
    words: list[str] = []
    phase = "spaces"
    word = ""
    quote_ch = ""
    blank_ok = False
    pos = 0
    n = len(rest)
    while pos <= n:
        ch = rest[pos] if pos < n else ""
        if phase == "spaces":
            if pos == n:
                break
            if is_space(ch):
                pos += 1
                continue
            phase = "word"
        if pos == n:
            if blank_ok or word:
                words.append(word)
            break
        if phase == "word":
            if is_space(ch):
                phase = "spaces"
                if blank_ok or word:
                    words.append(word)
                word = ""
                blank_ok = False
                pos += 1
                continue
            if ch in ("'", '"'):
                quote_ch = ch
                blank_ok = True
                phase = "quote"
            if ch == escape:
                if pos + 1 == n:
                    pos += 1
                    continue
                word += ch
                pos += 1
                ch = rest[pos]
            word += ch
            pos += 1
            continue
        # phase == "quote"
        if ch == quote_ch:
            phase = "word"
        if ch == escape and quote_ch != "'":
            if pos + 1 == n:
                phase = "word"
                pos += 1
                continue
            pos += 1
            word += ch
            ch = rest[pos]
        word += ch
        pos += 1
    return words


class _NotStringArray(Exception):
    pass


def _reject_constant(name: str):
    raise ValueError(f"not JSON: {name}")


def _go_number(text: str) -> float:
    """Go decodes JSON numbers into float64 and fails (making the text "not JSON") on overflow."""
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number out of range: {text}")
    return value


def _parse_json(rest: str) -> list[str] | None:
    """The strings of a JSON array, None if `rest` is not one (Go's json.Unmarshal rules)."""
    rest = trim_left_space(rest)
    if not rest.startswith("["):
        return None
    try:
        data = json.loads(rest, parse_constant=_reject_constant, parse_float=_go_number, parse_int=_go_number)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, list):
        return None
    if not all(isinstance(item, str) for item in data):
        raise _NotStringArray()
    # Go replaces lone UTF-16 surrogates (\ud800) with U+FFFD.
    return [re.sub("[\ud800-\udfff]", "\ufffd", item) for item in data]


def _split_whitespace(rest: str) -> list[str]:
    if rest == "":
        return []
    return _RE_WHITESPACE.split(rest)


_NOT_STRINGS = ("when using JSON array syntax, arrays must be comprised of strings only")


def _maybe_json(rest: str) -> tuple[list[str], bool]:
    if rest == "":
        return [], False
    try:
        values = _parse_json(rest)
    except _NotStringArray:
        raise _ArgumentError(_NOT_STRINGS, rest,
                             hint='Quote every element: ["executable", "arg1", "arg2"].') from None
    if values is not None:
        return values, True
    return [rest], False


def _maybe_json_to_list(rest: str) -> tuple[list[str], bool]:
    try:
        values = _parse_json(rest)
    except _NotStringArray:
        raise _ArgumentError(_NOT_STRINGS, rest,
                             hint='Quote every element: ["source", "destination"].') from None
    if values is not None:
        return values, True
    return _split_whitespace(rest), False


def _name_values(rest: str, keyword: str, escape: str) -> tuple[list[str], str | None]:
    """ENV/LABEL arguments as (flat key/value list, separator)."""
    words = _parse_words(rest, escape)
    if not words:
        return [], None
    if "=" not in words[0]:
        parts = _RE_WHITESPACE.split(rest, maxsplit=1)
        if len(parts) < 2:
            raise _ArgumentError(f"{keyword} must have two arguments", rest,
                                 hint=f"Write `{keyword} {rest}=value` (or `{keyword} {rest} value`).")
        return [parts[0], parts[1]], ""
    values = []
    for word in words:
        if "=" not in word:
            raise _ArgumentError(f"Syntax error - can't find = in {quote(word)}. Must be of the form: name=value",
                                 word, hint=f"Write `{word}=value`, or quote a value that contains spaces.")
        key, value = word.split("=", 1)
        values += [key, value]
    return values, "="


def _healthcheck(rest: str) -> tuple[list[str], bool]:
    # BuildKit scans bytes here too, so the type ends at the first byte Go calls a space.
    data = rest.encode("utf-8", "surrogateescape")
    sep = 0
    while sep < len(data) and not is_space(chr(data[sep])):
        sep += 1
    following = sep
    while following < len(data) and is_space(chr(data[following])):
        following += 1
    if sep == 0:
        return [], False
    kind = data[:sep].decode("utf-8", "surrogateescape")
    values, is_json = _maybe_json(data[following:].decode("utf-8", "surrogateescape"))
    return [kind] + values, is_json


def _node_from_line(line: str, escape: str) -> Node:
    """One joined instruction line -> Node (BuildKit's newNodeFromLine)."""
    parts = _RE_WHITESPACE.split(trim_space(line), maxsplit=1)
    keyword = parts[0]
    flags: list[str] = []
    args = ""
    if len(parts) == 2:
        args, flags = _extract_flags(parts[1], escape)
    args = trim_space(args)
    cmd = keyword.lower()
    node = Node(cmd=cmd, keyword=keyword, original=line, flags=flags)
    if cmd in ("add", "copy", "volume"):
        node.value, node.json = _maybe_json_to_list(args)
    elif cmd in ("run", "cmd", "entrypoint", "shell"):
        node.value, node.json = _maybe_json(args)
    elif cmd in ("from", "expose"):
        node.value = _split_whitespace(args)
    elif cmd in ("env", "label"):
        node.value, node.separator = _name_values(args, cmd.upper(), escape)
        if node.separator is None:
            node.separator = "="
    elif cmd == "arg":
        node.value = _parse_words(args, escape)
    elif cmd in ("maintainer", "user", "workdir", "stopsignal"):
        node.value = [args] if args else []
    elif cmd == "healthcheck":
        node.value, node.json = _healthcheck(args)
    elif cmd == "onbuild":
        if args:
            child = _node_from_line(args, escape)
            node.next = child
            node.sub_cmd = child.cmd
            node.value = child.value
            node.json = child.json
    else:
        node.value = [""]
    return node


def _can_contain_heredoc(node: Node) -> bool:
    target = node.next if node.cmd == "onbuild" and node.next is not None else node
    return target.cmd in _HEREDOC_KEYWORDS and not target.json


def parse_heredoc_word(word: str) -> Heredoc | None:
    """A heredoc if `word` (one shell word, quotes kept) is `[n]<<[-]NAME`, else None."""
    match = _RE_HEREDOC.match(word)
    if not match:
        return None
    digits, dash, rest = match.groups()
    if not rest:
        return None
    fd = int(digits) if digits else 0
    if fd >= 2**64:
        fd = 2**64 - 1
    lexer = Lexer("\\", skip_unset_env=True)
    words = lexer.process_words(rest, {})
    if len(words) != 1:
        return None
    lexer.raw_quotes = True
    raw_words = lexer.process_words(rest, {})
    if len(raw_words) != len(words):
        raise ShellWordError(f"internal lexing of heredoc produced inconsistent results: {rest}")
    name = words[0]
    quotes = name.count("'") + name.count('"')
    raw_quotes = raw_words[0].count("'") + raw_words[0].count('"')
    return Heredoc(name=name, file_descriptor=fd, expand=quotes == raw_quotes, chomp=dash == "-")


def heredoc_marker(word: str) -> Heredoc | None:
    """Like parse_heredoc_word, but a word the lexer refuses is just not a marker (BuildKit's MustParseHeredoc)."""
    try:
        return parse_heredoc_word(word)
    except ShellWordError:
        return None


def _heredocs_from_line(line: str) -> list[Heredoc]:
    lexer = Lexer("\\", raw_quotes=True, raw_escapes=True, skip_unset_env=True)
    try:
        words = lexer.process_words(line, {})
    except ShellWordError:
        words = []
    docs = []
    for word in words:
        doc = parse_heredoc_word(word)
        if doc is not None:
            docs.append(doc)
    return docs


# ---------------------------------------------------------------------------
# the file


def _column_of(text: str, physical_lines: list[str], start: int, end: int) -> tuple[int, int]:
    """(line, column), 1-based, where `text` first appears (preferably as a word) in lines start..end."""
    last = min(end, len(physical_lines))
    if text:
        pattern = re.compile(r"(?:^|(?<=[\s=]))" + re.escape(text))
        for number in range(start, last + 1):
            match = pattern.search(_trim_newline(physical_lines[number - 1]))
            if match:
                return number, match.start() + 1
        first = text.split()[0] if text.split() else text
        for number in range(start, last + 1):
            col = _trim_newline(physical_lines[number - 1]).find(first)
            if col >= 0:
                return number, col + 1
    line = _trim_newline(physical_lines[start - 1]) if 0 < start <= len(physical_lines) else ""
    return start, len(line) - len(trim_left_space(line)) + 1


class _Lines:
    """The physical lines of a Dockerfile, read one at a time, each within BuildKit's maximum size."""

    def __init__(self, text: str, filename: str):
        self.lines = _split_lines(text)
        self.filename = filename
        self.index = 0
        self.current = 0  # 1-based number of the last physical line consumed

    def more(self) -> bool:
        return self.index < len(self.lines)

    def next(self) -> str:
        raw = self.lines[self.index]
        self.index += 1
        self.current += 1
        if len(raw.encode("utf-8", "surrogateescape")) > MAX_LINE_BYTES:
            raise DockerfileError(f"dockerfile line greater than max allowed size of {MAX_LINE_BYTES - 1}",
                                  self.filename, self.current, MAX_LINE_BYTES,
                                  hint="Split the line with the escape character at line ends.")
        return raw


def parse(text: str, filename: str = "Dockerfile") -> ParseResult:
    """Parse Dockerfile text into BuildKit's parse tree; raise DockerfileError where BuildKit fails."""
    reader = _Lines(text, filename)
    directives = _Directives(filename)
    nodes: list[Node] = []
    warnings: list[ParseWarning] = []

    while reader.more():
        raw = reader.next()
        if reader.current == 1 and raw.startswith("\ufeff"):
            raw = raw[1:]
        token = trim_left_space(_trim_newline(raw))
        directives.consider(token, reader.current)
        if token.startswith("#"):
            token = ""
        start = reader.current
        line, end_of_line = directives.trim_continuation(token)
        if end_of_line and line == "":
            continue
        line, empty_continuation = _continued(reader, directives, line, end_of_line)
        if empty_continuation:
            warnings.append(ParseWarning(f"Empty continuation line found in: {line}", reader.current))

        try:
            node = _node_from_line(line, directives.escape)
        except _ArgumentError as err:
            at_line, column = _column_of(err.offending or "", reader.lines, start, reader.current)
            raise DockerfileError(err.message, filename, at_line, column, err.hint) from None
        if _can_contain_heredoc(node) and "<<" in line:
            _read_heredocs(reader, node, line, start)

        node.start_line, node.end_line = start, reader.current
        if node.next is not None:
            node.next.start_line, node.next.end_line = start, reader.current
        nodes.append(node)

    if not nodes:
        raise DockerfileError("file with no instructions", filename, max(reader.current, 1), 1,
                              hint="A Dockerfile needs at least a FROM instruction.")
    return ParseResult(nodes=nodes, directives=dict(directives.values), escape=directives.escape,
                       warnings=warnings)


def _continued(reader: _Lines, directives: _Directives, line: str, end_of_line: bool) -> tuple[str, bool]:
    """The logical line after its continuation lines; and whether an empty one was among them
    (comment lines inside a continuation are skipped, as BuildKit does)."""
    empty_continuation = False
    while not end_of_line and reader.more():
        raw = reader.next()
        token = _trim_newline(raw)
        directives.consider(token, reader.current)
        if _is_comment(raw):
            continue
        if trim_left_space(token) == "":
            empty_continuation = True
            continue
        continued, end_of_line = directives.trim_continuation(token)
        line += continued
    return line, empty_continuation


def _read_heredocs(reader: _Lines, node: Node, line: str, start: int) -> None:
    """Read the bodies of the heredocs ``line`` opens (and give them to ``node``)."""
    try:
        heredocs = _heredocs_from_line(line)
    except ShellWordError as err:
        raise DockerfileError(str(err), reader.filename, start, 1,
                              hint="Close the quote around the heredoc name.") from None
    for doc in heredocs:
        terminated = False
        while reader.more():
            raw = reader.next()
            candidate = _trim_newline(raw)
            if doc.chomp:
                candidate = candidate.lstrip("\t")
            if candidate == doc.name:
                terminated = True
                break
            doc.content += raw
        if not terminated:
            at_line, column = _column_of("<<", reader.lines, start, start)
            raise DockerfileError(
                f"unterminated heredoc: no line {doc.name!r} ends the document",
                reader.filename, at_line, column,
                hint=f"End the document with a line holding only {doc.name}.")
        node.heredocs.append(doc)
        if node.next is not None:
            node.next.heredocs.append(doc)


# ---------------------------------------------------------------------------
# BuildKit's AST.Dump()


def dump_node(node: Node) -> str:
    """One instruction as BuildKit's `Node.Dump()` writes it, without the parentheses."""
    text = node.cmd
    if node.flags:
        text += " " + quote_list(node.flags)
    if node.cmd == "onbuild" and node.next is not None:
        text += " (" + dump_node(node.next) + ")"
    else:
        for arg in node.tree_args():
            text += " " + quote(arg)
    return trim_space(text)


def dump(result: ParseResult) -> str:
    """The whole tree in BuildKit's `AST.Dump()` format; the corpus `result` files are this plus "\\n"."""
    return trim_space("".join("(" + dump_node(node) + ")\n" for node in result.nodes))
