"""cp, mv and ln: copying, moving and linking as GNU coreutils does it, call for call.

``mv`` of an image directory gets EXDEV from overlayfs and falls back to copy
+ delete, like coreutils; a file whose bytes are unknown (package data above
``BIG``) is copied by size.
"""

from __future__ import annotations

import posixpath

from app.engine import CrossDevice, File, FSError, Inode

from ..context import Context
from .registry import register
from .common import command, errmsg, missing_operand, parse_opts, q

BIG = 1 << 20  # files above this size whose bytes are unknown are copied by size only


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


def targets(ctx: Context, args: list[str], target_dir: str | None, no_target: bool,
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
    pairs = targets(ctx, args, target_dir, bool(names & {"-T", "--no-target-directory"}), "cp")
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
            ctx.err(f"cp: cannot create regular file {q(dst)}: {errmsg(exc)}\n")
            status = 1
    return status


@register("mv")
@command
def mv(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "finuvTt:", ["force", "interactive", "no-clobber", "update",
                                             "verbose", "target-directory=", "no-target-directory"])
    names = {o for o, _ in opts}
    target_dir = next((v for o, v in opts if o in ("-t", "--target-directory")), None)
    pairs = targets(ctx, args, target_dir, bool(names & {"-T", "--no-target-directory"}), "mv")
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
            ctx.err(f"mv: cannot move {q(shown)} to {q(dst)}: {errmsg(exc)}\n")
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
                ctx.err(f"ln: failed to create {kind}{extra}: {errmsg(exc)}\n")
            status = 1
    return status
