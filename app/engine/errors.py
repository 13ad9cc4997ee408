"""Filesystem errors, named the way the kernel names them.

Every failing engine operation raises one of these. Each carries the errno a
real overlayfs mount would give, a sentence a student can read, and the trace
of what the engine looked at before it failed (so the diagram can still show
the search that ended in ENOENT).
"""

from __future__ import annotations

import errno as _errno
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .trace import Trace


class FSError(Exception):
    """Base class: an operation failed as the kernel would fail it."""

    errno: int = 0
    explanation: str = "operation failed"

    def __init__(self, path: str, message: str | None = None, trace: "Trace | None" = None):
        self.path = path
        self.message = message or self.explanation
        self.trace = trace
        super().__init__(f"{path}: {self.message}")

    @property
    def code(self) -> str:
        """The symbolic errno name, such as ``ENOENT``."""
        return _errno.errorcode.get(self.errno, "EIO")


class NotFound(FSError):
    errno = _errno.ENOENT
    explanation = "No such file or directory"


class NotADirectory(FSError):
    errno = _errno.ENOTDIR
    explanation = "Not a directory"


class IsADirectory(FSError):
    errno = _errno.EISDIR
    explanation = "Is a directory"


class DirectoryNotEmpty(FSError):
    errno = _errno.ENOTEMPTY
    explanation = "Directory not empty"


class AlreadyExists(FSError):
    errno = _errno.EEXIST
    explanation = "File exists"


class TooManyLinks(FSError):
    errno = _errno.ELOOP
    explanation = "Too many levels of symbolic links"


class Busy(FSError):
    """rmdir or rename of the root of the union (a mount point)."""

    errno = _errno.EBUSY
    explanation = "Device or resource busy"


class CrossDevice(FSError):
    errno = _errno.EXDEV
    explanation = (
        "Invalid cross-device link: overlayfs cannot rename a directory that "
        "comes from an image layer"
    )


class InvalidArgument(FSError):
    errno = _errno.EINVAL
    explanation = "Invalid argument"


class PermissionDenied(FSError):
    errno = _errno.EPERM
    explanation = "Operation not permitted"


class ReadOnly(FSError):
    errno = _errno.EROFS
    explanation = "Read-only file system: image layers never change"


class LimitExceeded(FSError):
    """Not a kernel error: a safety limit of the simulator (file count, bytes)."""

    errno = _errno.ENOSPC
    explanation = "simulator limit reached"
