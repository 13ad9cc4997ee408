"""Word expansion in POSIX order: tilde, parameters, command substitution,
arithmetic, then field splitting, pathname expansion (against the simulated
tree, never the host's) and quote removal.

Why segments: after ``$VAR`` is replaced, only the characters that came from
an unquoted expansion may be split on IFS, and only unquoted characters may
act as glob characters. Each piece of text therefore carries two flags until
the word is turned into fields.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import arith, patterns
from .syntax import Arith, CommandSub, Lit, Param, Quoted, Tilde, Word

if TYPE_CHECKING:  # pragma: no cover
    from .recorder import RecordingFS
    from .interpreter import Shell


class ExpansionError(Exception):
    """An expansion error: a non-interactive sh prints it and exits with 2."""

    def __init__(self, message: str, status: int = 2):
        self.status = status
        super().__init__(message)


@dataclass
class Seg:
    text: str
    quoted: bool  # came from quotes: not split, not a glob character
    split: bool   # came from an unquoted expansion: subject to IFS splitting


BREAK = Seg("", True, False)  # "$@": ends one field, starts the next


class Expander:
    def __init__(self, shell: "Shell"):
        self.shell = shell

    # -- public ---------------------------------------------------------------------
    def fields(self, words: list[Word]) -> list[str]:
        """Expand command words into argv: split, globbed, quotes removed."""
        out: list[str] = []
        for word in words:
            for chunks in self._split(self._segments(word.parts, False)):
                out.extend(self._glob(chunks))
        return out

    def string(self, word: Word) -> str:
        """Expand without splitting or globbing (assignments, redirections, case words)."""
        return "".join(s.text for s in self._segments(word.parts, False))

    def pattern(self, word: Word) -> patterns.Chunks:
        """Expand a word used as a pattern (case, ${x%pat}): quoted parts stay literal."""
        return [(s.text, s.quoted) for s in self._segments(word.parts, False) if s is not BREAK]

    # -- segments ---------------------------------------------------------------------
    def _segments(self, parts: list, in_quotes: bool) -> list[Seg]:
        segs: list[Seg] = []
        for part in parts:
            if isinstance(part, Lit):
                segs.append(Seg(part.text, part.quoted or in_quotes, False))
            elif isinstance(part, Quoted):
                inner = self._segments(part.parts, True)
                has_at = any(isinstance(p, Param) and p.name == "@" and not p.op for p in part.parts)
                if not inner and not has_at:
                    inner = [Seg("", True, False)]
                segs.extend(inner)
            elif isinstance(part, Tilde):
                segs.append(Seg(self._tilde(part.user), True, False))
            elif isinstance(part, Param):
                segs.extend(self._param(part, in_quotes))
            elif isinstance(part, CommandSub):
                text = self.shell.command_substitution(part.body).rstrip("\n")
                segs.append(Seg(text, in_quotes, not in_quotes))
            elif isinstance(part, Arith):
                expr = self.string(part.expr)
                try:
                    value = arith.evaluate(expr, self._arith_get, self._arith_set)
                except arith.ArithError as exc:
                    raise ExpansionError(str(exc)) from None
                except RecursionError:
                    raise ExpansionError("arithmetic expression: too deeply nested") from None
                segs.append(Seg(str(value), in_quotes, not in_quotes))
        return segs

    def _arith_get(self, name: str) -> str:
        value = self.shell.get_var(name)
        if value is None and self.shell.state.nounset:
            raise ExpansionError(f"{name}: parameter not set")
        return value or ""

    def _arith_set(self, name: str, value: str) -> None:
        self.shell.set_var(name, value)

    def _tilde(self, user: str) -> str:
        if not user:
            return self.shell.get_var("HOME") or "/root"
        home = self.shell.home_of(user)
        return home if home is not None else "~" + user

    def _param(self, part: Param, in_quotes: bool) -> list[Seg]:
        shell = self.shell
        name, op = part.name, part.op
        if name == "@" and in_quotes and not op:
            segs: list[Seg] = []
            for k, arg in enumerate(shell.state.positional):
                if k:
                    segs.append(BREAK)
                segs.append(Seg(arg, True, False))
            return segs
        value = shell.get_var(name)
        if op == "#len":
            if value is None and shell.state.nounset:
                raise ExpansionError(f"{name}: parameter not set")
            return [Seg(str(len(value or "")), in_quotes, not in_quotes)]
        unset = value is None
        empty = unset or value == ""
        if op in ("-", ":-"):
            if (op == "-" and unset) or (op == ":-" and empty):
                return self._segments(part.arg.parts, in_quotes) if part.arg else []
        elif op in ("=", ":="):
            if (op == "=" and unset) or (op == ":=" and empty):
                value = self.string(part.arg) if part.arg else ""
                shell.set_var(name, value)
        elif op in ("?", ":?"):
            if (op == "?" and unset) or (op == ":?" and empty):
                msg = self.string(part.arg) if part.arg and part.arg.parts else \
                    ("parameter not set" if unset else "parameter null or not set")
                raise ExpansionError(f"{name}: {msg}")
        elif op in ("+", ":+"):
            if (op == "+" and not unset) or (op == ":+" and not empty):
                return self._segments(part.arg.parts, in_quotes) if part.arg else []
            return []
        elif op in ("#", "##", "%", "%%"):
            chunks = self.pattern(part.arg) if part.arg else []
            value = patterns.remove_affix(value or "", chunks, op)
        if value is None:
            if shell.state.nounset and name not in ("@", "*"):
                raise ExpansionError(f"{name}: parameter not set")
            value = ""
        return [Seg(value, in_quotes, not in_quotes)]

    # -- fields -----------------------------------------------------------------------
    def _split(self, segs: list[Seg]) -> list[patterns.Chunks]:
        ifs = self.shell.get_var("IFS")
        if ifs is None:
            ifs = " \t\n"
        ifs_ws = "".join(c for c in ifs if c in " \t\n")
        fields: list[patterns.Chunks] = []
        cur: patterns.Chunks = []
        real = False  # the current field exists even if empty ("" or text seen)
        after_ws = False
        for seg in segs:
            if seg is BREAK:
                fields.append(cur)
                cur, real = [], False
                continue
            if not seg.split or not ifs:
                if seg.text or seg.quoted:
                    cur.append((seg.text, seg.quoted))
                    real = True
                after_ws = False
                continue
            buf = []
            for ch in _ifs_tokens(ifs).findall(seg.text):  # runs of text at once: linear in big values
                if len(ch) == 1 and ch in ifs:
                    if buf:
                        cur.append(("".join(buf), False))
                        buf = []
                        real = True
                    if ch in ifs_ws:
                        if real:
                            fields.append(cur)
                            cur, real = [], False
                        after_ws = True
                    else:
                        if real or not after_ws:
                            fields.append(cur)
                        cur, real = [], False
                        after_ws = False
                else:
                    buf.append(ch)
                    after_ws = False
            if buf:
                cur.append(("".join(buf), False))
                real = True
        if real:
            fields.append(cur)
        return fields

    def _glob(self, chunks: patterns.Chunks) -> list[str]:
        literal = "".join(t for t, _ in chunks)
        if not patterns.has_magic(chunks) or self.shell.state.noglob:
            return [literal]
        found = glob_tree(self.shell, chunks)
        return found or [literal]


@functools.lru_cache(maxsize=16)
def _ifs_tokens(ifs: str) -> "re.Pattern[str]":
    """One IFS character, or a run of characters that are not in IFS."""
    chars = "".join(re.escape(c) for c in ifs)
    return re.compile(f"[{chars}]|[^{chars}]+", re.DOTALL)


def _split_components(chunks: patterns.Chunks) -> list[patterns.Chunks]:
    comps: list[patterns.Chunks] = [[]]
    for text, quoted in chunks:
        pieces = text.split("/")
        for k, piece in enumerate(pieces):
            if k:
                comps.append([])
            if piece:
                comps[-1].append((piece, quoted))
    return comps


def glob_tree(shell: "Shell", chunks: patterns.Chunks) -> list[str]:
    """Pathname expansion against the union filesystem; sorted like sh sorts."""
    fs = shell.record.fs
    comps = _split_components(chunks)
    absolute = comps[0] == [] and len(comps) > 1
    if absolute:
        comps = comps[1:]
    base = "/" if absolute else ""
    candidates = [base]
    for idx, comp in enumerate(comps):
        last = idx == len(comps) - 1
        if not comp:  # trailing slash or '//'
            candidates = [c + "/" if not c.endswith("/") else c for c in candidates
                          if _is_dir(fs, shell, c)]
            continue
        new: list[str] = []
        if not patterns.has_magic(comp):
            name = "".join(t for t, _ in comp)
            for c in candidates:
                path = c + name if (c.endswith("/") or c == "") else c + "/" + name
                new.append(path)
        else:
            rx = patterns.compile_pattern(comp)
            dot_ok = comp[0][0].startswith(".")
            for c in candidates:
                for name in fs.peek_listdir(_abs(shell, c or ".")) or []:
                    if name.startswith(".") and not dot_ok:
                        continue
                    if rx.fullmatch(name):
                        new.append(c + name if (c.endswith("/") or c == "") else c + "/" + name)
        if not last:
            new = [p for p in new if _is_dir(fs, shell, p)]
        candidates = new
    out = [c for c in candidates if c and _exists(fs, shell, c)]
    return sorted(set(out))


def _abs(shell: "Shell", path: str) -> str:
    return posixpath.join(shell.state.cwd, path)


def _is_dir(fs: "RecordingFS", shell: "Shell", path: str) -> bool:
    st = fs.peek_stat(_abs(shell, path or "."))
    return st is not None and st.type == "dir"


def _exists(fs: "RecordingFS", shell: "Shell", path: str) -> bool:
    return fs.peek_stat(_abs(shell, path), follow=False) is not None
