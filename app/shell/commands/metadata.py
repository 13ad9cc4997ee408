"""chmod, chown and chgrp: metadata changes (a copy-up of the whole file on overlayfs)."""

from __future__ import annotations


from app.engine import FSError

from ..context import Context
from .registry import register
from .common import command, lookup_group, lookup_user, missing_operand, parse_mode, parse_opts, q


# -- metadata -----------------------------------------------------------------------------
def _walk(ctx: Context, path: str) -> list[tuple[str, object]]:
    try:
        return ctx.fs.walk(path)
    except FSError:
        return []


@register("chmod")
@command
def chmod(ctx: Context) -> int:
    argv = ctx.argv[1:]
    mode_spec = None
    rest = []
    for a in argv:  # `chmod -x f`: -x is a mode, not an option
        if mode_spec is None and len(a) > 1 and a[0] == "-" and all(c in "rwxXst" for c in a[1:]):
            mode_spec = a
        else:
            rest.append(a)
    ctx.argv = [ctx.argv[0]] + rest
    opts, args = parse_opts(ctx, "RcfvH", ["recursive", "changes", "silent", "quiet", "verbose",
                                          "reference=", "no-preserve-root", "preserve-root"])
    recursive = any(o in ("-R", "--recursive") for o, _ in opts)
    if mode_spec is None:
        if not args:
            return missing_operand(ctx)
        mode_spec, args = args[0], args[1:]
    if not args:
        return missing_operand(ctx, mode_spec)
    status = 0
    for arg in args:
        path = ctx.path(arg)
        st = ctx.stat(path)
        if st is None:
            ctx.err(f"chmod: cannot access {q(arg)}: No such file or directory\n")
            status = 1
            continue
        items = [(path, st)]
        if recursive and st.type == "dir":
            items = [(path, st)] + [(p, s) for p, s in _walk(ctx, path)
                                    if p != path and s.type != "symlink"]
        for p, s in items:
            new = parse_mode(mode_spec, s.mode, s.type == "dir", ctx.shell.state.umask)
            if new is None:
                ctx.err(f"chmod: invalid mode: {q(mode_spec)}\n"
                        f"Try 'chmod --help' for more information.\n")
                return 1
            ctx.fs.chmod(p, new)
    return status


def _owner_spec(ctx: Context, spec: str, group_only: bool) -> tuple[int, int] | str:
    """(uid, gid) with -1 for "unchanged", or an error message."""
    if group_only:
        gid = lookup_group(ctx, spec)
        return (-1, gid) if gid is not None else f"invalid group: {q(spec)}"
    sep = ":" if ":" in spec else ("." if "." in spec and lookup_user(ctx, spec) is None else None)
    user, group = (spec.split(sep, 1) + [""])[:2] if sep else (spec, None)
    uid, gid = -1, -1
    if user:
        found = lookup_user(ctx, user)
        if found is None:
            return f"invalid user: {q(spec)}"
        uid = found[0]
        if group == "":  # `user:` means the user's login group
            gid = found[1]
    if group:
        g = lookup_group(ctx, group)
        if g is None:
            return f"invalid group: {q(spec)}"
        gid = g
    return uid, gid


def _chown(ctx: Context, group_only: bool) -> int:
    tool = ctx.argv[0]
    opts, args = parse_opts(ctx, "RhcfvHLP", ["recursive", "no-dereference", "dereference",
                                             "changes", "silent", "quiet", "verbose", "from=",
                                             "reference=", "no-preserve-root", "preserve-root"])
    names = {o for o, _ in opts}
    recursive = bool(names & {"-R", "--recursive"})
    # -R means -P (no symlink followed, not even one named on the command line)
    # unless -H or -L says otherwise; without -R, chown follows unless -h.
    no_deref = bool(names & {"-h", "--no-dereference"}) or (
        recursive and not names & {"-H", "-L", "--dereference"})
    if not args:
        return missing_operand(ctx)
    spec, files = args[0], args[1:]
    if not files:
        return missing_operand(ctx, spec)
    ids = _owner_spec(ctx, spec, group_only)
    if isinstance(ids, str):
        ctx.err(f"{tool}: {ids}\n")
        return 1
    uid, gid = ids
    status = 0
    for arg in files:
        path = ctx.path(arg)
        st = ctx.stat(path, follow=not no_deref)
        if st is None:
            ctx.err(f"{tool}: cannot access {q(arg)}: No such file or directory\n")
            status = 1
            continue
        ctx.fs.chown(path, uid, gid, follow=not no_deref)
        if recursive and st.type == "dir":
            for p, s in _walk(ctx, path):
                if p == path:
                    continue
                ctx.fs.chown(p, uid, gid, follow=False)
    return status


@register("chown")
@command
def chown(ctx: Context) -> int:
    return _chown(ctx, False)


@register("chgrp")
@command
def chgrp(ctx: Context) -> int:
    return _chown(ctx, True)
