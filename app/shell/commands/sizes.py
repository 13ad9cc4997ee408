"""Commands that make files of a given size: dd, fallocate, and ``head -c N``
of /dev/zero or /dev/urandom.

Why they matter: "a file deleted in a later RUN still weighs in the image" is
a lesson every course has, and it is told with ``dd if=/dev/zero of=/big
bs=1M count=50``. The files these commands make have the size the real tools
give them; above ``BIG`` bytes only the size is kept (an ``Inode`` with
``data=None``, read as zeros), so a 50 MB file costs no memory and the layer
still weighs 50 MB.
"""

from __future__ import annotations

import hashlib
import posixpath
import re

from app.engine import File, FSError, Inode

from ..context import Context, LimitReached, decode, encode
from ..streams import FileSink
from .registry import REGISTRY, register
from .copying import BIG
from .common import command, errmsg, parse_opts, parse_size, q

DEVICES = ("/dev/zero", "/dev/urandom", "/dev/random")


def device_bytes(path: str, n: int) -> bytes:
    """``n`` bytes of a device: zeros, or a fixed pseudo-random stream (builds stay reproducible)."""
    if path == "/dev/zero":
        return bytes(n)
    out, seed = bytearray(), b"layerlab"
    while len(out) < n:
        seed = hashlib.sha256(seed).digest()
        out += seed
    return bytes(out[:n])


def _check_limit(ctx: Context, size: int, what: str) -> None:
    if size > ctx.limits.max_bytes:
        raise LimitReached(f"{what} would make a file larger than {ctx.limits.max_bytes} bytes "
                           "(limit max_bytes)")


def place(ctx: Context, path: str, *, offset: int, length: int, source: bytes | None,
          truncate: bool, keep_size: bool = False) -> None:
    """Write ``length`` bytes at ``offset`` of ``path`` (created if missing) as a real
    ``write(2)`` after ``lseek`` would; ``source`` None means bytes not kept (size only).

    ``truncate``: the file is cut at ``offset`` first (dd without conv=notrunc).
    Small results keep their bytes; above ``BIG`` bytes only the size is kept.
    """
    st = ctx.stat(path)
    mode = st.mode & 0o7777 if st is not None else 0o666 & ~ctx.shell.state.umask
    cur = st.size if st is not None else 0
    if truncate:
        cur = min(cur, offset)
    if keep_size:  # fallocate -n: blocks past the end, the size (all a layer records) unchanged
        if st is None:
            ctx.fs.write(path, b"", mode=mode)
        else:
            ctx.fs.open_rw(path)
        return
    size = max(cur, offset + length)
    _check_limit(ctx, size, f"{ctx.argv[0]} of {size} bytes")
    if size <= BIG and (source is not None or length == 0):
        old = ctx.fs.read(path) if st is not None and cur else b""
        old = old[:cur] + bytes(max(0, offset - len(old[:cur])))
        new = old[:offset] + (source or b"")[:length] + old[offset + length:]
        ctx.fs.write(path, new[:size], mode=mode)
        return
    if st is not None and st.type != "file":
        ctx.fs.write(path, b"")  # the engine's own error (a directory is EISDIR)
    ctx.fs.add_node(path, File(Inode(None, size, mode, st.uid if st else 0, st.gid if st else 0)),
                    bytes_written=length)


def _write_out(ctx: Context, source_path: str, n: int) -> None:
    """``n`` device bytes to stdout: a redirected file gets them by size, a pipe gets the bytes."""
    sink = ctx.streams().stdout
    if isinstance(sink, FileSink) and n > BIG:
        sink.flush()
        st = ctx.stat(sink.path)
        place(ctx, sink.path, offset=st.size if st else 0, length=n, source=None, truncate=False)
        return
    _check_limit(ctx, n, f"{ctx.argv[0]} of {n} bytes into a pipe")
    ctx.out(decode(device_bytes(source_path, n)))


# -- dd -------------------------------------------------------------------------------
DD_OPERANDS = {"if", "of", "bs", "ibs", "obs", "count", "seek", "oseek", "skip", "iseek",
               "status", "conv", "iflag", "oflag"}


def _dd_number(text: str) -> int | None:
    """dd's numbers: ``1M`` is 1024², ``1MB`` 1000², ``c`` 1, ``w`` 2, ``b`` 512, ``x`` multiplies."""
    total = 1
    for part in text.split("x"):
        m = re.fullmatch(r"(\d+)(c|w|b|kB|KB|[KMGT]B|[kKMGT]i?B?)?", part)
        if not m:
            return None
        unit = m.group(2) or ""
        mult = {"": 1, "c": 1, "w": 2, "b": 512}.get(unit)
        if mult is None:
            base = 1000 if unit.endswith("B") and not unit.endswith("iB") else 1024
            mult = base ** ("KMGT".index(unit[0].upper()) + 1)
        total *= int(m.group(1)) * mult
    return total


def _human(n: int) -> str:
    """dd's "(52 MB, 50 MiB)" part."""
    if n < 1000:
        return ""
    def fmt(value: float, units: str, base: int) -> str:
        k = 0
        while value >= base and k < len(units) - 1:
            value /= base
            k += 1
        return f"{value:.0f} {units[k]}" if value >= 10 else f"{value:.1f} {units[k]}"
    dec = fmt(float(n), " kMGT", 1000).replace("  ", " ") + "B"
    if n < 1024:
        return f" ({dec})"
    return f" ({dec}, {fmt(float(n), ' KMGT', 1024)}iB)"


@register("dd")
def dd(ctx: Context) -> int:
    ops: dict[str, str] = {}
    for arg in ctx.argv[1:]:
        key, eq, value = arg.partition("=")
        if not eq or key not in DD_OPERANDS:
            ctx.err(f"dd: unrecognized operand {q(arg)}\nTry 'dd --help' for more information.\n")
            return 1
        ops[key] = value
    nums = {}
    for key in ("bs", "ibs", "obs", "count", "seek", "oseek", "skip", "iseek"):
        if key in ops:
            value = _dd_number(ops[key])
            if value is None or (key.endswith("bs") and value == 0):
                ctx.err(f"dd: invalid number: {q(ops[key])}\n")
                return 1
            nums[key] = value
    ibs = nums.get("bs", nums.get("ibs", 512))
    obs = nums.get("bs", nums.get("obs", 512))
    skip = nums.get("skip", nums.get("iseek", 0)) * ibs
    seek = nums.get("seek", nums.get("oseek", 0)) * obs
    src = posixpath.normpath(ctx.path(ops["if"])) if "if" in ops else None
    data, available, status = _dd_input(ctx, ops.get("if"), src)
    if status:
        return status
    count = nums.get("count")
    if count is None and available is None:
        ctx.not_simulated(" ".join(ctx.argv), f"{ops['if']} never ends: without count= dd "
                          "would fill the disk; nothing was written")
        return 1
    want = count * ibs if count is not None else None
    length = max(0, (available if available is not None else want) - skip)
    if want is not None:
        length = min(length, want)
    source = None
    if data is not None:
        source = data[skip:skip + length]
    elif src in DEVICES and length <= BIG:
        source = device_bytes(src, length)
    try:
        if "of" in ops:
            notrunc = "notrunc" in ops.get("conv", "").split(",")
            place(ctx, ctx.path(ops["of"]), offset=seek, length=length, source=source,
                  truncate=not notrunc)
        elif source is not None:
            ctx.out(decode(source))
        else:
            _write_out(ctx, src or "/dev/zero", length)
    except FSError as exc:
        ctx.err(f"dd: failed to open {q(ops.get('of', '-'))}: {errmsg(exc)}\n")
        return 1
    _dd_report(ctx, ops.get("status", ""), length, ibs, obs)
    return 0


def _dd_input(ctx: Context, name: str | None, path: str | None) -> tuple[bytes | None, int | None, int]:
    """(bytes if known, how many there are or None for a device, exit status)."""
    if name is None:
        raw = encode(ctx.stdin)
        return raw, len(raw), 0
    if path in DEVICES:
        return None, None, 0
    if path == "/dev/null":
        return b"", 0, 0
    st = ctx.stat(path)
    if st is None or st.type == "dir":
        why = "No such file or directory" if st is None else "Is a directory"
        ctx.err(f"dd: failed to open {q(name)}: {why}\n" if st is None else
                f"dd: error reading {q(name)}: {why}\n")
        return None, None, 1
    if st.size > BIG:
        return None, st.size, 0
    return ctx.fs.read(path), st.size, 0


def _dd_report(ctx: Context, status: str, length: int, ibs: int, obs: int) -> None:
    """The records line dd prints on stderr (the time and speed are left out: they are the host's)."""
    if status == "none":
        return
    full_in, part_in = divmod(length, ibs)
    full_out, part_out = divmod(length, obs)
    ctx.err(f"{full_in}+{1 if part_in else 0} records in\n{full_out}+{1 if part_out else 0} records out\n")
    if status != "noxfer":
        ctx.err(f"{length} byte{'' if length == 1 else 's'}{_human(length)} copied\n")


# -- fallocate --------------------------------------------------------------------------
@register("fallocate")
@command
def fallocate(ctx: Context) -> int:
    opts, args = parse_opts(ctx, "l:o:nxdpcizv", ["length=", "offset=", "keep-size", "posix",
                                                  "dig-holes", "punch-hole", "verbose"])
    length_spec = next((v for o, v in opts if o in ("-l", "--length")), None)
    offset = parse_size(next((v for o, v in opts if o in ("-o", "--offset")), "0"))
    keep = any(o in ("-n", "--keep-size", "-p", "--punch-hole") for o, _ in opts)
    if length_spec is None:
        ctx.err("fallocate: no length argument specified\n")
        return 1
    length = parse_size(length_spec.replace("iB", ""))
    if length is None or offset is None:
        ctx.err(f"fallocate: invalid length value specified\n")
        return 1
    if length == 0:
        ctx.err("fallocate: invalid length value specified\n")
        return 1
    if len(args) != 1:
        ctx.err("fallocate: no filename specified\n" if not args else "fallocate: unexpected number of arguments\n")
        return 1
    try:
        place(ctx, ctx.path(args[0]), offset=offset, length=length, source=bytes(length) if
              length <= BIG else None, truncate=False, keep_size=keep)
    except FSError as exc:
        ctx.err(f"fallocate: cannot open {args[0]}: {errmsg(exc)}\n")
        return 1
    return 0


# -- head -c of a device ---------------------------------------------------------------------
_text_head = REGISTRY["head"]


@register("head")
def head(ctx: Context) -> int:
    """``head -c N /dev/zero`` reads N bytes of the device; every other head is text.py's."""
    args, rest, count = ctx.argv[1:], [], None
    k = 0
    while k < len(args):
        a = args[k]
        if a in ("-c", "--bytes") and k + 1 < len(args):
            count, k = args[k + 1], k + 2
            continue
        if a.startswith(("--bytes=", "-c")) and a not in ("-c", "--bytes="):
            count = a.split("=", 1)[1] if a.startswith("--") else a[2:]
        else:
            rest.append(a)
        k += 1
    if count is None or len(rest) != 1 or posixpath.normpath(ctx.path(rest[0])) not in DEVICES:
        return _text_head(ctx)
    device = rest
    n = parse_size(count.replace("iB", ""))
    if n is None:
        ctx.err(f"head: invalid number of bytes: {q(count)}\n")
        return 1
    _write_out(ctx, posixpath.normpath(ctx.path(device[0])), n)
    return 0
