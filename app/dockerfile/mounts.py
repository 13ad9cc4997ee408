"""`RUN --mount=type=cache,target=/root/.cache` specs, read as BuildKit reads them.

A mount spec is one CSV record of `key=value` fields (so a value may be
quoted to hold a comma).  We keep the parsed mount so the build can show a
learner that a cache or secret mount never becomes part of a layer.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

MOUNT_TYPES = ("bind", "cache", "tmpfs", "secret", "ssh")
SHARING_MODES = ("shared", "private", "locked")


class MountError(ValueError):
    """A mount spec BuildKit refuses."""


@dataclass
class Mount:
    """One `--mount`: type, where it appears, what it shows, and the remaining options."""
    type: str = "bind"
    target: str = ""
    source: str = ""
    from_stage: str = ""
    readonly: bool = False
    options: dict[str, str] = field(default_factory=dict)
    spec: str = ""


def _parse_bool(key: str, value: str) -> bool:
    lowered = value.lower()
    if lowered in ("1", "t", "true"):
        return True
    if lowered in ("0", "f", "false"):
        return False
    raise MountError(f"invalid value for {key}: {value}")


def parse_mount(spec: str) -> Mount:
    """One `--mount` value -> Mount; raises MountError with BuildKit's wording."""
    try:
        fields = next(csv.reader([spec]), [])
    except csv.Error as err:
        raise MountError(f"invalid mount spec {spec!r}: {err}") from None
    mount = Mount(spec=spec)
    readonly_set = False
    for item in fields:
        key, has_value, value = item.partition("=")
        if key.lower() == "type" and has_value:
            if value not in MOUNT_TYPES:
                raise MountError(f"unsupported mount type {value!r}")
            mount.type = value
    for item in fields:
        key, has_value, value = item.partition("=")
        key = key.lower()
        if not has_value:
            if key in ("readonly", "ro"):
                mount.readonly, readonly_set = True, True
            elif key in ("readwrite", "rw"):
                mount.readonly, readonly_set = False, True
            elif key == "required":
                if mount.type not in ("secret", "ssh"):
                    raise MountError(f"unexpected key '{key}' for mount type '{mount.type}'")
                mount.options["required"] = "true"
            else:
                raise MountError(f"unexpected key '{key}' in '{item}'")
            continue
        if key == "type":
            continue
        if key == "from":
            mount.from_stage = value
        elif key in ("source", "src"):
            mount.source = value
        elif key in ("target", "dst", "destination"):
            mount.target = value
        elif key in ("readonly", "ro"):
            mount.readonly, readonly_set = _parse_bool(key, value), True
        elif key in ("readwrite", "rw"):
            mount.readonly, readonly_set = not _parse_bool(key, value), True
        elif key == "sharing":
            if value not in SHARING_MODES:
                raise MountError(f"unsupported sharing value {value!r}")
            mount.options[key] = value
        elif key in ("id", "mode", "uid", "gid", "size", "env", "required"):
            mount.options[key] = value
        else:
            raise MountError(f"unexpected key '{key}' for mount type '{mount.type}'")
    if not readonly_set and mount.type == "bind":
        mount.readonly = True  # BuildKit: bind mounts are read-only unless rw is asked for
    if mount.type == "secret" and not mount.target:
        mount.target = "/run/secrets/" + (mount.options.get("id") or mount.source.rsplit("/", 1)[-1])
    if mount.type == "ssh" and not mount.target:
        mount.target = "/run/buildkit/ssh_agent.0"
    # An empty target is allowed: BuildKit then mounts at the working directory.
    return mount
