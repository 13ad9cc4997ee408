"""The kernel oracle: run the same operations on a real overlayfs mount.

The engine claims overlayfs semantics; this module lets tests (and the
benchmark, and ``layerlab verify``) check that claim against the Linux kernel
itself. A scenario's layers are written to disk the way Docker's overlay2
driver stores them (disk.py), mounted with Docker's options
(``index=off,redirect_dir=off,metacopy=off``), the operations are replayed
with plain system calls, and the upper directory and the merged view are read
back into the same comparable records the engine produces (records.py).

Why fork + a private mount namespace + tmpfs: everything the kernel side
creates lives in a tmpfs mounted inside a mount namespace that belongs to one
forked child. When the child exits, for whatever reason, the namespace and
every mount in it disappear: nothing can stay mounted on the host, and
nothing is left on disk. The operations themselves run in a grandchild that
``chroot``s into the merged directory, so absolute paths and absolute
symlink targets resolve inside the image, as in a container.

Shell command lines run the same way with a static busybox (Debian package
``busybox-static``), placed with its applet links under ``/.layerlab`` in an
extra bottom layer that the comparison ignores.
"""

from __future__ import annotations

import ctypes
import errno as _errno
import os
import pickle
import shlex
import stat as _stat
import subprocess
import tempfile
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from app.engine import Dir, File, FSError, Inode, Layer, Stat, Symlink, UnionFS

from .disk import materialize, read_layer
from .records import TOOLS_DIR, Record, layer_records, merged_records, perm, read_merged

MOUNT_OPTIONS = "index=off,redirect_dir=off,metacopy=off"
BUSYBOX_CANDIDATES = ("/bin/busybox", "/usr/bin/busybox")

_CLONE_NEWNS = 0x00020000
_MS_REC = 16384
_MS_PRIVATE = 1 << 18

Op = tuple  # ("write", "/etc/motd", b"x", True) -- an operation's name (see KERNEL_OPS) and its arguments

# --------------------------------------------------------------------------- namespaces
_libc = ctypes.CDLL(None, use_errno=True)


def _check(ret: int, what: str) -> None:
    if ret != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"{what}: {os.strerror(e)}")


def _mount(source: str, target: str, fstype: str, flags: int = 0, data: str | None = None) -> None:
    _check(_libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None,
                       ctypes.c_ulong(flags), data.encode() if data else None), f"mount {target}")


def _in_child(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` in a forked child inside its own mount namespace; return
    its result (pickled through a pipe) or raise its error."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        status = 0
        try:
            os.close(read_fd)
            _check(_libc.unshare(_CLONE_NEWNS), "unshare(CLONE_NEWNS)")
            _mount("none", "/", "", _MS_REC | _MS_PRIVATE)
            payload = pickle.dumps(("ok", fn()))
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
            payload = pickle.dumps(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
            status = 1
        try:
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        finally:
            os._exit(status)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as inp:
        payload = inp.read()
    os.waitpid(pid, 0)
    if not payload:
        raise RuntimeError("kernel child died without an answer")
    kind, value = pickle.loads(payload)
    if kind == "error":
        raise RuntimeError(value)
    return value


def _in_chroot(root: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn`` in a forked grandchild chrooted into ``root``."""
    def chrooted() -> Any:
        os.chroot(root)
        os.chdir("/")
        os.umask(0)
        return fn()

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_fd)
            payload = pickle.dumps(("ok", chrooted()))
        except BaseException as exc:  # noqa: BLE001
            payload = pickle.dumps(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
        try:
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as inp:
        payload = inp.read()
    os.waitpid(pid, 0)
    kind, value = pickle.loads(payload)
    if kind == "error":
        raise RuntimeError(value)
    return value


_available: tuple[bool, str] | None = None


def overlay_available() -> tuple[bool, str]:
    """Can this process mount overlayfs? (answer, reason) -- tried for real once."""
    global _available
    if _available is not None:
        return _available
    if os.geteuid() != 0:
        _available = (False, "needs root to mount overlayfs")
    elif not hasattr(os, "fork"):
        _available = (False, "needs fork()")
    else:
        try:
            with open("/proc/filesystems") as f:
                known = "overlay" in f.read()
        except OSError:
            known = False
        if not known:
            _available = (False, "kernel has no overlay filesystem (/proc/filesystems)")
        else:
            try:
                mount_layers([Layer(), Layer()], lambda merged, upper: None)
                _available = (True, "")
            except Exception as exc:  # noqa: BLE001
                _available = (False, f"overlay mount failed: {str(exc).splitlines()[0]}")
    return _available


def mount_layers(lowers: Sequence[Layer], fn: Callable[[str, str], Any],
                 upper: Layer | None = None) -> Any:
    """Materialize ``lowers`` (bottom first) and ``upper`` in a private tmpfs,
    mount them as overlayfs and call ``fn(merged_dir, upper_dir)`` in the
    mount namespace of a child process. Returns what ``fn`` returns."""
    def inside() -> Any:
        base = tempfile.mkdtemp(prefix="layerlab-kernel-")
        _mount("tmpfs", base, "tmpfs", 0, "mode=0755")
        lower_dirs = []
        for i, layer in enumerate(lowers):
            d = os.path.join(base, f"l{i}")
            materialize(layer, d)
            lower_dirs.append(d)
        upper_dir, work, merged = (os.path.join(base, n) for n in ("upper", "work", "merged"))
        materialize(upper if upper is not None else Layer(), upper_dir)
        os.makedirs(work)
        os.makedirs(merged)
        if not lower_dirs:  # overlayfs needs at least one lower
            lower_dirs.append(os.path.join(base, "empty"))
            os.makedirs(lower_dirs[0])
        opts = f"lowerdir={':'.join(reversed(lower_dirs))},upperdir={upper_dir},workdir={work},{MOUNT_OPTIONS}"
        _mount("overlay", merged, "overlay", 0, opts)
        try:
            return fn(merged, upper_dir)
        finally:
            # Not needed (the namespace dies with the child) but tidy.
            _libc.umount2(merged.encode(), 2)  # MNT_DETACH
            _libc.umount2(base.encode(), 2)
            os.rmdir(base)

    return _in_child(inside)


# --------------------------------------------------------------------------- operations
def _rm_r(path: str) -> None:
    """``rm -r`` as coreutils does it (fts): the parent is resolved once, then
    everything happens relative to directory descriptors, so deleting a
    symlink on the way cannot change what the path meant."""
    parent, name = os.path.split(path)
    parent_fd = os.open(parent or "/", os.O_RDONLY | os.O_DIRECTORY)
    try:
        _rm_at(parent_fd, name)
    finally:
        os.close(parent_fd)


def _rm_at(dir_fd: int, name: str) -> None:
    st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    if not _stat.S_ISDIR(st.st_mode):
        os.unlink(name, dir_fd=dir_fd)
        return
    fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)
    try:
        for child in os.listdir(fd):
            _rm_at(fd, child)
    finally:
        os.close(fd)
    os.rmdir(name, dir_fd=dir_fd)


def _mkdir_p(path: str, mode: int) -> None:
    parts = [p for p in path.split("/") if p]
    prefix = ""
    for k, name in enumerate(parts):
        prefix += "/" + name
        try:
            os.mkdir(prefix, mode)
        except FileExistsError:
            if not os.path.isdir(prefix):
                raise OSError(_errno.EEXIST if k == len(parts) - 1 else _errno.ENOTDIR, prefix)


def _write(path: str, data: bytes, append: bool = False, mode: int = 0o644) -> None:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    fd = os.open(path, flags, mode)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def _touch(path: str) -> None:
    """coreutils touch: open(O_WRONLY|O_CREAT) (0666 under umask 022), and
    set the times even when the open fails because it is a directory."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK | os.O_NOCTTY, 0o644))
    except IsADirectoryError:
        pass
    os.utime(path)


def _open_rw(path: str) -> None:
    os.close(os.open(path, os.O_RDWR))


def _chown(path: str, uid: int, gid: int, follow: bool = True) -> None:
    os.chown(path, uid, gid, follow_symlinks=follow)


KERNEL_OPS: dict[str, Callable[..., Any]] = {
    "write": _write,
    "truncate": lambda path, size=0: os.truncate(path, size),
    "mkdir": lambda path, parents=False, mode=0o755: _mkdir_p(path, mode) if parents else os.mkdir(path, mode),
    "unlink": os.unlink,
    "rmdir": os.rmdir,
    "remove_tree": _rm_r,
    "rename": os.rename,
    "symlink": os.symlink,
    "link": lambda a, b: os.link(a, b, follow_symlinks=False),
    "chmod": os.chmod,
    "chown": _chown,
    "touch": _touch,
    "open_rw": _open_rw,
    "read": lambda path: open(path, "rb").read(),
    "listdir": lambda path: sorted(os.listdir(path)),
    "readlink": os.readlink,
    "stat": lambda path, follow=True: os.stat(path, follow_symlinks=follow),
}


# The same operations on the engine: UnionFS methods, called with the union first.
ENGINE_OPS: dict[str, Callable[..., Any]] = {
    "write": UnionFS.write,
    "truncate": UnionFS.truncate,
    "mkdir": UnionFS.mkdir,
    "unlink": UnionFS.unlink,
    "rmdir": UnionFS.rmdir,
    "remove_tree": UnionFS.remove_tree,
    "rename": UnionFS.rename,
    "symlink": UnionFS.symlink,
    "link": UnionFS.link,
    "chmod": UnionFS.chmod,
    "chown": UnionFS.chown,
    "touch": UnionFS.touch,
    "open_rw": UnionFS.open_rw,
    "read": UnionFS.read,
    "listdir": UnionFS.listdir,
    "readlink": UnionFS.readlink,
    "stat": UnionFS.stat,
}


def _errname(code: int | None) -> str:
    return _errno.errorcode.get(code or 0, f"E{code}")


@dataclass
class Outcome:
    """What a run of operations left behind, in comparable form."""

    upper: Layer
    merged: dict[str, Record]
    errors: list[str | None] = field(default_factory=list)  # per op: errno name or None
    results: list[Any] = field(default_factory=list)  # per op: what a read/listdir returned
    stdout: str = ""
    stderr: str = ""
    status: int = 0

    @property
    def upper_records(self) -> dict[str, Record]:
        return layer_records(self.upper)


def _read_result(value: Any) -> Any:
    """What a reading op returned, comparable between engine and kernel."""
    if isinstance(value, (bytes, str, list)):
        return value
    if isinstance(value, os.stat_result):
        kind = ("dir" if _stat.S_ISDIR(value.st_mode) else
                "symlink" if _stat.S_ISLNK(value.st_mode) else "file")
        return (kind, perm(value.st_mode), value.st_uid, value.st_gid,
                value.st_size if kind != "dir" else 0, value.st_nlink if kind == "file" else 0)
    if isinstance(value, Stat):
        return (value.type, perm(value.mode), value.uid, value.gid, value.size,
                value.nlink if value.type == "file" else 0)
    return None


def run_in_engine(lowers: Sequence[Layer], ops: Iterable[Op], upper: Layer | None = None) -> Outcome:
    """Apply ``ops`` through a UnionFS; failures are recorded, not raised."""
    fs = UnionFS(lowers, upper if upper is not None else Layer())
    errors, results = [], []
    for name, *args in ops:
        try:
            value = ENGINE_OPS[name](fs, *args)
        except FSError as exc:
            errors.append(exc.code)
            results.append(None)
            continue
        errors.append(None)
        results.append(_read_result(value[0]) if isinstance(value, tuple) else None)
    return Outcome(fs.upper, merged_records(fs), errors, results)


def run_in_kernel(lowers: Sequence[Layer], ops: Iterable[Op], upper: Layer | None = None) -> Outcome:
    """Apply ``ops`` with system calls in a real overlay mount of ``lowers``."""
    ops = list(ops)

    def replay() -> tuple[list, list]:
        errors, results = [], []
        for name, *args in ops:
            try:
                value = KERNEL_OPS[name](*args)
            except OSError as exc:
                errors.append(_errname(exc.errno))
                results.append(None)
                continue
            errors.append(None)
            results.append(_read_result(value))
        return errors, results

    def inside(merged: str, upper_dir: str) -> Outcome:
        errors, results = _in_chroot(merged, replay)
        return Outcome(read_layer(upper_dir), read_merged(merged), errors, results)

    return mount_layers(lowers, inside, upper)


def busybox_path() -> str | None:
    for candidate in BUSYBOX_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    return None


def tools_layer() -> Layer:
    """A bottom layer with a static busybox and its applets under /.layerlab."""
    bb = busybox_path()
    if bb is None:
        raise FileNotFoundError("no static busybox: apt-get install busybox-static")
    with open(bb, "rb") as f:
        data = f.read()
    layer = Layer()
    layer.put(TOOLS_DIR, Dir(0o755))
    layer.put(TOOLS_DIR + "/busybox", File(Inode(data, mode=0o755)))
    layer.put(TOOLS_DIR + "/bin", Dir(0o755))
    applets = subprocess.run([bb, "--list"], capture_output=True, text=True, check=True).stdout.split()
    for applet in applets:
        layer.put(f"{TOOLS_DIR}/bin/{applet}", Symlink("../busybox"))
    return layer.freeze()


def run_shell_in_kernel(lowers: Sequence[Layer], script: str, upper: Layer | None = None,
                        env: dict[str, str] | None = None, cwd: str = "/") -> Outcome:
    """Run ``sh -c script`` (busybox) chrooted into a real overlay mount."""
    layers = [tools_layer(), *lowers]

    def inside(merged: str, upper_dir: str) -> Outcome:
        environment = {"PATH": f"/usr/local/bin:/usr/bin:/bin:{TOOLS_DIR}/bin", "HOME": "/root"}
        environment.update(env or {})
        def enter() -> None:  # runs in the forked child, before exec
            os.chroot(merged)
            os.chdir("/")
            os.umask(0o022)

        proc = subprocess.run(
            [f"{TOOLS_DIR}/busybox", "sh", "-c", f"cd {shlex.quote(cwd)} && {script}"],
            capture_output=True, env=environment, timeout=60, preexec_fn=enter)
        return Outcome(read_layer(upper_dir), read_merged(merged), [], [],
                       proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace"),
                       proc.returncode)

    return mount_layers(layers, inside, upper)
