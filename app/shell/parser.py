"""Shell text -> syntax tree (POSIX sh grammar, the subset RUN lines use).

Why hand-written: the interpreter needs to know, for every character, whether
it was quoted and whether it came from an expansion; ``shlex`` only splits
words, and the one maintained Python port of bash's parser (bashlex) is GPL and
drops here-documents. The grammar below follows POSIX XCU 2.10 closely enough
that a newcomer can check each rule against the standard.
"""

from __future__ import annotations

import re
from typing import Callable

from .syntax import (AndOr, Arith, Case, CommandSub, DoubleBracket, For, FunctionDef, Group, If,
                     Lit, Node, Param, Pipeline, Quoted, Redirect, Sequence, Simple, Subshell,
                     Tilde, While, Word)


class ShellSyntaxError(Exception):
    """A script ``sh`` would refuse to run; the message reads like dash's."""

    def __init__(self, message: str, line: int = 1):
        self.line = line
        super().__init__(message)


OPERATORS = ["&&", "||", ";;", "<<-", "<<", ">>", ">&", "<&", ">|", "<>", ";", "&", "|", "(", ")",
             "<", ">"]
REDIRECT_OPS = {"<", ">", ">>", ">&", "<&", ">|", "<>", "<<", "<<-"}
METACHARS = set(" \t\n;&|()<>")
KEYWORDS = {"if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until",
            "for", "{", "}", "!", "in"}
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SPECIAL_PARAMS = set("@*#?$!-0123456789")


class Parser:
    """Lexer and recursive-descent parser in one: ``$(...)`` needs the parser while lexing."""

    def __init__(self, src: str, pos: int = 0, bash: bool = False, line_base: int = 0):
        self.src = src
        self.pos = pos
        self.bash = bash
        self.line_base = line_base
        self._peeked: tuple | None = None
        self._pending_heredocs: list[tuple[Redirect, str, bool, bool]] = []

    # -- helpers ------------------------------------------------------------------
    def line(self, pos: int | None = None) -> int:
        return self.line_base + self.src.count("\n", 0, self.pos if pos is None else pos) + 1

    def error(self, message: str) -> ShellSyntaxError:
        return ShellSyntaxError(f"Syntax error: {message}", self.line())

    def _skip_blanks(self) -> None:
        src = self.src
        while self.pos < len(src):
            c = src[self.pos]
            if c in " \t":
                self.pos += 1
            elif src.startswith("\\\n", self.pos):
                self.pos += 2
            elif c == "#":
                while self.pos < len(src) and src[self.pos] != "\n":
                    self.pos += 1
            else:
                break

    # -- tokens -------------------------------------------------------------------
    def peek(self) -> tuple:
        if self._peeked is None:
            self._peeked = self._read_token()
        return self._peeked

    def next(self) -> tuple:
        tok = self.peek()
        self._peeked = None
        return tok

    def _read_token(self) -> tuple:
        self._skip_blanks()
        src = self.src
        if self.pos >= len(src):
            return ("eof", None)
        c = src[self.pos]
        if c == "\n":
            self.pos += 1
            self._read_heredocs()
            return ("newline", None)
        for op in OPERATORS:
            if src.startswith(op, self.pos):
                self.pos += len(op)
                return ("op", op)
        start = self.pos
        word = self.read_word("unquoted")
        text = word.text
        if text.isdigit() and self.pos < len(src) and src[self.pos] in "<>" and not word.is_quoted():
            return ("io", int(text))
        if not word.parts and self.pos == start:
            raise self.error(f'"{c}" unexpected')
        return ("word", word)

    def _read_heredocs(self) -> None:
        pending, self._pending_heredocs = self._pending_heredocs, []
        for redirect, delim, strip, quoted in pending:
            lines = []
            while True:
                if self.pos >= len(self.src):
                    break  # dash accepts EOF as the end of a here-document
                end = self.src.find("\n", self.pos)
                if end < 0:
                    end = len(self.src)
                line = self.src[self.pos:end]
                self.pos = min(end + 1, len(self.src))
                if strip:
                    line = line.lstrip("\t")
                if line == delim:
                    break
                lines.append(line + "\n")
            body = "".join(lines)
            if quoted:
                redirect.heredoc = Word([Quoted([Lit(body, True)])], body)
            else:
                sub = Parser(body, bash=self.bash)
                parts = sub._read_parts("heredoc")
                redirect.heredoc = Word([Quoted(parts)], body)

    # -- words ----------------------------------------------------------------------
    def read_word(self, mode: str) -> Word:
        start = self.pos
        parts = self._read_parts(mode)
        return Word(parts, self.src[start:self.pos])

    def _read_parts(self, mode: str) -> list:
        """Read word parts until the end of the word for ``mode``:

        unquoted: a metacharacter; dq: the closing quote; brace: the closing ``}``
        of ``${...}``; heredoc / arith: the end of the text.
        """
        src = self.src
        parts: list = []
        buf: list[str] = []
        quoted_ctx = mode in ("dq", "heredoc")

        def flush() -> None:
            if buf:
                text = "".join(buf)
                buf.clear()
                if parts and isinstance(parts[-1], Lit) and parts[-1].quoted == quoted_ctx:
                    parts[-1].text += text
                else:
                    parts.append(Lit(text, quoted_ctx))

        if mode == "unquoted" and src.startswith("~", self.pos):
            m = re.compile(r"~([A-Za-z0-9_.-]*)(?=/|$|[\s;&|()<>:])").match(src, self.pos)
            if m:
                parts.append(Tilde(m.group(1)))
                self.pos = m.end()
        depth = 0
        while self.pos < len(src):
            c = src[self.pos]
            if mode == "unquoted" and c in METACHARS:
                break
            if mode == "dq" and c == '"':
                break
            if mode == "brace":
                if c == "}" and depth == 0:
                    break
                if c == "{":
                    depth += 1
                elif c == "}":
                    depth -= 1
            if c == "\\":
                self._read_backslash(mode, buf, parts, flush)
                continue
            if c == "'" and mode in ("unquoted", "brace"):
                end = src.find("'", self.pos + 1)
                if end < 0:
                    raise self.error("Unterminated quoted string")
                flush()
                parts.append(Lit(src[self.pos + 1:end], True))
                self.pos = end + 1
                continue
            if c == '"' and mode in ("unquoted", "brace"):
                flush()
                self.pos += 1
                inner = self._read_parts("dq")
                if self.pos >= len(src):
                    raise self.error("Unterminated quoted string")
                self.pos += 1
                parts.append(Quoted(inner))
                continue
            if c == "`":
                flush()
                parts.append(self._read_backticks(mode == "dq"))
                continue
            if c == "$":
                part = self._read_dollar()
                if part is None:
                    buf.append("$")
                    self.pos += 1
                else:
                    flush()
                    parts.append(part)
                continue
            buf.append(c)
            self.pos += 1
        flush()
        return parts

    def _read_backslash(self, mode: str, buf: list[str], parts: list, flush: Callable[[], None]) -> None:
        """A backslash: a line continuation, a quoted character, or (in double quotes) itself."""
        nxt = self.src[self.pos + 1:self.pos + 2]
        if nxt == "\n":
            self.pos += 2
            return
        if mode in ("unquoted", "brace"):
            flush()
            if nxt:
                parts.append(Lit(nxt, True))
            self.pos += 2
            return
        escapable = "$`\\\"" if mode == "dq" else "$`\\"
        if nxt and nxt in escapable:
            buf.append(nxt)
            self.pos += 2
        else:
            buf.append("\\")
            self.pos += 1

    def _read_backticks(self, in_dq: bool) -> CommandSub:
        src = self.src
        i = self.pos + 1
        out = []
        while i < len(src) and src[i] != "`":
            if src[i] == "\\" and i + 1 < len(src) and src[i + 1] in ("$`\\" + ('"' if in_dq else "")):
                out.append(src[i + 1])
                i += 2
                continue
            out.append(src[i])
            i += 1
        if i >= len(src):
            raise self.error("Unterminated quoted string")
        text = "".join(out)
        self.pos = i + 1
        body = Parser(text, bash=self.bash, line_base=self.line() - 1).parse_program()
        return CommandSub(body, "`" + text + "`")

    def _read_dollar(self):
        src = self.src
        p = self.pos
        nxt = src[p + 1:p + 2]
        if src.startswith("$((", p):
            end = self._match_arith(p + 3)
            if end is not None:
                text = src[p + 3:end]
                self.pos = end + 2
                sub = Parser(text, bash=self.bash)
                return Arith(Word(sub._read_parts("arith"), text))
        if nxt == "(":
            sub = Parser(src, p + 2, bash=self.bash)
            body = sub.parse_list(stop_words=set(), stop_ops={")"})
            tok = sub.next()
            if tok != ("op", ")"):
                raise self.error("Unterminated command substitution")
            self.pos = sub.pos
            return CommandSub(body, src[p:self.pos])
        if nxt == "{":
            return self._read_braced_param()
        if nxt and nxt in SPECIAL_PARAMS:
            self.pos = p + 2
            return Param(nxt)
        m = NAME_RE.match(src, p + 1)
        if m:
            self.pos = m.end()
            return Param(m.group(0))
        return None

    def _match_arith(self, i: int) -> int | None:
        depth = 0
        src = self.src
        while i < len(src):
            c = src[i]
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    return i if src.startswith("))", i) else None
                depth -= 1
            i += 1
        return None

    def _read_braced_param(self) -> Param:
        src = self.src
        p = self.pos + 2
        length = False
        if src.startswith("#", p) and p + 1 < len(src) and src[p + 1] != "}":
            length = True
            p += 1
        m = NAME_RE.match(src, p)
        if m:
            name = m.group(0)
            p = m.end()
        elif p < len(src) and src[p] in SPECIAL_PARAMS:
            name = src[p]
            p += 1
        else:
            raise self.error("Bad substitution")
        if length:
            if not src.startswith("}", p):
                raise self.error("Bad substitution")
            self.pos = p + 1
            return Param(name, "#len")
        for op in (":-", ":=", ":?", ":+", "-", "=", "?", "+", "%%", "%", "##", "#", "}"):
            if src.startswith(op, p):
                break
        else:
            raise self.error("Bad substitution")
        if op == "}":
            self.pos = p + 1
            return Param(name)
        self.pos = p + len(op)
        start = self.pos
        parts = self._read_parts("brace")
        if not src.startswith("}", self.pos):
            raise self.error("Missing '}'")
        arg = Word(parts, src[start:self.pos])
        self.pos += 1
        return Param(name, op, arg)

    # -- grammar --------------------------------------------------------------------
    def parse_program(self) -> Node:
        body = self.parse_list(stop_words=set(), stop_ops=set())
        tok = self.peek()
        if tok[0] != "eof":
            raise self.error(f'"{tok[1] if tok[0] == "op" else _tok_text(tok)}" unexpected')
        return body

    def _keyword(self, tok: tuple) -> str | None:
        if tok[0] == "word" and all(isinstance(p, Lit) and not p.quoted for p in tok[1].parts):
            text = tok[1].text
            if text in KEYWORDS or (text == "[[" and self.bash):
                return text
        return None

    def _skip_newlines(self) -> None:
        while self.peek()[0] == "newline":
            self.next()

    def parse_list(self, stop_words: set[str], stop_ops: set[str]) -> Sequence:
        items: list[Node] = []
        self._skip_newlines()
        while True:
            tok = self.peek()
            if tok[0] == "eof" or (tok[0] == "op" and (tok[1] in stop_ops or tok[1] in (")", ";;"))):
                break
            if self._keyword(tok) in stop_words:
                break
            items.append(self.parse_and_or())
            tok = self.peek()
            if tok in (("op", ";"), ("op", "&")) or tok[0] == "newline":
                self.next()
                self._skip_newlines()
            else:
                break
        return Sequence(items)

    def parse_and_or(self) -> Node:
        first = self.parse_pipeline()
        rest = []
        while self.peek() in (("op", "&&"), ("op", "||")):
            op = self.next()[1]
            self._skip_newlines()
            rest.append((op, self.parse_pipeline()))
        return AndOr(first, rest) if rest else first

    def parse_pipeline(self) -> Node:
        negated = False
        while self._keyword(self.peek()) == "!":
            self.next()
            negated = not negated
        cmds = [self.parse_command()]
        while self.peek() == ("op", "|"):
            self.next()
            self._skip_newlines()
            cmds.append(self.parse_command())
        if len(cmds) == 1 and not negated:
            return cmds[0]
        return Pipeline(cmds, negated)

    def _expect_word(self, word: str) -> None:
        tok = self.next()
        if self._keyword(tok) != word:
            raise self.error(f'"{_tok_text(tok)}" unexpected (expecting "{word}")')

    def parse_command(self) -> Node:
        tok = self.peek()
        kw = self._keyword(tok)
        if tok == ("op", "("):
            self.next()
            body = self.parse_list(set(), {")"})
            if self.next() != ("op", ")"):
                raise self.error('"(" unmatched')
            return Subshell(body, self._redirects())
        if kw == "{":
            self.next()
            body = self.parse_list({"}"}, set())
            self._expect_word("}")
            return Group(body, self._redirects())
        if kw == "if":
            return self._parse_if()
        if kw in ("while", "until"):
            self.next()
            cond = self.parse_list({"do"}, set())
            self._expect_word("do")
            body = self.parse_list({"done"}, set())
            self._expect_word("done")
            return While(cond, body, kw == "until", self._redirects())
        if kw == "for":
            return self._parse_for()
        if kw == "case":
            return self._parse_case()
        if kw == "[[":
            return self._parse_double_bracket()
        if kw in ("then", "else", "elif", "fi", "do", "done", "esac", "}", "in"):
            raise self.error(f'"{kw}" unexpected')
        return self._parse_simple()

    def _parse_if(self) -> If:
        self.next()
        clauses = []
        orelse = None
        while True:
            cond = self.parse_list({"then"}, set())
            self._expect_word("then")
            body = self.parse_list({"elif", "else", "fi"}, set())
            clauses.append((cond, body))
            kw = self._keyword(self.next())
            if kw == "elif":
                continue
            if kw == "else":
                orelse = self.parse_list({"fi"}, set())
                self._expect_word("fi")
            elif kw != "fi":
                raise self.error('end of file unexpected (expecting "fi")')
            break
        return If(clauses, orelse, self._redirects())

    def _parse_for(self) -> For:
        self.next()
        tok = self.next()
        if tok[0] != "word" or not NAME_RE.fullmatch(tok[1].text):
            raise self.error("Bad for loop variable")
        var = tok[1].text
        self._skip_newlines()
        words = None
        if self._keyword(self.peek()) == "in":
            self.next()
            words = []
            while self.peek()[0] == "word":
                words.append(self.next()[1])
        if self.peek() == ("op", ";") or self.peek()[0] == "newline":
            self.next()
        self._skip_newlines()
        self._expect_word("do")
        body = self.parse_list({"done"}, set())
        self._expect_word("done")
        return For(var, words, body, self._redirects())

    def _parse_case(self) -> Case:
        self.next()
        tok = self.next()
        if tok[0] != "word":
            raise self.error("expecting word")
        word = tok[1]
        self._skip_newlines()
        self._expect_word("in")
        items = []
        self._skip_newlines()
        while self._keyword(self.peek()) != "esac":
            if self.peek() == ("op", "("):
                self.next()
            patterns = []
            while True:
                tok = self.next()
                if tok[0] != "word":
                    raise self.error(f'"{_tok_text(tok)}" unexpected')
                patterns.append(tok[1])
                tok = self.next()
                if tok == ("op", ")"):
                    break
                if tok != ("op", "|"):
                    raise self.error(f'"{_tok_text(tok)}" unexpected (expecting ")")')
            body = self.parse_list({"esac"}, {";;"})
            items.append((patterns, body))
            if self.peek() == ("op", ";;"):
                self.next()
            self._skip_newlines()
            if self.peek()[0] == "eof":
                raise self.error('end of file unexpected (expecting "esac")')
        self.next()
        return Case(word, items, self._redirects())

    def _parse_double_bracket(self) -> DoubleBracket:
        line = self.line()
        self.next()
        words = []
        while True:
            tok = self.next()
            if tok[0] == "eof":
                raise self.error("unexpected EOF, expecting `]]'")
            if tok[0] == "word" and tok[1].text == "]]":
                break
            if tok[0] == "op":
                words.append(Word([Lit(tok[1])], tok[1]))
            elif tok[0] == "word":
                words.append(tok[1])
        return DoubleBracket(words, line)

    def _redirects(self) -> list[Redirect]:
        out = []
        while True:
            tok = self.peek()
            if tok[0] == "io" or (tok[0] == "op" and tok[1] in REDIRECT_OPS):
                out.append(self._parse_redirect())
            else:
                return out

    def _parse_redirect(self) -> Redirect:
        tok = self.next()
        fd = None
        if tok[0] == "io":
            fd = tok[1]
            tok = self.next()
        op = tok[1]
        if fd is None:
            fd = 0 if op.startswith("<") else 1
        target = self.next()
        if target[0] != "word":
            raise self.error(f'"{_tok_text(target)}" unexpected')
        redirect = Redirect(op, fd, target[1])
        if op in ("<<", "<<-"):
            word = target[1]
            delim = "".join(_strip_quotes(word))
            self._pending_heredocs.append((redirect, delim, op == "<<-", word.is_quoted()))
        return redirect

    def _parse_simple(self) -> Node:
        line = self.line()
        cmd = Simple(line=line)
        while True:
            tok = self.peek()
            if tok[0] == "io" or (tok[0] == "op" and tok[1] in REDIRECT_OPS):
                cmd.redirects.append(self._parse_redirect())
                continue
            if tok[0] != "word":
                break
            word = tok[1]
            if not cmd.words:
                assign = _as_assignment(word)
                if assign:
                    self.next()
                    cmd.assigns.append(assign)
                    continue
            self.next()
            cmd.words.append(word)
            if len(cmd.words) == 1 and not cmd.assigns and self.peek() == ("op", "("):
                if not NAME_RE.fullmatch(word.text or ""):
                    raise self.error("Bad function name")
                self.next()
                if self.next() != ("op", ")"):
                    raise self.error('"(" unexpected')
                self._skip_newlines()
                return FunctionDef(word.text, self.parse_command())
        if not cmd.words and not cmd.assigns and not cmd.redirects:
            tok = self.peek()
            raise self.error(f'"{_tok_text(tok)}" unexpected')
        return cmd


def _tok_text(tok: tuple) -> str:
    if tok[0] == "word":
        return tok[1].text
    if tok[0] == "newline":
        return "newline"
    if tok[0] == "eof":
        return "end of file"
    return str(tok[1])


def _strip_quotes(word: Word):
    for p in word.parts:
        if isinstance(p, Lit):
            yield p.text
        elif isinstance(p, Quoted):
            yield from _strip_quotes(Word(p.parts))
        elif isinstance(p, Param):
            yield "$" + p.name


def _as_assignment(word: Word) -> tuple[str, Word] | None:
    if not word.parts or not isinstance(word.parts[0], Lit) or word.parts[0].quoted:
        return None
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)=", word.parts[0].text)
    if not m:
        return None
    rest = word.parts[0].text[m.end():]
    parts = ([Lit(rest)] if rest else []) + word.parts[1:]
    return m.group(1), Word(parts, word.text[m.end():])


def parse(script: str, bash: bool = False) -> Node:
    """Parse a whole script; raises ShellSyntaxError as ``sh -n`` would."""
    return Parser(script, bash=bash).parse_program()
