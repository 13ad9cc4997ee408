"""coreutils that change the tree: touch, mkdir, rm, rmdir, cp, mv, ln,
chmod, chown/chgrp, install, truncate, mktemp.

Each does what GNU coreutils does through the same system calls, so the
engine sees the same operations the kernel's overlayfs would (``mv`` of an
image directory gets EXDEV and falls back to copy + delete, like coreutils).
"""

from __future__ import annotations

import hashlib
import posixpath

from app.engine import CrossDevice, File, FSError, Inode

from ..context import Context, LimitReached
from . import register
from .common import (command, lookup_group, lookup_user, missing_operand, parse_mode,
                     parse_opts, parse_size, q)

BIG = 1 << 20  # files above this size whose bytes are unknown are copied by size only


def _umask(ctx: Context) -> int:
    return ctx.shell.state.umask


def _errmsg(exc: FSError) -> str:
    return exc.explanation.split(":")[0]


# -- touch --------------------------------------------------------------------------
@register("touch")
@command
def touch(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "acmhd:r:t:f", ["no-create", "date=", "reference=", "time="])
    no_create = any(o in ("-c", "--no-create") for o, _ in opts)
    if not args:
        return missing_operand(ctx)
    status = 0
    for arg in args:
        path = ctx.path(arg)
        if no_create and ctx.stat(path) is None:
            continue
        try:
            if ctx.stat(path) is None:
                ctx.fs.write(path, b"", mode=0o666 & ~_umask(ctx))
            else:
                ctx.fs.touch(path)
        except FSError as exc:
            ctx.err(f"touch: cannot touch {q(arg)}: {_errmsg(exc)}\n")
            status = 1
    return status


# -- mkdir / rmdir ------------------------------------------------------------------
@register("mkdir")
@command
def mkdir(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "pm:vZ", ["parents", "mode=", "verbose"])
    parents = any(o in ("-p", "--parents") for o, _ in opts)
    mode_spec = next((v for o, v in opts if o in ("-m", "--mode")), None)
    default = 0o777 & ~_umask(ctx)
    mode = default
    if mode_spec is not None:
        parsed = parse_mode(mode_spec, 0o777, True, 0)
        if parsed is None:
            ctx.err(f"mkdir: invalid mode {q(mode_spec)}\n")
            return 1
        mode = parsed
    if not args:
        return missing_operand(ctx)
    status = 0
    for arg in args:
        path = ctx.path(arg)
        try:
            if parents:
                st = ctx.stat(path)
                if st is not None and st.type == "dir":
                    continue
                parent = posixpath.dirname(path.rstrip("/")) or "/"
                if ctx.stat(parent) is None:
                    ctx.fs.mkdir(parent, parents=True, mode=default | 0o300)
            ctx.fs.mkdir(path, mode=mode)
            if mode_spec is not None and mode & 0o7000:
                ctx.fs.chmod(path, mode)
        except FSError as exc:
            ctx.err(f"mkdir: cannot create directory {q(arg)}: {_errmsg(exc)}\n")
            status = 1
    return status


@register("rmdir")
@command
def rmdir(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "pv", ["parents", "ignore-fail-on-non-empty", "verbose"])
    parents = any(o in ("-p", "--parents") for o, _ in opts)
    ignore = any(o == "--ignore-fail-on-non-empty" for o, _ in opts)
    if not args:
        return missing_operand(ctx)
    status = 0
    for arg in args:
        targets = [arg]
        if parents:
            p = arg.rstrip("/")
            while "/" in p.strip("/"):
                p = posixpath.dirname(p)
                targets.append(p)
        for t in targets:
            try:
                ctx.fs.rmdir(ctx.path(t))
            except FSError as exc:
                if not (ignore and exc.code == "ENOTEMPTY"):
                    ctx.err(f"rmdir: failed to remove {q(t)}: {_errmsg(exc)}\n")
                    status = 1
                break
    return status


# -- rm -------------------------------------------------------------------------------
@register("rm")
@command
def rm(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "fiIrRdv", ["force", "recursive", "dir", "verbose",
                                            "no-preserve-root", "preserve-root", "one-file-system",
                                            "interactive="])
    names = {o for o, _ in opts}
    force = bool(names & {"-f", "--force"})
    recursive = bool(names & {"-r", "-R", "--recursive"})
    dirs = bool(names & {"-d", "--dir"})
    preserve_root = "--no-preserve-root" not in names
    if not args:
        return 0 if force else missing_operand(ctx)
    status = 0
    for arg in args:
        path = ctx.path(arg)
        if recursive and preserve_root and posixpath.normpath(path) == "/":
            ctx.err(f"rm: it is dangerous to operate recursively on {q('/')}\n"
                    f"rm: use --no-preserve-root to override this failsafe\n")
            status = 1
            continue
        if posixpath.basename(arg.rstrip("/")) in (".", ".."):
            ctx.err(f"rm: refusing to remove '.' or '..' directory: skipping {q(arg)}\n")
            status = 1
            continue
        st = ctx.stat(path, follow=False)
        if st is None:
            if not force:
                ctx.err(f"rm: cannot remove {q(arg)}: No such file or directory\n")
                status = 1
            continue
        try:
            if st.type == "dir":
                if recursive:
                    if posixpath.normpath(path) == "/":
                        # --no-preserve-root: everything below goes, / itself stays busy
                        for name in ctx.fs.listdir("/"):
                            ctx.fs.remove_tree("/" + name)
                        ctx.err("rm: cannot remove '/': Device or resource busy\n")
                        status = 1
                        continue
                    ctx.fs.remove_tree(path)
                elif dirs:
                    ctx.fs.rmdir(path)
                else:
                    ctx.err(f"rm: cannot remove {q(arg)}: Is a directory\n")
                    status = 1
            else:
                ctx.fs.unlink(path)
        except FSError as exc:
            ctx.err(f"rm: cannot remove {q(arg)}: {_errmsg(exc)}\n")
            status = 1
    return status


# -- copying ----------------------------------------------------------------------------
def copy_file(ctx: Context, src: str, dst: str, st, preserve: bool, dst_exists: bool) -> None:
    """Copy one regular file's contents (and with ``preserve`` its metadata)."""
    mode = st.mode if preserve else (st.mode & ~ctx.shell.state.umask)
    zeros = st.size > BIG and st.sha256 == _zeros_sha256(st.size)
    if zeros and not dst_exists:  # contents unknown (package data): copy the size only
        ctx.fs.add_node(dst, File(Inode(None, st.size, mode & 0o7777)), bytes_written=st.size)
    else:
        data = ctx.fs.read(src)
        ctx.fs.write(dst, data, mode=mode & 0o7777)
    if preserve:
        ctx.fs.chmod(dst, st.mode & 0o7777)
        ctx.fs.chown(dst, st.uid, st.gid)


def _zeros_sha256(size: int) -> str:
    from app.engine.layer import _zeros_sha256 as z
    return z(size)


def copy_tree(ctx: Context, src: str, dst: str, *, recursive: bool, preserve: bool,
              deref_top: bool, deref: bool, tool: str, shown_src: str, shown_dst: str,
              avoid: str | None = None) -> int:
    st = ctx.stat(src, follow=deref_top)
    if st is None:
        ctx.err(f"{tool}: cannot stat {q(shown_src)}: No such file or directory\n")
        return 1
    dst_st = ctx.stat(dst, follow=False)
    if st.type == "dir":
        if not recursive:
            ctx.err(f"{tool}: -r not specified; omitting directory {q(shown_src)}\n")
            return 1
        # cp -r d d/x: GNU makes d/x, copies what d held before (not d/x itself), then
        # reports the loop and fails.
        into_itself = posixpath.normpath(dst).startswith(posixpath.normpath(src).rstrip("/") + "/")
        if into_itself and avoid is None:
            avoid = posixpath.normpath(dst)  # the copy being made is never copied again
        if dst_st is not None and dst_st.type != "dir":
            ctx.err(f"{tool}: cannot overwrite non-directory {q(shown_dst)} with directory "
                    f"{q(shown_src)}\n")
            return 1
        if dst_st is None:
            ctx.fs.mkdir(dst, mode=(st.mode if preserve else st.mode & ~ctx.shell.state.umask)
                     & 0o7777)
        status = 0
        names = ctx.fs.listdir(src)
        for name in names:
            if avoid is not None and posixpath.normpath(posixpath.join(src, name)) == avoid:
                continue
            status |= copy_tree(ctx, posixpath.join(src, name), posixpath.join(dst, name),
                                recursive=True, preserve=preserve, deref_top=deref, deref=deref,
                                tool=tool, shown_src=posixpath.join(shown_src, name),
                                shown_dst=posixpath.join(shown_dst, name), avoid=avoid)
        if preserve:
            ctx.fs.chmod(dst, st.mode & 0o7777)
            ctx.fs.chown(dst, st.uid, st.gid)
        if into_itself and avoid == posixpath.normpath(dst):
            ctx.err(f"{tool}: cannot copy a directory, {q(shown_src)}, into itself, {q(shown_dst)}\n")
            return 1
        return status
    if st.type == "symlink":
        if dst_st is not None:
            if dst_st.type == "dir":
                ctx.err(f"{tool}: cannot overwrite directory {q(shown_dst)} with non-directory\n")
                return 1
            ctx.fs.unlink(dst)
        ctx.fs.symlink(st.target, dst)
        return 0
    if dst_st is not None and dst_st.type == "dir" or (dst_st is not None and ctx.stat(dst) is not None
                                                       and ctx.stat(dst).type == "dir"):
        ctx.err(f"{tool}: cannot overwrite directory {q(shown_dst)} with non-directory\n")
        return 1
    copy_file(ctx, src, dst, st, preserve, dst_st is not None)
    return 0


def _same_file(ctx: Context, a: str, b: str, follow: bool = True) -> bool:
    """Both names lead to one object (cp/mv refuse: copying onto itself would truncate it)."""
    from .info import _canonical
    if ctx.stat(b, follow=False) is None:
        return False
    if follow:
        return _canonical(ctx, a) == _canonical(ctx, b)
    parent = _canonical(ctx, posixpath.dirname(a) or "/")
    other = _canonical(ctx, posixpath.dirname(b) or "/")
    return (parent, posixpath.basename(a)) == (other, posixpath.basename(b))


def _targets(ctx: Context, args: list[str], target_dir: str | None, no_target: bool,
             tool: str) -> list[tuple[str, str, str]] | int:
    """(source arg, source path, destination path) pairs, or an exit status."""
    if target_dir is not None:
        srcs, dest = args, target_dir
        if not srcs:
            return missing_operand(ctx)
        dest_is_dir = True
    else:
        if not args:
            return missing_operand(ctx)
        if len(args) == 1:
            return missing_operand(ctx, args[0])
        srcs, dest = args[:-1], args[-1]
        dst_st = ctx.stat(ctx.path(dest))
        dest_is_dir = dst_st is not None and dst_st.type == "dir" and not no_target
        if len(srcs) > 1 and not dest_is_dir:
            ctx.err(f"{tool}: target {q(dest)} is not a directory\n")
            return 1
    out = []
    for s in srcs:
        d = posixpath.join(dest, posixpath.basename(s.rstrip("/")) or s) if dest_is_dir else dest
        out.append((s, ctx.path(s), d))
    return out


@register("cp")
@command
def cp(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "rRapdfinuvLPHTt:sl", [
        "recursive", "archive", "preserve=", "no-preserve=", "force", "no-clobber", "update",
        "verbose", "dereference", "no-dereference", "target-directory=", "no-target-directory",
        "parents", "remove-destination", "interactive", "link", "symbolic-link"])
    names = {o for o, _ in opts}
    archive = bool(names & {"-a", "--archive"})
    recursive = archive or bool(names & {"-r", "-R", "--recursive"})
    preserve = archive or "-p" in names or any(o == "--preserve" for o, _ in opts)
    no_clobber = bool(names & {"-n", "--no-clobber"})
    if archive or "-P" in names or "-d" in names or "--no-dereference" in names:
        deref_top, deref = False, False
    elif "-L" in names or "--dereference" in names:
        deref_top, deref = True, True
    else:
        deref_top, deref = not recursive, False
    target_dir = next((v for o, v in opts if o in ("-t", "--target-directory")), None)
    pairs = _targets(ctx, args, target_dir, bool(names & {"-T", "--no-target-directory"}), "cp")
    if isinstance(pairs, int):
        return pairs
    status = 0
    for shown, src, dst in pairs:
        if no_clobber and ctx.stat(ctx.path(dst), follow=False) is not None:
            continue
        if _same_file(ctx, src, ctx.path(dst)):
            ctx.err(f"cp: {q(shown)} and {q(dst)} are the same file\n")
            status = 1
            continue
        try:
            status |= copy_tree(ctx, src, ctx.path(dst), recursive=recursive, preserve=preserve,
                                deref_top=deref_top, deref=deref, tool="cp", shown_src=shown,
                                shown_dst=dst)
        except FSError as exc:
            ctx.err(f"cp: cannot create regular file {q(dst)}: {_errmsg(exc)}\n")
            status = 1
    return status


@register("mv")
@command
def mv(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "finuvTt:", ["force", "interactive", "no-clobber", "update",
                                             "verbose", "target-directory=", "no-target-directory"])
    names = {o for o, _ in opts}
    target_dir = next((v for o, v in opts if o in ("-t", "--target-directory")), None)
    pairs = _targets(ctx, args, target_dir, bool(names & {"-T", "--no-target-directory"}), "mv")
    if isinstance(pairs, int):
        return pairs
    status = 0
    for shown, src, dst in pairs:
        dpath = ctx.path(dst)
        if ctx.stat(src, follow=False) is None:
            ctx.err(f"mv: cannot stat {q(shown)}: No such file or directory\n")
            status = 1
            continue
        if "-n" in names and ctx.stat(dpath, follow=False) is not None:
            continue
        if _same_file(ctx, src, dpath, follow=False):
            ctx.err(f"mv: {q(shown)} and {q(dst)} are the same file\n")
            status = 1
            continue
        try:
            ctx.fs.rename(src, dpath)
        except CrossDevice as exc:
            # What coreutils does on EXDEV: copy everything, then delete the source.
            if exc.trace is not None:
                exc.trace.note = ((exc.trace.note + "; ") if exc.trace.note else "") + (
                    "rename(2) failed with EXDEV, so mv copied the whole tree to the new name "
                    "and deleted the old one, as coreutils does")
            status |= copy_tree(ctx, src, dpath, recursive=True, preserve=True, deref_top=False,
                                deref=False, tool="mv", shown_src=shown, shown_dst=dst)
            if status == 0:
                ctx.fs.remove_tree(src)
        except FSError as exc:
            ctx.err(f"mv: cannot move {q(shown)} to {q(dst)}: {_errmsg(exc)}\n")
            status = 1
    return status


# -- links ----------------------------------------------------------------------------
@register("ln")
@command
def ln(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "sfnvrTt:bLP", ["symbolic", "force", "no-dereference", "verbose",
                                                "relative", "no-target-directory",
                                                "target-directory=", "logical", "physical"])
    names = {o for o, _ in opts}
    symbolic = bool(names & {"-s", "--symbolic"})
    force = bool(names & {"-f", "--force"})
    no_deref = bool(names & {"-n", "--no-dereference"})
    target_dir = next((v for o, v in opts if o in ("-t", "--target-directory")), None)
    if not args:
        return missing_operand(ctx)
    if target_dir is not None:
        pairs = [(a, posixpath.join(target_dir, posixpath.basename(a.rstrip("/")))) for a in args]
    elif len(args) == 1:
        pairs = [(args[0], posixpath.basename(args[0].rstrip("/")) or args[0])]
    else:
        dest = args[-1]
        st = ctx.stat(ctx.path(dest), follow=not no_deref)
        if st is not None and st.type == "dir" and "-T" not in names:
            pairs = [(a, posixpath.join(dest, posixpath.basename(a.rstrip("/")))) for a in args[:-1]]
        elif len(args) > 2:
            ctx.err(f"ln: target {q(dest)} is not a directory\n")
            return 1
        else:
            pairs = [(args[0], dest)]
    status = 0
    for target, link in pairs:
        lpath = ctx.path(link)
        kind = "symbolic link" if symbolic else "hard link"
        try:
            existing = ctx.stat(lpath, follow=False)
            if existing is not None and force:
                if existing.type == "dir":
                    ctx.err(f"ln: {q(link)}: cannot overwrite directory\n")
                    status = 1
                    continue
                ctx.fs.unlink(lpath)
            if symbolic:
                ctx.fs.symlink(target, lpath)
            else:
                if ctx.stat(ctx.path(target), follow=False) is None:
                    ctx.err(f"ln: failed to access {q(target)}: No such file or directory\n")
                    status = 1
                    continue
                ctx.fs.link(ctx.path(target), lpath)
        except FSError as exc:
            extra = f" {q(link)} => {q(target)}" if not symbolic else f" {q(link)}"
            if not symbolic and exc.code == "EPERM":
                ctx.err(f"ln: {q(target)}: hard link not allowed for directory\n")
            else:
                ctx.err(f"ln: failed to create {kind}{extra}: {_errmsg(exc)}\n")
            status = 1
    return status


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


# -- install -------------------------------------------------------------------------------
@register("install")
@command
def install(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "dDm:o:g:t:TvcCpsb", [
        "directory", "mode=", "owner=", "group=", "target-directory=", "no-target-directory",
        "verbose", "compare", "preserve-timestamps", "strip"])
    names = {o for o, _ in opts}
    mode_spec = next((v for o, v in opts if o in ("-m", "--mode")), "0755")
    mode = parse_mode(mode_spec, 0o755, False, 0)
    if mode is None:
        ctx.err(f"install: invalid mode {q(mode_spec)}\n")
        return 1
    owner = next((v for o, v in opts if o in ("-o", "--owner")), None)
    group = next((v for o, v in opts if o in ("-g", "--group")), None)
    uid = gid = -1
    if owner is not None:
        found = lookup_user(ctx, owner)
        if found is None:
            ctx.err(f"install: invalid user {q(owner)}\n")
            return 1
        uid = found[0]
    if group is not None:
        g = lookup_group(ctx, group)
        if g is None:
            ctx.err(f"install: invalid group {q(group)}\n")
            return 1
        gid = g

    def finish(path: str) -> None:
        ctx.fs.chmod(path, mode)
        if uid >= 0 or gid >= 0:
            ctx.fs.chown(path, uid, gid)

    if names & {"-d", "--directory"}:
        if not args:
            return missing_operand(ctx)
        status = 0
        for arg in args:
            path = ctx.path(arg)
            try:
                if ctx.stat(path) is None:
                    ctx.fs.mkdir(path, parents=True, mode=0o755)
                finish(path)
            except FSError as exc:
                ctx.err(f"install: cannot create directory {q(arg)}: {_errmsg(exc)}\n")
                status = 1
        return status
    target_dir = next((v for o, v in opts if o in ("-t", "--target-directory")), None)
    if "-D" in names and target_dir is None and len(args) == 2:
        parent = posixpath.dirname(ctx.path(args[1]).rstrip("/"))
        if ctx.stat(parent) is None:
            ctx.fs.mkdir(parent, parents=True, mode=0o755)
    pairs = _targets(ctx, args, target_dir, "-T" in names, "install")
    if isinstance(pairs, int):
        return pairs
    status = 0
    for shown, src, dst in pairs:
        st = ctx.stat(src)
        if st is None:
            ctx.err(f"install: cannot stat {q(shown)}: No such file or directory\n")
            status = 1
            continue
        if st.type == "dir":
            ctx.err(f"install: omitting directory {q(shown)}\n")
            status = 1
            continue
        dpath = ctx.path(dst)
        try:
            old = ctx.stat(dpath, follow=False)
            if old is not None and old.type != "dir":
                ctx.fs.unlink(dpath)  # install replaces the file: hard links keep the old one
            copy_file(ctx, src, dpath, st, False, False)
            finish(dpath)
        except FSError as exc:
            ctx.err(f"install: cannot create regular file {q(dst)}: {_errmsg(exc)}\n")
            status = 1
    return status


# -- truncate --------------------------------------------------------------------------------
@register("truncate")
@command
def truncate(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "s:cor:", ["size=", "no-create", "io-blocks", "reference="])
    size_spec = next((v for o, v in opts if o in ("-s", "--size")), None)
    no_create = any(o in ("-c", "--no-create") for o, _ in opts)
    if size_spec is None:
        ctx.err("truncate: you must specify either '--size' or '--reference'\n"
                "Try 'truncate --help' for more information.\n")
        return 1
    if not args:
        return missing_operand(ctx)
    rel = size_spec[0] if size_spec[:1] in ("+", "-", "<", ">", "/", "%") else ""
    n = parse_size(size_spec[len(rel):])
    if n is None:
        ctx.err(f"truncate: Invalid number: {q(size_spec)}\n")
        return 1
    status = 0
    for arg in args:
        path = ctx.path(arg)
        st = ctx.stat(path)
        if st is None and no_create:
            continue
        cur = st.size if st is not None else 0
        size = {"": n, "+": cur + n, "-": max(0, cur - n), "<": min(cur, n),
                ">": max(cur, n)}.get(rel, n)
        if size > ctx.limits.max_bytes:
            raise LimitReached(f"truncate -s {size_spec} would make a file larger than "
                               f"{ctx.limits.max_bytes} bytes (limit max_bytes)")
        try:
            if st is None and size > BIG:
                ctx.fs.add_node(path, File(Inode(None, size, 0o666 & ~_umask(ctx))),
                                bytes_written=size)
                continue
            if st is None:
                ctx.fs.write(path, b"", mode=0o666 & ~_umask(ctx))
            ctx.fs.truncate(path, size)
        except FSError as exc:
            ctx.err(f"truncate: cannot open {q(arg)} for writing: {_errmsg(exc)}\n")
            status = 1
    return status


# -- mktemp --------------------------------------------------------------------------------
@register("mktemp")
@command
def mktemp(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "dqutp:", ["directory", "quiet", "dry-run", "tmpdir=", "suffix="])
    names = {o for o, _ in opts}
    directory = bool(names & {"-d", "--directory"})
    tmpdir = next((v for o, v in opts if o in ("-p", "--tmpdir")), None)
    suffix = next((v for o, v in opts if o == "--suffix"), "")
    template = args[0] if args else "tmp.XXXXXXXXXX"
    if not args or "-t" in names or tmpdir is not None:
        base = tmpdir or ctx.env.get("TMPDIR") or "/tmp"
        if "/" not in template or not args:
            template = posixpath.join(base, template)
    stem = template.rstrip("X")
    count = len(template) - len(stem)
    if count < 3:
        ctx.err(f"mktemp: too few X's in template {q(template)}\n")
        return 1
    rec = ctx.run_record
    rec.counter += 1
    digest = hashlib.sha256(f"{template}:{rec.counter}".encode()).hexdigest()
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    name = stem + "".join(alphabet[int(digest[2 * i:2 * i + 2], 16) % len(alphabet)]
                          for i in range(count)) + suffix
    path = ctx.path(name)
    if "-u" not in names and "--dry-run" not in names:
        try:
            if directory:
                ctx.fs.mkdir(path, mode=0o700)
            else:
                ctx.fs.write(path, b"", mode=0o600)
        except FSError as exc:
            ctx.err(f"mktemp: failed to create {'directory' if directory else 'file'} via "
                    f"template {q(template)}: {_errmsg(exc)}\n")
            return 1
    ctx.out(name + "\n")
    return 0
