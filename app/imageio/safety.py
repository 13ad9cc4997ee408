"""What an archive from outside may not do: climb out of the image, or outgrow its bounds.

The path and link rules are the standard library's: ``tarfile.data_filter`` (PEP 706, the
filter Python itself uses for untrusted archives) refuses a name or a link that resolves
outside the destination, device files and the like. Two rules are a layer's own: a name
with a ``..`` component is refused outright (no real layer has one), and a symlink with an
absolute target is allowed (in an image it is read inside the image's root, so it cannot
leave it; ``data_filter`` would refuse every one of them). Nothing is ever extracted: the
checks only decide whether an entry is read at all.
"""

from __future__ import annotations

import copy
import tarfile
from dataclasses import dataclass

# A destination that does not exist, so that data_filter's realpath follows no symlink of this host.
NOWHERE = "/nonexistent-layerlab-import-root"


class ArchiveError(Exception):
    """An archive that cannot be imported: the message names the archive, the entry and why."""


@dataclass(frozen=True)
class ImportLimits:
    """Bounds on what one import reads (a tar bomb meets one of them before it costs much)."""

    max_archive_bytes: int = 2 << 30  # the archive (or the layout's blobs) on disk
    max_entries: int = 200_000  # tar entries, all layers together
    max_total_bytes: int = 4 << 30  # file contents, all layers together, uncompressed
    max_layers: int = 256
    max_json_bytes: int = 4 << 20  # manifest.json, index.json, a config, a manifest


def check_member(member: tarfile.TarInfo) -> str | None:
    """Why ``member`` of a layer tar is refused, or None."""
    parts = member.name.split("/")
    if ".." in parts:
        return "a path with '..' in it (it would climb out of the image)"
    probe = member
    if member.issym() and member.linkname.startswith("/"):
        probe = copy.copy(member)  # the name still checked, the link not
        probe.type, probe.linkname = tarfile.REGTYPE, ""
    try:
        tarfile.data_filter(probe, NOWHERE)
    except tarfile.LinkOutsideDestinationError:
        return f"a link to {member.linkname!r}, outside the image"
    except tarfile.OutsideDestinationError:
        return "a path outside the image"
    except tarfile.SpecialFileError:
        return "a device or fifo (an image layer holds files, directories and links)"
    except tarfile.FilterError as exc:
        return str(exc)
    return None


def inside(name: str) -> str | None:
    """``name`` inside an archive, normalized (``./a//b`` -> ``a/b``), or None if it climbs out."""
    parts: list[str] = []
    for part in name.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)
