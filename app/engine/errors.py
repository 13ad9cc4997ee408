"""Filesystem errors, named the way the kernel names them.

Every failing engine operation raises one of these. Each carries the errno a
real overlayfs mount would give, the kernel's own message for it (strerror,
what ``ls`` or ``mv`` prints), a separate teaching hint when the kernel's
words alone do not explain it, and the trace of what the engine looked at
before it failed (so the diagram can still show the search that ended in ENOENT).
"""

from __future__ import annotations

import errno as _errno
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .trace import Trace


class FSError(Exception):
    """Base class: an operation failed as the kernel would fail it."""

    errno: int = 0
    strerror: str = "operation failed"  # the kernel's message, as a tool prints it
    hint: str = ""  # what a student needs besides: why overlayfs says so

    def __init__(self, path: str, message: str | None = None, trace: "Trace | None" = None):
        self.path = path
        self.message = message or self.explanation
        self.trace = trace
        super().__init__(f"{path}: {self.message}")

    @property
    def explanation(self) -> str:
        """The kernel's message with the hint after a colon: the default ``message``."""
        return f"{self.strerror}: {self.hint}" if self.hint else self.strerror

    @property
    def code(self) -> str:
        """The symbolic errno name, such as ``ENOENT``."""
        return _errno.errorcode.get(self.errno, "EIO")


class NotFound(FSError):
    errno = _errno.ENOENT
    strerror = "No such file or directory"


class NotADirectory(FSError):
    errno = _errno.ENOTDIR
    strerror = "Not a directory"


class IsADirectory(FSError):
    errno = _errno.EISDIR
    strerror = "Is a directory"


class DirectoryNotEmpty(FSError):
    errno = _errno.ENOTEMPTY
    strerror = "Directory not empty"


class AlreadyExists(FSError):
    errno = _errno.EEXIST
    strerror = "File exists"


class TooManyLinks(FSError):
    errno = _errno.ELOOP
    strerror = "Too many levels of symbolic links"


class Busy(FSError):
    """rmdir or rename of the root of the union (a mount point)."""

    errno = _errno.EBUSY
    strerror = "Device or resource busy"


class CrossDevice(FSError):
    errno = _errno.EXDEV
    strerror = "Invalid cross-device link"
    hint = "overlayfs cannot rename a directory that comes from an image layer"


class InvalidArgument(FSError):
    errno = _errno.EINVAL
    strerror = "Invalid argument"


class PermissionDenied(FSError):
    errno = _errno.EPERM
    strerror = "Operation not permitted"


class ReadOnly(FSError):
    errno = _errno.EROFS
    strerror = "Read-only file system"
    hint = "image layers never change"


class LimitExceeded(FSError):
    """Not a kernel error: a safety limit of the simulator (file count, bytes)."""

    errno = _errno.ENOSPC
    strerror = "simulator limit reached"
