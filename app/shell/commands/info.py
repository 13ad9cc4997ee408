"""Commands that only look: ls, which, id, whoami, uname, nproc, hostname,
date, sleep, printenv, readlink, realpath, stat. None of them changes a layer.

The build machine is described as docker's build container would see it: root,
a 64-bit Linux kernel, two CPUs; the clock is the union's logical clock, so
builds stay reproducible.
"""

from __future__ import annotations

import posixpath

from app.engine import FSError

from ..context import Context
from .registry import register
from .common import command, group_name, mode_string, parse_opts, q, user_name


@register("ls")
@command
def ls(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "lahAd1RFSrtinogG", ["all", "almost-all", "directory",
                                                     "human-readable", "color="], status=2)
    names = {o for o, _ in opts}
    long_ = bool(names & {"-l", "-n", "-o", "-g"})
    show_all = bool(names & {"-a", "--all"})
    almost = bool(names & {"-A", "--almost-all"})
    as_dir = bool(names & {"-d", "--directory"})
    targets = args or ["."]
    status = 0
    files, dirs = [], []
    for t in targets:
        st = ctx.stat(ctx.path(t))
        if st is None and ctx.stat(ctx.path(t), follow=False) is not None:
            st = ctx.stat(ctx.path(t), follow=False)
        if st is None:
            ctx.err(f"ls: cannot access {q(t)}: No such file or directory\n")
            status = 2
            continue
        (dirs if st.type == "dir" and not as_dir else files).append((t, st))

    def line(name: str, path: str, st) -> str:
        if not long_:
            return name
        lst = ctx.stat(path, follow=False) or st
        target = f" -> {lst.target}" if lst.type == "symlink" else ""
        return (f"{mode_string(lst.type, lst.mode)} {lst.nlink if lst.type != 'dir' else 2} "
                f"{user_name(ctx, lst.uid)} {group_name(ctx, lst.gid)} {lst.size:>5} "
                f"Jan  1  1970 {name}{target}")

    for t, st in sorted(files):
        ctx.out(line(t, ctx.path(t), st) + "\n")
    for k, (t, st) in enumerate(sorted(dirs)):
        if len(targets) > 1:
            ctx.out(("\n" if files or k else "") + f"{t}:\n")
        try:
            entries = ctx.fs.listdir(ctx.path(t))
        except FSError:
            continue
        if show_all:
            entries = [".", ".."] + entries
        elif not almost:
            entries = [e for e in entries if not e.startswith(".")]
        if long_:
            ctx.out("total 0\n")
        for e in entries:
            p = posixpath.join(ctx.path(t), e)
            est = ctx.stat(p) or ctx.stat(p, follow=False)
            ctx.out(line(e, p, est) + "\n" if est else e + "\n")
    return status


@register("which")
def which(ctx: Context) -> int:
    args = [a for a in ctx.argv[1:] if not a.startswith("-")]
    status = 0 if args else 1
    for name in args:
        found = ctx.shell.find_in_path(name, ctx.env.get("PATH"))
        if found:
            ctx.out(found + "\n")
        else:
            status = 1
    return status


@register("id")
def id_(ctx: Context) -> int:
    args = [a for a in ctx.argv[1:] if not a.startswith("-")]
    flags = "".join(a[1:] for a in ctx.argv[1:] if a.startswith("-"))
    user = args[0] if args else "root"
    from .common import lookup_user
    found = lookup_user(ctx, user) if args else (0, 0)
    if found is None:
        ctx.err(f"id: {q(user)}: no such user\n")
        return 1
    uid, gid = found
    if "u" in flags:
        ctx.out((user_name(ctx, uid) if "n" in flags else str(uid)) + "\n")
    elif "g" in flags:
        ctx.out((group_name(ctx, gid) if "n" in flags else str(gid)) + "\n")
    else:
        ctx.out(f"uid={uid}({user_name(ctx, uid)}) gid={gid}({group_name(ctx, gid)}) "
                f"groups={gid}({group_name(ctx, gid)})\n")
    return 0


@register("whoami")
def whoami(ctx: Context) -> int:
    ctx.out("root\n")
    return 0


@register("uname")
def uname(ctx: Context) -> int:
    flags = "".join(a[1:] for a in ctx.argv[1:] if a.startswith("-")) or "s"
    parts = {"s": "Linux", "n": "buildkitsandbox", "r": "6.1.0-layerlab", "v": "#1 SMP",
             "m": "x86_64", "p": "unknown", "i": "unknown", "o": "GNU/Linux"}
    order = "snrvmpio" if "a" in flags else [f for f in "snrvmpio" if f in flags]
    ctx.out(" ".join(parts[f] for f in order if not ("a" in flags and parts[f] == "unknown")) + "\n")
    return 0


@register("nproc")
def nproc(ctx: Context) -> int:
    ctx.out("2\n")
    return 0


@register("hostname")
def hostname(ctx: Context) -> int:
    ctx.out("buildkitsandbox\n")
    return 0


@register("date")
def date(ctx: Context) -> int:
    import datetime
    stamp = datetime.datetime.fromtimestamp(ctx.fs.clock, datetime.timezone.utc)
    fmt = next((a[1:] for a in ctx.argv[1:] if a.startswith("+")), None)
    ctx.out((stamp.strftime(fmt) if fmt else stamp.strftime("%a %b %e %H:%M:%S UTC %Y")) + "\n")
    return 0


@register("sleep", "sync")
def sleep(ctx: Context) -> int:
    return 0  # time does not pass in a simulation


@register("printenv")
def printenv(ctx: Context) -> int:
    names = ctx.argv[1:]
    if not names:
        ctx.out("".join(f"{k}={v}\n" for k, v in sorted(ctx.env.items())))
        return 0
    status = 0
    for n in names:
        if n in ctx.env:
            ctx.out(ctx.env[n] + "\n")
        else:
            status = 1
    return status


@register("readlink", "realpath")
def readlink(ctx: Context) -> int:
    opts = [a for a in ctx.argv[1:] if a.startswith("-")]
    args = [a for a in ctx.argv[1:] if not a.startswith("-")]
    canon = ctx.argv[0] == "realpath" or any(set(o[1:]) & set("fem") for o in opts)
    status = 0
    for a in args:
        path = ctx.path(a)
        if not canon:
            try:
                ctx.out(ctx.fs.readlink(path) + "\n")
            except FSError:
                status = 1
            continue
        out = _canonical(ctx, path)
        if out is None:
            if ctx.argv[0] == "realpath":
                ctx.err(f"realpath: {a}: No such file or directory\n")
            status = 1
        else:
            ctx.out(out + "\n")
    return status


def _canonical(ctx: Context, path: str, hops: int = 0) -> str | None:
    parts = [p for p in path.split("/") if p and p != "."]
    cur = "/"
    for k, name in enumerate(parts):
        if name == "..":
            cur = posixpath.dirname(cur) or "/"
            continue
        nxt = posixpath.join(cur, name)
        st = ctx.stat(nxt, follow=False)
        if st is None:
            return nxt if k == len(parts) - 1 and ctx.stat(cur) is not None else None
        if st.type == "symlink" and hops < 40:
            target = posixpath.join(cur, st.target)
            resolved = _canonical(ctx, target, hops + 1)
            if resolved is None:
                return None
            cur = resolved
        else:
            cur = nxt
    return cur


@register("stat")
def stat(ctx: Context) -> int:
    args = [a for a in ctx.argv[1:] if not a.startswith("-")]
    fmt = None
    if "-c" in ctx.argv:
        k = ctx.argv.index("-c")
        fmt = ctx.argv[k + 1] if k + 1 < len(ctx.argv) else ""
        args = [a for a in args if a != fmt]
    status = 0
    for a in args:
        st = ctx.stat(ctx.path(a), follow=False)
        if st is None:
            ctx.err(f"stat: cannot statx {q(a)}: No such file or directory\n")
            status = 1
            continue
        if fmt is not None:
            out = fmt
            for k, v in (("%a", f"{st.mode & 0o7777:o}"), ("%A", mode_string(st.type, st.mode)),
                         ("%s", str(st.size)), ("%u", str(st.uid)), ("%g", str(st.gid)),
                         ("%U", user_name(ctx, st.uid)), ("%G", group_name(ctx, st.gid)),
                         ("%n", a), ("%F", {"file": "regular file", "dir": "directory",
                                            "symlink": "symbolic link"}[st.type])):
                out = out.replace(k, v)
            ctx.out(out + "\n")
        else:
            ctx.out(f"  File: {a}\n  Size: {st.size}\nAccess: ({st.mode & 0o7777:04o}/"
                    f"{mode_string(st.type, st.mode)})  Uid: ({st.uid})   Gid: ({st.gid})\n")
    return status
