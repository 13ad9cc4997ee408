"""tar: ``-c`` writes an archive of a plausible size (tar's 512-byte headers
and blocks, 10 KiB records; compressed ones about half); ``-x`` cannot know
what an archive holds (its bytes are placeholders), so it extracts nothing and
says so.
"""

from __future__ import annotations

import posixpath

from app.engine import File, FSError, Inode

from ..context import Context
from . import register


def _split_old_style(argv: list[str]) -> list[str]:
    """``tar xzf f`` -> ``tar -x -z -f f``: the first word may be bundled letters."""
    if len(argv) > 1 and not argv[1].startswith("-") and argv[1].isalpha():
        return [argv[0], "-" + argv[1]] + argv[2:]
    return argv


@register("tar")
def tar(ctx: Context) -> int:
    argv = _split_old_style(ctx.argv)
    mode = None
    archive = None
    directory = None
    compress = False
    operands: list[str] = []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a.startswith("--"):
            key, eq, val = a.partition("=")
            if key in ("--file",):
                archive = val if eq else argv[i + 1]
                i += 0 if eq else 1
            elif key in ("--directory",):
                directory = val if eq else argv[i + 1]
                i += 0 if eq else 1
            elif key in ("--extract", "--get"):
                mode = "x"
            elif key == "--create":
                mode = "c"
            elif key in ("--gzip", "--xz", "--bzip2", "--zstd", "--auto-compress"):
                compress = True
            elif key in ("--list",):
                mode = "t"
        elif a.startswith("-") and len(a) > 1:
            letters = a[1:]
            for k, ch in enumerate(letters):
                if ch in "xct":
                    mode = ch
                elif ch in "zJjaZ":
                    compress = True
                elif ch in "fC":
                    rest = letters[k + 1:]
                    val = rest if rest else (argv[i + 1] if i + 1 < len(argv) else "")
                    if not rest:
                        i += 1
                    if ch == "f":
                        archive = val
                    else:
                        directory = val
                    break
        else:
            operands.append(a)
        i += 1
    if mode is None:
        ctx.err("tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' "
                "options\nTry 'tar --help' or 'tar --usage' for more information.\n")
        return 2
    base = ctx.path(directory) if directory else ctx.cwd
    if directory and ctx.stat(base) is None:
        ctx.err(f"tar: {directory}: Cannot open: No such file or directory\n"
                "tar: Error is not recoverable: exiting now\n")
        return 2
    if mode in ("x", "t"):
        if archive in (None, "-"):
            ctx.not_simulated("tar -x (from stdin)", "the archive's contents are unknown to "
                              "layerlab: nothing was extracted")
            return 0
        if ctx.stat(ctx.path(archive)) is None:
            ctx.err(f"tar: {archive}: Cannot open: No such file or directory\n"
                    "tar: Error is not recoverable: exiting now\n")
            return 2
        ctx.call("read", ctx.path(archive))
        ctx.not_simulated(f"tar -{mode}f {archive}", "the archive's contents are unknown to "
                          "layerlab: nothing was extracted, the layer shows only the other "
                          "commands' changes")
        return 0
    # create
    if not operands:
        ctx.err("tar: Cowardly refusing to create an empty archive\n"
                "Try 'tar --help' or 'tar --usage' for more information.\n")
        return 2
    total = 0
    status = 0
    if any(op.startswith("/") for op in operands):
        ctx.err("tar: Removing leading `/' from member names\n")
    for op in operands:
        path = posixpath.join(base, op)
        try:
            entries = ctx.fs.walk(path)
        except FSError:
            ctx.err(f"tar: {op}: Cannot stat: No such file or directory\n")
            status = 2
            continue
        for _, st in entries:
            total += 512 + (-(-st.size // 512) * 512 if st.type == "file" else 0)
    total += 1024
    size = -(-total // 10240) * 10240
    if compress:
        size = max(64, size // 2)
    if archive in (None, "-"):
        ctx.out("\0" * min(size, 1 << 16))
        return status
    dest = ctx.path(archive)
    try:
        trace = ctx.fs.add_node(dest, File(Inode(None, size, 0o644)))
    except FSError as exc:
        ctx.record(exc.trace)
        ctx.err(f"tar: {archive}: Cannot open: {exc.explanation.split(':')[0]}\n")
        return 2
    trace.bytes_written = size
    trace.note = "tar -c: an archive of the right size; its bytes are placeholders"
    ctx.record(trace)
    return 2 if status else 0
