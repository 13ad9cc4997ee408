"""The copy-on-write engine: layers, union mounts, images, containers.

Knows nothing of Dockerfiles, HTML or Flask. Every operation returns a trace.
"""
from .errors import *  # noqa: F401,F403
from .layer import Dir, File, Inode, Layer, Node, Symlink, Whiteout, normalize  # noqa: F401
from .trace import Change, CopyUp, Probe, Trace  # noqa: F401
from .image import Container, HistoryEntry, Image, commit, copy_layer  # noqa: F401
from .lookup import Stat  # noqa: F401
from .union import UnionFS  # noqa: F401
