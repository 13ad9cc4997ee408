"""tar: ``-c`` writes an archive of a plausible size (tar's 512-byte headers
and blocks, 10 KiB records; compressed ones about half) whose bytes are
placeholders. ``-x`` extracts a real archive (one COPY'd from the build
context) with Python's in-memory tarfile reader, entry by entry through the
union; an archive whose bytes are unknown (a download, a ``tar -c`` here)
extracts nothing and says so.
"""

from __future__ import annotations

import io
import posixpath
import tarfile
from dataclasses import dataclass, field

from app.engine import File, FSError, Inode

from ..context import Context
from .registry import register


LONG_WITH_VALUE = {"--transform", "--xform", "--exclude", "--owner", "--group", "--mode", "--mtime",
                   "--use-compress-program", "--exclude-from", "--files-from", "--sort", "--format",
                   "--blocking-factor", "--label", "--newer", "--after-date", "--checkpoint-action",
                   "--exclude-vcs-ignores", "--warning", "--one-top-level", "--record-size"}


def _split_old_style(argv: list[str]) -> list[str]:
    """``tar xzf f`` -> ``tar -x -z -f f``: the first word may be bundled letters."""
    if len(argv) > 1 and not argv[1].startswith("-") and argv[1].isalpha():
        return [argv[0], "-" + argv[1]] + argv[2:]
    return argv


@dataclass
class TarOptions:
    mode: str | None = None  # "x", "c" or "t"
    strip: int = 0
    archive: str | None = None
    directory: str | None = None
    compress: bool = False
    operands: list[str] = field(default_factory=list)


def _tar_options(argv: list[str]) -> TarOptions:
    """GNU tar's command line (old-style letters already split): what to do, on what."""
    o = TarOptions()
    i = 1
    while i < len(argv):
        a = argv[i]
        if a.startswith("--"):
            key, eq, val = a.partition("=")
            if key in ("--file",):
                o.archive = val if eq else argv[i + 1]
                i += 0 if eq else 1
            elif key in ("--directory",):
                o.directory = val if eq else argv[i + 1]
                i += 0 if eq else 1
            elif key in ("--extract", "--get"):
                o.mode = "x"
            elif key == "--create":
                o.mode = "c"
            elif key in ("--gzip", "--xz", "--bzip2", "--zstd", "--auto-compress"):
                o.compress = True
            elif key in ("--list",):
                o.mode = "t"
            elif key == "--strip-components":
                o.strip = int(val if eq else argv[i + 1])
                i += 0 if eq else 1
            elif key in LONG_WITH_VALUE and not eq:
                i += 1  # --transform EXPR, --exclude PATTERN, ...: the value is not an operand
        elif a.startswith("-") and len(a) > 1:
            letters = a[1:]
            for k, ch in enumerate(letters):
                if ch in "xct":
                    o.mode = ch
                elif ch in "zJjaZ":
                    o.compress = True
                elif ch in "TXIbHKLNgV" and ch not in "fC":
                    if not letters[k + 1:]:
                        i += 1
                    break
                elif ch in "fC":
                    rest = letters[k + 1:]
                    val = rest if rest else (argv[i + 1] if i + 1 < len(argv) else "")
                    if not rest:
                        i += 1
                    if ch == "f":
                        o.archive = val
                    else:
                        o.directory = val
                    break
        else:
            o.operands.append(a)
        i += 1
    return o


@register("tar")
def tar(ctx: Context) -> int:
    o = _tar_options(_split_old_style(ctx.argv))
    mode, archive, directory = o.mode, o.archive, o.directory
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
        data = ctx.fs.read(ctx.path(archive))
        try:
            if not data.strip(b"\0"):  # bytes unknown (a download, a placeholder): not an archive we can read
                raise tarfile.ReadError("unknown contents")
            tf = tarfile.open(fileobj=io.BytesIO(data), mode="r:*")
        except (tarfile.TarError, EOFError, OSError, ValueError):
            ctx.not_simulated(f"tar -{mode}f {archive}", "the archive's contents are unknown to "
                              "layerlab: nothing was extracted, the layer shows only the other "
                              "commands' changes")
            return 0
        with tf:
            return _extract(ctx, tf, base, mode, o.strip, o.operands)
    return _tar_create(ctx, o, base)


def _tar_create(ctx: Context, o: TarOptions, base: str) -> int:
    """``tar -c``: an archive of the right size (its bytes are placeholders)."""
    archive, operands = o.archive, o.operands
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
    if o.compress:
        size = max(64, size // 2)
    if archive in (None, "-"):
        ctx.out("\0" * min(size, 1 << 16))
        return status
    dest = ctx.path(archive)
    try:
        ctx.fs.add_node(dest, File(Inode(None, size, 0o644)), bytes_written=size,
                        note="tar -c: an archive of the right size; its bytes are placeholders")
    except FSError as exc:
        ctx.err(f"tar: {archive}: Cannot open: {exc.explanation.split(':')[0]}\n")
        return 2
    return 2 if status else 0


def _extract(ctx: Context, tf: tarfile.TarFile, base: str, mode: str, strip: int,
             wanted: list[str]) -> int:
    """Extract (or list) a real archive as GNU tar run by root does: owners and
    modes from the archive, leading '/' and '..' members refused."""
    status = 0
    budget = ctx.limits.max_bytes
    for m in tf:
        name = m.name.lstrip("/")
        parts = [p for p in name.split("/") if p not in ("", ".")]
        if wanted and not any(name == w.strip("/") or name.startswith(w.strip("/") + "/")
                              for w in wanted):
            continue
        if mode == "t":
            ctx.out(m.name + ("/" if m.isdir() and not m.name.endswith("/") else "") + "\n")
            continue
        if ".." in parts:
            ctx.err(f"tar: {m.name}: Member name contains '..'\n")
            status = 2
            continue
        parts = parts[strip:]
        if not parts:
            continue
        dest = posixpath.join(base, *parts)
        try:
            existing = ctx.stat(dest, follow=False)
            if m.isdir():
                if existing is None:
                    ctx.fs.mkdir(dest, parents=True, mode=m.mode & 0o7777)
                ctx.fs.chmod(dest, m.mode & 0o7777)
                ctx.fs.chown(dest, m.uid, m.gid)
                continue
            parent = posixpath.dirname(dest)
            if ctx.stat(parent) is None:
                ctx.fs.mkdir(parent, parents=True, mode=0o755)
            if existing is not None and existing.type != "dir" and not m.isdir():
                ctx.fs.unlink(dest)
            if m.isfile():
                budget -= m.size
                if budget < 0:
                    from ..context import LimitReached
                    raise LimitReached("tar -x would write more than the byte limit (limit max_bytes)")
                f = tf.extractfile(m)
                ctx.fs.write(dest, f.read() if f else b"", mode=m.mode & 0o7777)
                ctx.fs.chmod(dest, m.mode & 0o7777)
                ctx.fs.chown(dest, m.uid, m.gid)
            elif m.issym():
                ctx.fs.symlink(m.linkname, dest)
            elif m.islnk():
                target = [p for p in m.linkname.lstrip("/").split("/") if p not in ("", ".")][strip:]
                ctx.fs.link(posixpath.join(base, *target), dest)
            else:
                ctx.err(f"tar: {m.name}: devices and fifos are not simulated\n")
        except FSError as exc:
            ctx.err(f"tar: {m.name}: Cannot open: {exc.explanation.split(':')[0]}\n")
            status = 2
    return status
