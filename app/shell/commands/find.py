"""find and xargs: the two ways RUN lines apply a command to many files
(``find /var/cache -type f -delete``, ``find . -name '*.pyc' -exec rm {} +``,
``... | xargs rm -f``). The commands they start are looked up exactly as the
shell looks them up, so they too are simulated, delegated or reported as not
simulated, never executed.

Directory entries are visited in sorted order; real ``find`` uses the order
``readdir`` returns, which on overlayfs is not sorted: the resulting tree is
the same, only printed lists may be ordered differently.
"""

from __future__ import annotations

import posixpath
import shlex
from typing import Callable

from app.engine import FSError

from ..context import Context
from .. import patterns
from .registry import register
from .common import q


class FindError(Exception):
    pass


Pred = Callable[[str, str, object, int], bool]  # (path as shown, absolute path, stat, depth)


class _FindParser:
    def __init__(self, ctx: Context, tokens: list[str]):
        self.ctx = ctx
        self.t = tokens
        self.i = 0
        self.has_action = False
        self.maxdepth: int | None = None
        self.mindepth = 0
        self.depth_first = False
        self.batches: list[tuple[list[str], list[str]]] = []  # -exec ... {} + (argv, paths)
        self.status = 0

    def peek(self) -> str | None:
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self) -> str:
        if self.i >= len(self.t):
            raise FindError("missing argument")
        self.i += 1
        return self.t[self.i - 1]

    def parse(self) -> Pred:
        if self.peek() is None:
            return lambda *a: True
        p = self.or_()
        if self.peek() is not None:
            raise FindError(f"paths must precede expression: {q(self.peek())}")
        return p

    def or_(self) -> Pred:
        left = self.and_()
        while self.peek() in ("-o", "-or"):
            self.take()
            right = self.and_()
            left = (lambda a, b: lambda *x: a(*x) or b(*x))(left, right)
        return left

    def and_(self) -> Pred:
        left = self.not_()
        while self.peek() not in (None, "-o", "-or", ")"):
            if self.peek() in ("-a", "-and"):
                self.take()
            right = self.not_()
            left = (lambda a, b: lambda *x: a(*x) and b(*x))(left, right)
        return left

    def not_(self) -> Pred:
        if self.peek() in ("!", "-not"):
            self.take()
            inner = self.not_()
            return lambda *x: not inner(*x)
        return self.primary()

    def primary(self) -> Pred:
        tok = self.take()
        ctx = self.ctx
        if tok == "(":
            inner = self.or_()
            if self.take() != ")":
                raise FindError("invalid expression; I was expecting to find a ')'")
            return inner
        if tok in ("-name", "-iname"):
            rx = patterns.compile_pattern([(self.take(), False)], ignore_case=tok == "-iname")
            return lambda shown, path, st, d: rx.fullmatch(posixpath.basename(shown.rstrip("/")) or "/") is not None
        if tok in ("-path", "-wholename"):
            rx = patterns.compile_pattern([(self.take(), False)])
            return lambda shown, path, st, d: rx.fullmatch(shown) is not None
        if tok == "-type":
            kinds = {"f": "file", "d": "dir", "l": "symlink"}
            want = {kinds.get(k, k) for k in self.take().split(",")}
            return lambda shown, path, st, d: st.type in want
        if tok == "-maxdepth":
            self.maxdepth = int(self.take())
            return lambda *x: True
        if tok == "-mindepth":
            self.mindepth = int(self.take())
            return lambda *x: True
        if tok == "-depth":
            self.depth_first = True
            return lambda *x: True
        if tok == "-empty":
            def empty(shown, path, st, d):
                if st.type == "dir":
                    return not ctx.fs.peek_listdir(path)
                return st.type == "file" and st.size == 0
            return empty
        if tok in ("-user", "-group", "-uid", "-gid"):
            value = self.take()
            from .common import lookup_group, lookup_user
            if tok in ("-user", "-uid"):
                found = lookup_user(ctx, value)
                want = found[0] if found else -2
                return lambda shown, path, st, d: st.uid == want
            gid = lookup_group(ctx, value)
            return lambda shown, path, st, d: st.gid == (gid if gid is not None else -2)
        if tok == "-perm":
            spec = self.take()
            mode = int(spec.lstrip("-/"), 8)
            if spec.startswith("-"):
                return lambda shown, path, st, d: st.mode & mode == mode
            if spec.startswith("/"):
                return lambda shown, path, st, d: bool(st.mode & mode)
            return lambda shown, path, st, d: st.mode & 0o7777 == mode
        if tok in ("-xdev", "-mount", "-noleaf", "-follow"):
            return lambda *x: True
        if tok == "-prune":
            return lambda *x: True
        action = self.action(tok)
        if action is None:
            raise FindError(f"unknown predicate `{tok}'")
        return action

    def action(self, tok: str) -> Pred | None:
        """-print, -delete, -exec: the primaries that do something (None: not one of them)."""
        ctx = self.ctx
        if tok in ("-print", "-print0"):
            self.has_action = True
            end = "\0" if tok == "-print0" else "\n"
            return lambda shown, path, st, d: ctx.out(shown + end) or True
        if tok == "-delete":
            self.has_action = True
            self.depth_first = True

            def delete(shown, path, st, d):
                try:
                    if st.type == "dir":
                        ctx.fs.rmdir(path)
                    else:
                        ctx.fs.unlink(path)
                except FSError as exc:
                    ctx.err(f"find: cannot delete {q(shown)}: {exc.explanation.split(':')[0]}\n")
                    self.status = 1
                return True
            return delete
        if tok in ("-exec", "-execdir", "-ok"):
            self.has_action = True
            argv = []
            while True:
                a = self.take()
                if a == ";":
                    break
                if a == "+" and argv and argv[-1] == "{}":
                    argv.pop()
                    batch: tuple[list[str], list[str]] = (argv, [])
                    self.batches.append(batch)
                    return lambda shown, path, st, d: batch[1].append(shown) or True
                argv.append(a)
            if not argv:
                raise FindError("missing argument to `-exec'")

            def execute(shown, path, st, d):
                return run_command(ctx, [a.replace("{}", shown) for a in argv]) == 0
            return execute
        return None


def run_command(ctx: Context, argv: list[str]) -> int:
    """Start ``argv`` the way exec would: no shell builtins, no functions."""
    io = ctx.streams()
    return ctx.shell.run_external(posixpath.basename(argv[0]), argv, ctx.env, io)


@register("find")
def find(ctx: Context) -> int:
    args = ctx.argv[1:]
    while args and args[0] in ("-H", "-L", "-P"):
        args = args[1:]
    starts = []
    while args and not (args[0].startswith("-") and len(args[0]) > 1) and args[0] not in ("(", "!"):
        starts.append(args.pop(0))
    starts = starts or ["."]
    parser = _FindParser(ctx, args)
    try:
        pred = parser.parse()
    except (FindError, ValueError) as exc:
        ctx.err(f"find: {exc}\n")
        return 1
    status = 0
    for start in starts:
        base = ctx.path(start)
        st = ctx.stat(base, follow=True) if start.endswith("/") else ctx.stat(base, follow=False)
        if st is None:
            ctx.err(f"find: {q(start)}: No such file or directory\n")
            status = 1
            continue
        root = posixpath.normpath(base)
        entries = [(root, st)]
        if st.type == "dir":
            try:
                entries += [(p, s) for p, s in ctx.fs.walk(root) if p != root]
            except FSError:
                pass
        visits = []
        for path, s in entries:
            rel = path[len(root):].lstrip("/") if path != root else ""
            depth = rel.count("/") + 1 if rel else 0
            if parser.maxdepth is not None and depth > parser.maxdepth or depth < parser.mindepth:
                continue
            shown = start if not rel else (start.rstrip("/") + "/" + rel if start != "/" else "/" + rel)
            visits.append((shown, path, s, depth))
        if parser.depth_first:
            visits.sort(key=lambda v: v[1], reverse=True)
        for shown, path, s, depth in visits:
            if pred(shown, path, s, depth) and not parser.has_action:
                ctx.out(shown + "\n")
    for argv, paths in parser.batches:
        if paths and run_command(ctx, argv + paths) != 0:
            status = 1
    return status or parser.status


@register("xargs")
def xargs(ctx: Context) -> int:
    args = ctx.argv[1:]
    no_run_if_empty = False
    per = None
    replace = None
    delim = None
    while args and args[0].startswith("-") and args[0] != "-":
        a = args.pop(0)
        if a in ("-r", "--no-run-if-empty"):
            no_run_if_empty = True
        elif a == "-0" or a == "--null":
            delim = "\0"
        elif a.startswith("-n"):
            per = int(a[2:] or args.pop(0))
        elif a.startswith("-I") or a.startswith("-i"):
            replace = a[2:] or (args.pop(0) if a.startswith("-I") else "{}")
        elif a.startswith("-d"):
            delim = (a[2:] or args.pop(0)).encode().decode("unicode_escape")
        elif a.startswith("-P") or a.startswith("-L") or a.startswith("-s"):
            if len(a) == 2:
                args.pop(0)
        elif a == "--":
            break
    command = args or ["echo"]
    text = ctx.stdin
    if replace is not None:
        items = [line for line in text.split("\n") if line.strip()]
    elif delim is not None:
        items = [x for x in text.split(delim) if x]
    else:
        try:
            items = shlex.split(text)
        except ValueError:
            ctx.err("xargs: unmatched quote; by default quotes are special to xargs unless you use "
                    "the -0 option\n")
            return 1
    if not items and (no_run_if_empty or replace is not None):
        return 0
    runs: list[list[str]] = []
    if replace is not None:
        runs = [[a.replace(replace, item) for a in command] for item in items]
    elif per:
        runs = [command + items[k:k + per] for k in range(0, len(items), per)] or [command]
    else:
        runs = [command + items]
    status = 0
    for argv in runs:
        rc = run_command(ctx, argv)
        if rc:
            status = 123 if rc < 126 else rc
    return status
