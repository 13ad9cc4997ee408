"""Images and containers: stacks of frozen layers, and one writable layer on top.

An image is an ordered tuple of frozen layers (bottom first) plus its history:
one entry per build step, ``empty_layer`` for the steps that only change
metadata (ENV, CMD, ...), exactly as ``docker history`` lists them. Nothing
here knows what a Dockerfile is: ``created_by`` is just text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from typing import TYPE_CHECKING

from .layer import Dir, File, Inode, Layer, Symlink, Whiteout

if TYPE_CHECKING:  # pragma: no cover
    from .union import UnionFS


@dataclass(frozen=True)
class HistoryEntry:
    created_by: str
    empty_layer: bool = False
    comment: str = ""


@dataclass
class Image:
    name: str
    layers: tuple[Layer, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    config: dict = field(default_factory=dict)
    # What the base image says about itself: its reference ("debian:bookworm",
    # "scratch"), how many of ``layers`` are its rootfs, its PRETTY_NAME,
    # whether its data is approximate (hand-made catalog, placeholder), and its
    # distribution ("debian", "alpine"...; None for scratch), which picks the
    # package manager a RUN or an exec finds.
    base: str = "scratch"
    base_layers: int = 0
    os_release: str = ""
    approximate: bool = False
    distro: str | None = None

    @property
    def env(self) -> dict[str, str]:
        """The config's ``Env`` list (``["PATH=/usr/bin", ...]``) as a dict, later entries winning."""
        return env_dict(self.config.get("Env") or [])

    def layer_for_history(self, index: int) -> int | None:
        """Index in ``layers`` of the layer that history entry ``index`` made."""
        n = -1
        for i, h in enumerate(self.history):
            if not h.empty_layer:
                n += 1
            if i == index:
                return None if h.empty_layer else n
        raise IndexError(index)

    @property
    def size(self) -> int:
        """Virtual size: every layer's bytes, as ``docker images`` shows."""
        return sum(layer.size for layer in self.layers)


def env_dict(env: list[str]) -> dict[str, str]:
    """``["K=v", ...]`` as ``{"K": "v"}``: an OCI config's Env, read once here for everyone."""
    out: dict[str, str] = {}
    for item in env:
        key, _, value = item.partition("=")
        out[key] = value
    return out


@dataclass
class Container:
    name: str
    image: Image
    upper: Layer = field(default_factory=Layer)

    @property
    def fs(self) -> "UnionFS":
        """The container's root filesystem: the image's layers under its own
        writable layer. A new view each time; all share ``upper``."""
        from .union import UnionFS

        return UnionFS(self.image.layers, self.upper)

    @property
    def size(self) -> int:
        """``docker ps -s`` SIZE: the bytes in the writable layer only."""
        return self.upper.size

    @property
    def virtual_size(self) -> int:
        return self.image.size + self.upper.size


def copy_layer(layer: Layer) -> Layer:
    """A deep copy of a layer that keeps its hard links (shared inodes) shared."""
    inodes: dict[int, Inode] = {}
    out = Layer()
    for path, node in layer.entries.items():
        if isinstance(node, File):
            ino = inodes.get(id(node.inode))
            if ino is None:
                ino = inodes[id(node.inode)] = node.inode.copy()
            out.put(path, File(ino))
        elif isinstance(node, Dir):
            out.put(path, Dir(node.mode, node.uid, node.gid, node.mtime, node.opaque))
        elif isinstance(node, Symlink):
            out.put(path, Symlink(node.target, node.mode, node.uid, node.gid, node.mtime))
        else:
            out.put(path, Whiteout())
    return out


def commit(container: Container, created_by: str, name: str | None = None) -> Image:
    """``docker commit``: the container's writable layer, frozen, on top of
    its image. The container keeps writing to its own layer afterwards; the
    new image does not see those writes (it holds a copy)."""
    image = container.image
    return replace(
        image,
        name=name or image.name,
        layers=image.layers + (copy_layer(container.upper).freeze(),),
        history=image.history + (HistoryEntry(created_by),),
        config=dict(image.config),
    )
