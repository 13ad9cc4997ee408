"""The layer inspector's trees: one layer's changeset and the merged view up to it.

A diagram shows a handful of files per layer; the inspector shows all of them,
one directory level at a time (a 24,000-file layer opens as fast as a
10-file one: the whole layer is indexed once per process, then each request
lists one directory).

``Stack`` is what is inspected: the layers of an image, bottom first, and for
a container its writable layer on top. The merged view follows overlayfs as
the engine does (app/engine/lookup.py): a whiteout hides the path and all
below it, an opaque directory hides what lower layers hold under it, and an
upper entry shadows a lower one at the same path (a file over a directory
hides the whole directory). Knows engine types only; no Flask.
"""

from __future__ import annotations

import posixpath
import stat
from dataclasses import dataclass, field

from app.engine import Container, Image, Layer
from app.engine.layer import Dir, File, Node, Symlink, Whiteout, parent_of

from .fitting import instruction
from .stack import history_rows

MARKS = {"A": "added", "C": "changed", "D": "deleted"}
SORTS = ("name", "size")


@dataclass(frozen=True)
class Stack:
    """What a container would see: ``layers`` bottom first, ``labels[i]`` the
    instruction that made layer i (its accessible name and tooltip too)."""

    name: str
    layers: tuple[Layer, ...]
    labels: tuple[str, ...]
    tags: tuple[str, ...] = ()     # short names: "#2" as the diagram numbers rows, or the container's name

    def tag(self, index: int) -> str:
        return self.tags[index] if index < len(self.tags) else f"#{index}"


@dataclass(frozen=True)
class Entry:
    """One line of a listing: a name in a directory, as ``docker diff`` and ``ls -l`` see it."""

    path: str
    name: str
    kind: str               # "file" | "dir" | "symlink" | "whiteout"
    mode: str               # "-rw-r--r--"; "" for a whiteout
    size: int               # a directory: the bytes below it, summed
    mark: str = ""          # changeset: "A", "C" or "D"; merged view: ""
    target: str = ""        # a symlink's target
    opaque: bool = False    # a directory that hides everything lower layers hold under it
    implied: bool = False   # a directory the layer holds only as the parent of its entries
    layer: int | None = None        # merged view: the layer the entry comes from
    hidden_by: int | None = None    # merged view: the layer that hides it (struck through)
    hidden_how: str = ""            # "whiteout" | "opaque" | "shadowed"

    @property
    def is_dir(self) -> bool:
        return self.kind == "dir"

    @property
    def mark_words(self) -> str:
        return MARKS.get(self.mark, "")


def size_of(node: Node | None) -> int:
    """Bytes an entry stores: a file's contents, a symlink's target (as ``docker history`` counts)."""
    if isinstance(node, (File, Symlink)):
        return node.size
    return 0


def kind_of(node: Node | None) -> str:
    return "dir" if node is None else node.type


def mode_of(node: Node | None) -> str:
    if node is None:
        return stat.filemode(stat.S_IFDIR | 0o755)
    if isinstance(node, Whiteout):
        return ""
    bits = {"file": stat.S_IFREG, "dir": stat.S_IFDIR, "symlink": stat.S_IFLNK}[node.type]
    return stat.filemode(bits | (node.mode & 0o7777))


def summed_sizes(sizes: dict[str, int]) -> dict[str, int]:
    """path -> own bytes  =>  path -> bytes at and below it (directories summed), in one pass."""
    total = dict(sizes)
    for path, size in sizes.items():
        if not size:
            continue
        while path != "/":
            path = parent_of(path)
            total[path] = total.get(path, 0) + size
    return total


# -- the merged view -----------------------------------------------------------------
@dataclass
class Hidden:
    path: str
    node: Node
    layer: int
    hidden_by: int
    how: str
    size: int


@dataclass
class Merged:
    """The tree a container sees over ``layers[0..top]``: path -> (node, layer it comes from)."""

    nodes: dict[str, tuple[Node, int]] = field(default_factory=dict)
    children: dict[str, set[str]] = field(default_factory=dict)
    hidden: dict[str, list[Hidden]] = field(default_factory=dict)    # parent dir -> hidden entries in it
    sizes: dict[str, int] = field(default_factory=dict)

    def add(self, path: str, node: Node, layer: int) -> None:
        self.nodes[path] = (node, layer)
        while path != "/":
            parent = parent_of(path)
            kids = self.children.setdefault(parent, set())
            name = path[len(parent):].lstrip("/")
            if name in kids:
                break
            kids.add(name)
            if parent in self.nodes:
                break
            self.nodes.setdefault(parent, (Dir(), layer))
            path = parent

    def drop(self, path: str) -> list[tuple[str, Node, int]]:
        """Remove ``path`` and all below it; what was there, top first."""
        gone = []
        for name in self.children.pop(path, set()):
            gone.extend(self.drop(path.rstrip("/") + "/" + name))
        if path in self.nodes:
            node, layer = self.nodes.pop(path)
            gone.insert(0, (path, node, layer))
        return gone

    def hide(self, path: str, by: int, how: str, *, keep_self: bool = False) -> None:
        """``path`` (or, with keep_self, everything under it) is no longer visible from layer ``by``."""
        if keep_self:
            gone = []
            for name in sorted(self.children.pop(path, set())):
                gone.extend(self.drop(path.rstrip("/") + "/" + name))
        else:
            gone = self.drop(path)
            parent = parent_of(path)
            if path != "/" and parent in self.children:
                self.children[parent].discard(path[len(parent):].lstrip("/"))
        own = {p: size_of(n) for p, n, _ in gone}
        below = summed_sizes(own)
        tops = {p for p, _, _ in gone if parent_of(p) not in own or p == "/"}
        for p, node, layer in gone:
            if p in tops:
                self.hidden.setdefault(parent_of(p), []).append(Hidden(p, node, layer, by, how, below.get(p, 0)))


def merge(layers: tuple[Layer, ...] | list[Layer], top: int) -> Merged:
    """The merged tree of ``layers[0..top]``, with what each layer hid on the way."""
    merged = Merged()
    merged.nodes["/"] = (Dir(), 0)
    for i, layer in enumerate(layers[: top + 1]):
        for path, node in layer.items():   # sorted: a directory before its children
            old = merged.nodes.get(path)
            if isinstance(node, Whiteout):
                if old is not None:
                    merged.hide(path, i, "whiteout")
                continue
            if isinstance(node, Dir):
                if old is not None and not isinstance(old[0], Dir):
                    merged.hide(path, i, "shadowed")
                elif node.opaque and old is not None:
                    merged.hide(path, i, "opaque", keep_self=True)
            elif old is not None:
                merged.hide(path, i, "shadowed")
            merged.add(path, node, i)
    merged.sizes = summed_sizes({p: size_of(n) for p, (n, _) in merged.nodes.items()})
    return merged


# -- caches: built once per process per layer (a played lesson's layers are frozen) ----
_MERGED: dict[tuple[int, ...], tuple[tuple[Layer, ...], Merged]] = {}
_SIZES: dict[int, tuple[Layer, dict[str, int]]] = {}
CACHE_LIMIT = 64


def merged_view(stack: Stack, top: int) -> Merged:
    layers = stack.layers[: top + 1]
    key = tuple(id(layer) for layer in layers)
    hit = _MERGED.get(key)
    if hit is None or hit[0] != layers:
        if len(_MERGED) >= CACHE_LIMIT:
            _MERGED.pop(next(iter(_MERGED)))
        hit = _MERGED[key] = (layers, merge(layers, len(layers) - 1))
    return hit[1]


def layer_sizes(layer: Layer) -> dict[str, int]:
    hit = _SIZES.get(id(layer))
    if hit is None or hit[0] is not layer:
        if len(_SIZES) >= CACHE_LIMIT:
            _SIZES.pop(next(iter(_SIZES)))
        hit = _SIZES[id(layer)] = (layer, summed_sizes({p: size_of(n) for p, n in layer.entries.items()}))
    return hit[1]


_TOTALS: dict[int, tuple[Layer, int]] = {}


def layer_size(layer: Layer) -> int:
    """``Layer.size`` (as ``docker history`` counts), once per process per layer: it walks every entry."""
    hit = _TOTALS.get(id(layer))
    if hit is None or hit[0] is not layer:
        if len(_TOTALS) >= CACHE_LIMIT * 4:
            _TOTALS.pop(next(iter(_TOTALS)))
        hit = _TOTALS[id(layer)] = (layer, layer.size)
    return hit[1]


# -- listings: one directory level ---------------------------------------------------------
def ordered(entries: list[Entry], sort: str) -> list[Entry]:
    if sort == "size":
        return sorted(entries, key=lambda e: (-e.size, e.name))
    return sorted(entries, key=lambda e: e.name)


def join(directory: str, name: str) -> str:
    return directory.rstrip("/") + "/" + name


def changes(stack: Stack, index: int, directory: str = "/", sort: str = "name") -> list[Entry] | None:
    """The entries layer ``index`` holds directly in ``directory``, marked as ``docker diff`` marks
    them against the layers below (A added, C changed, D deleted); None if the layer holds no such
    directory."""
    layer = stack.layers[index]
    names = layer.children(directory)
    if not names and directory != "/":
        return None
    below = merged_view(stack, index - 1).nodes if index > 0 else {}
    sizes = layer_sizes(layer)
    out = [change_entry(join(directory, name), name, layer.get(join(directory, name)), below, sizes) for name in names]
    return ordered(out, sort)


def change_entry(path: str, name: str, node: Node | None, below: dict, sizes: dict[str, int]) -> Entry:
    """One entry of a layer's changeset, marked against ``below`` (the merged nodes under the layer)."""
    mark = "D" if isinstance(node, Whiteout) else ("C" if path in below else "A")
    return Entry(path=path, name=name, kind=kind_of(node), mode=mode_of(node), size=sizes.get(path, 0), mark=mark,
                 target=node.target if isinstance(node, Symlink) else "",
                 opaque=isinstance(node, Dir) and node.opaque, implied=node is None)


def merged(stack: Stack, top: int, directory: str = "/", sort: str = "name") -> list[Entry] | None:
    """What a container sees in ``directory`` if the image ended at layer ``top``, each entry with the
    layer it comes from, and the entries hidden there on the way (whiteout, opaque or shadowed) with
    the layer that hides them; None if no such directory is visible."""
    view = merged_view(stack, top)
    here = view.nodes.get(directory)
    if here is None or not isinstance(here[0], Dir):
        return None
    out = [visible_entry(view, join(directory, name), name) for name in view.children.get(directory, set())]
    out += [hidden_entry(h, h.path.rsplit("/", 1)[-1]) for h in view.hidden.get(directory, [])]
    return ordered(out, sort)


def visible_entry(view: Merged, path: str, name: str) -> Entry:
    node, layer = view.nodes[path]
    return Entry(path=path, name=name, kind=kind_of(node), mode=mode_of(node), size=view.sizes.get(path, 0),
                 target=node.target if isinstance(node, Symlink) else "",
                 opaque=isinstance(node, Dir) and node.opaque, layer=layer)


def hidden_entry(h: Hidden, name: str) -> Entry:
    return Entry(path=h.path, name=name, kind=kind_of(h.node), mode=mode_of(h.node), size=h.size,
                 target=h.node.target if isinstance(h.node, Symlink) else "",
                 layer=h.layer, hidden_by=h.hidden_by, hidden_how=h.how)


def count(stack: Stack, index: int) -> int:
    """How many entries layer ``index`` holds (the whole changeset, for "n files")."""
    return len(stack.layers[index])


def directory(text: str) -> str:
    """A ``dir=`` query value as an absolute, normalized path (``..`` stops at /)."""
    path = posixpath.normpath("/" + text.replace("\\", "/"))
    return "/" + path.lstrip("/")


def breadcrumbs(directory: str) -> list[tuple[str, str]]:
    """``/usr/lib`` -> [("/", "/"), ("usr", "/usr"), ("lib", "/usr/lib")]."""
    crumbs = [("/", "/")]
    path = ""
    for part in [p for p in directory.split("/") if p]:
        path += "/" + part
        crumbs.append((part, path))
    return crumbs


# -- what is inspected -----------------------------------------------------------------
def image_stack(image: Image) -> Stack:
    """An image's layers, each labelled ``#n instruction`` as the diagram numbers its rows."""
    rows = {r.layer: r for r in history_rows(image, "x") if r.layer is not None}
    tags = tuple(f"#{rows[i].number}" for i in range(len(image.layers)))
    labels = tuple(f"{tags[i]} {instruction(rows[i].created_by)}" for i in range(len(image.layers)))
    return Stack(image.name, tuple(image.layers), labels, tags)


def container_stack(container: Container, label: str) -> Stack:
    """A container: its image's layers and its writable layer on top (labelled ``label``)."""
    below = image_stack(container.image)
    return Stack(container.name, below.layers + (container.upper,), below.labels + (label,),
                 below.tags + (container.name,))
