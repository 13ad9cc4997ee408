"""COPY and ADD: build-context files, heredocs or another image's files, into a new layer.

What cannot be had (a file missing from the context, a URL, a path an image
lacks) is replaced by a placeholder file, and the step says so twice: a note
for the student and a reason in ``uncertain`` for the code.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from app.dockerfile import instructions as ins
from app.engine import Dir, File, FSError, Image, Inode, Layer, Node, Symlink, UnionFS

from .base import base_image
from .context import ContextFile, clean, is_directory, match
from .results import Uncertain
from .state import BuildWide, Outcome, StageState, image_with

ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2")


@dataclass
class _Target:
    """Where one COPY writes: the union it writes to, the outcome it records in, and the owner."""

    fs: UnionFS
    outcome: Outcome
    dest: str
    dir_dest: bool  # the sources go *into* dest
    uid: int
    gid: int
    mode: int | None

    def under(self, name: str) -> str:
        return posixpath.join(self.dest, name) if self.dir_dest else self.dest

    def put_file(self, path: str, cf: ContextFile) -> None:
        mode = self.mode if self.mode is not None else cf.mode
        self.put_node(path, File(Inode(cf.data, cf.size, mode, self.uid, self.gid)))

    def put_node(self, path: str, node: Node) -> None:
        """Add ``node``, its missing parents first; a path that cannot be written becomes a note."""
        path = posixpath.normpath(path)
        parent = posixpath.dirname(path)
        try:
            if not self.fs.exists(parent):
                self.outcome.traces.append(self.fs.mkdir(parent, parents=True))
            self.outcome.traces.append(self.fs.add_node(path, node))
        except FSError as exc:
            self.outcome.notes.append(f"{path}: {exc.message}")

    def placeholder(self, name: str, cf: ContextFile, note: str, why: Uncertain) -> None:
        self.put_file(self.under(name), cf)
        self.outcome.notes.append(note)
        self.outcome.uncertain.append(why)


def dispatch_copy(state: StageState, inst: ins.Copy, build: BuildWide) -> Outcome:
    return copy_files(state, inst, build, add=False)


def dispatch_add(state: StageState, inst: ins.Add, build: BuildWide) -> Outcome:
    return copy_files(state, inst, build, add=True)


def copy_files(state: StageState, inst: ins.Copy | ins.Add, build: BuildWide, *, add: bool) -> Outcome:
    """Every source of one COPY/ADD into one new layer, as BuildKit's FileOp copies them."""
    upper = Layer()
    fs = UnionFS(list(state.image.layers), upper)
    dest = posixpath.join(state.workdir, inst.dest)
    sources = list(inst.sources)
    dir_dest = (inst.dest.endswith(("/", "/.")) or inst.dest == "." or len(sources) > 1
                or any(ch in s for s in sources for ch in "*?[") or _is_dir(fs, dest))
    uid, gid = _owner(inst.chown)
    target = _Target(fs, Outcome(state.image), dest, dir_dest, uid, gid, _mode(inst.chmod))
    heredocs = {doc.name: doc for doc in (inst.heredocs or [])}
    from_stage = getattr(inst, "from_stage", None)  # ADD has no --from
    for src in sources:
        doc = heredocs.get(src[2:].lstrip("-").strip("'\"")) if src.startswith("<<") else None
        if doc is not None:
            target.put_file(target.under(doc.name), ContextFile.text(doc.content))
        elif from_stage:
            _copy_from_image(target, src, from_stage, build)
        elif add and (src.startswith(("http://", "https://", "git@")) or src.endswith(".git")):
            size = 1024 * (50 + (sum(src.encode()) % 950))
            target.placeholder(posixpath.basename(src.rstrip("/")) or "download", ContextFile(None, size, 0o600),
                               f"ADD {src}: nothing is downloaded; a placeholder of {size} bytes stands in for it",
                               Uncertain.NOT_DOWNLOADED)
        else:
            _copy_from_context(target, src, build, add)
    keyword = "ADD" if add else "COPY"
    outcome = target.outcome
    outcome.image = image_with(state.image, layer=upper.freeze(),
                               created_by=f"{keyword} {' '.join(sources)} {inst.dest} # buildkit")
    outcome.created_layer = True
    return outcome


def _copy_from_context(target: _Target, src: str, build: BuildWide, add: bool) -> None:
    hits = match(build.context, src)
    if not hits:
        target.placeholder(posixpath.basename(clean(src)) or "placeholder", ContextFile(b"", 0),
                           f"{src} is not in the build context: an empty placeholder file stands in for it",
                           Uncertain.MISSING_CONTEXT_FILE)
        return
    directory = is_directory(build.context, src)
    for ctx_path, rel in hits:
        target.put_file(posixpath.join(target.dest, rel) if directory or target.dir_dest else target.dest,
                        build.context[ctx_path])
        if add and ctx_path.endswith(ARCHIVES):
            target.outcome.notes.append(f"ADD {ctx_path}: a local archive would be extracted; "
                                        "its contents are not simulated")
            target.outcome.uncertain.append(Uncertain.ARCHIVE_NOT_EXTRACTED)


def _copy_from_image(target: _Target, src: str, from_stage: str, build: BuildWide) -> None:
    """COPY --from: an earlier stage's files, or an image's (pulled as FROM would)."""
    source_image = build.stage_images.get(from_stage.lower())
    if source_image is None:
        base = base_image(from_stage, from_stage)
        source_image = base.image
        target.outcome.notes.extend(base.notes)
        if base.uncertain:
            target.outcome.uncertain.append(Uncertain.PLACEHOLDER_SOURCE_IMAGE)
    src_fs = UnionFS(list(source_image.layers))
    path = posixpath.normpath(src if src.startswith("/") else "/" + src)
    try:
        stat, _ = src_fs.stat(path)
    except FSError:
        target.placeholder(posixpath.basename(path), ContextFile(b"", 0),
                           f"{src} is not in '{from_stage}': an empty placeholder file stands in for it",
                           Uncertain.NOT_IN_SOURCE_IMAGE)
        return
    if stat.type != "dir":
        target.put_file(target.under(posixpath.basename(path)), _image_file(source_image, src_fs, path, stat))
        return
    # The whole tree, as BuildKit copies it: directories (even empty ones) and symlinks
    # too, and files whose bytes are unknown stay size-only (not read in as zeros).
    for sub, st in src_fs.walk(path):
        if sub == path:
            continue
        dest = posixpath.join(target.dest, posixpath.relpath(sub, path))
        if st.type == "file":
            target.put_file(dest, _image_file(source_image, src_fs, sub, st))
        elif st.type == "symlink":
            target.put_node(dest, Symlink(st.target, uid=target.uid, gid=target.gid))
        elif st.type == "dir":
            target.put_node(dest, Dir(target.mode if target.mode is not None else st.mode, target.uid, target.gid))


def _image_file(image: Image, fs: UnionFS, path: str, stat) -> ContextFile:
    """A file of an image as COPY --from reads it: its bytes, or only its size when unknown."""
    node = image.layers[stat.layer].get(path)
    if isinstance(node, File):
        return ContextFile(node.inode.data, node.inode.size, stat.mode)
    data, _ = fs.read(path)  # reached through a symlink: read what it points to
    return ContextFile(data, len(data), stat.mode)


def _is_dir(fs: UnionFS, path: str) -> bool:
    """An existing directory as COPY's destination: the files go into it."""
    try:
        return fs.stat(path)[0].type == "dir"
    except FSError:
        return False


def _owner(chown: str | None) -> tuple[int, int]:
    """--chown as numbers; a name layerlab cannot look up counts as 1000."""
    if not chown:
        return 0, 0
    user, _, group = chown.partition(":")
    uid = int(user) if user.isdigit() else 1000
    gid = int(group) if group.isdigit() else (uid if not group else 1000)
    return uid, gid


def _mode(chmod: str | None) -> int | None:
    if chmod and all(c in "01234567" for c in chmod):
        return int(chmod, 8)
    return None
