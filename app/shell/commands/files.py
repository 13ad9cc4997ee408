"""coreutils that make and remove entries: touch, mkdir, rm, rmdir, install, truncate,
mktemp (copying.py has cp, mv and ln; metadata.py chmod, chown and chgrp).

Each does what GNU coreutils does through the same system calls, so the
engine sees the same operations the kernel's overlayfs would (``mv`` of an
image directory gets EXDEV and falls back to copy + delete, like coreutils).
"""

from __future__ import annotations

import hashlib
import posixpath

from app.engine import File, FSError, Inode

from ..context import Context, LimitReached
from .registry import register
from .copying import BIG, copy_file, targets
from .common import (command, errmsg, lookup_group, lookup_user, missing_operand, parse_mode,
                     parse_opts, parse_size, q)

def _umask(ctx: Context) -> int:
    return ctx.shell.state.umask


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
            ctx.err(f"touch: cannot touch {q(arg)}: {errmsg(exc)}\n")
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
            ctx.err(f"mkdir: cannot create directory {q(arg)}: {errmsg(exc)}\n")
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
                    ctx.err(f"rmdir: failed to remove {q(t)}: {errmsg(exc)}\n")
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
            ctx.err(f"rm: cannot remove {q(arg)}: {errmsg(exc)}\n")
            status = 1
    return status


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
                ctx.err(f"install: cannot create directory {q(arg)}: {errmsg(exc)}\n")
                status = 1
        return status
    target_dir = next((v for o, v in opts if o in ("-t", "--target-directory")), None)
    if "-D" in names and target_dir is None and len(args) == 2:
        parent = posixpath.dirname(ctx.path(args[1]).rstrip("/"))
        if ctx.stat(parent) is None:
            ctx.fs.mkdir(parent, parents=True, mode=0o755)
    pairs = targets(ctx, args, target_dir, "-T" in names, "install")
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
            ctx.err(f"install: cannot create regular file {q(dst)}: {errmsg(exc)}\n")
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
            ctx.err(f"truncate: cannot open {q(arg)} for writing: {errmsg(exc)}\n")
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
                    f"template {q(template)}: {errmsg(exc)}\n")
            return 1
    ctx.out(name + "\n")
    return 0
