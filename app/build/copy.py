"""COPY and ADD: build-context files, heredocs or another image's files, into a new layer.

A source that names nothing fails the build with BuildKit's words, as
``docker build`` does; a wildcard that matches nothing copies nothing. What
cannot be had otherwise (a URL; a file missing from a context the lesson marks
``context_partial``, as pasted Dockerfiles are) is replaced by a placeholder
file, and the step says so twice: a note for the student and a reason in
``uncertain`` for the code.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from app.dockerfile import instructions as ins
from app.engine import Dir, File, FSError, Image, Inode, Layer, Node, Symlink, UnionFS

from .base import base_image
from .context import ContextDir, ContextFile, ContextSymlink, Entry, clean, dangling, is_wildcard, resolve_each
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
        """Add ``node``, its missing parents first; a path that cannot be written fails the
        step, as BuildKit's copy does (``mkdir /f: not a directory``)."""
        if self.outcome.error:
            return
        path = posixpath.normpath(path)
        parent = posixpath.dirname(path)
        try:
            if not self.fs.exists(parent):
                self.outcome.traces.append(self.fs.mkdir(parent, parents=True))
            self.outcome.traces.append(self.fs.add_node(path, node))
        except FSError as exc:
            self.outcome.error = (f"mkdir {parent}: not a directory" if exc.strerror == "Not a directory"
                                  else f"{exc.path}: {exc.strerror}")

    def put_tree(self, entries) -> None:
        """A directory source into the destination: ``entries`` are (path below it, entry),
        the directory itself first as "". The destination is made 0755 when missing (BuildKit's
        MkdirAll; neither the source's mode nor --chmod reaches it) and left as it is when it
        exists; every directory below takes its source's mode (or --chmod's) even where one
        exists already (fsutil's copy overwrites their metadata, not the top's)."""
        for rel, entry in entries:
            path = posixpath.join(self.dest, rel) if rel else self.dest
            if isinstance(entry, ContextDir):
                if rel:
                    mode = self.mode if self.mode is not None else entry.mode
                    self.put_node(path, Dir(mode, self.uid, self.gid))
                elif not self.fs.exists(path):
                    self.put_node(path, Dir(0o755, self.uid, self.gid))
            elif isinstance(entry, ContextSymlink):
                self.put_node(path, Symlink(entry.target, uid=self.uid, gid=self.gid))
            else:
                self.put_file(path, entry)

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
    dest = _real_dest(fs, posixpath.join(state.workdir, inst.dest))
    sources = list(inst.sources)
    dir_dest = (inst.dest.endswith(("/", "/.")) or inst.dest == "." or len(sources) > 1
                or any(is_wildcard(s) for s in sources) or _is_dir(fs, dest))
    uid, gid = _owner(inst.chown, fs)
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
        if target.outcome.error:
            return target.outcome
    keyword = "ADD" if add else "COPY"
    outcome = target.outcome
    # BuildKit's history names the sources and the destination as written, never the flags
    outcome.image = image_with(state.image, layer=upper.freeze(),
                               created_by=f"{keyword} {' '.join(sources)} {inst.dest} # buildkit")
    outcome.created_layer = True
    return outcome


def not_found(path: str) -> str:
    """BuildKit's words (0.8 and later) for a COPY source that names nothing."""
    return f'failed to compute cache key: "{path}" not found: not found'


def _copy_from_context(target: _Target, src: str, build: BuildWide, add: bool) -> None:
    """One source: each name it matches, a directory as its whole tree (empty directories
    and symlinks kept), a file (or a symlink named directly, followed) under its name.
    A wildcard that matches nothing copies nothing; a plain name that names nothing
    fails the build, as Docker's does, unless the lesson says its context is partial."""
    broken = None if build.context_partial else dangling(build.context, src)
    if broken is not None:  # a name (or a glob's match) whose symlink leads nowhere fails, as BuildKit's
        target.outcome.error = not_found(broken)
        return
    groups = resolve_each(build.context, src)
    if not groups:
        if is_wildcard(src):
            return
        if not build.context_partial:
            target.outcome.error = not_found("/" + clean(src))
            return
        target.placeholder(posixpath.basename(clean(src)) or "placeholder", ContextFile(b"", 0),
                           f"{src} is not in the build context (the lesson marks it partial): "
                           "an empty placeholder file stands in for it",
                           Uncertain.MISSING_CONTEXT_FILE)
        return
    for hits in groups:
        first = hits[0]
        if isinstance(first.entry, ContextDir):
            target.put_tree(((h.rel, h.entry) for h in hits))
            continue
        target.put_file(target.under(first.rel), first.entry)
        if add and first.path.endswith(ARCHIVES):
            target.outcome.notes.append(f"ADD {first.path}: a local archive would be extracted; "
                                        "its contents are not simulated")
            target.outcome.uncertain.append(Uncertain.ARCHIVE_NOT_EXTRACTED)


def _copy_from_image(target: _Target, src: str, from_stage: str, build: BuildWide) -> None:
    """COPY --from: an earlier stage's files, or an image's (pulled as FROM would)."""
    source_image = build.stage_images.get(from_stage.lower())
    known = source_image is not None
    if source_image is None:
        base = base_image(from_stage, from_stage)
        source_image = base.image
        target.outcome.notes.extend(base.notes)
        known = not base.uncertain
        if base.uncertain:
            target.outcome.uncertain.append(Uncertain.PLACEHOLDER_SOURCE_IMAGE)
    src_fs = UnionFS(list(source_image.layers))
    path = posixpath.normpath(src if src.startswith("/") else "/" + src)
    try:
        stat, _ = src_fs.stat(path)
    except FSError:
        if known and not build.context_partial and not is_wildcard(src):
            target.outcome.error = not_found(path)
            return
        if not is_wildcard(src):
            target.placeholder(posixpath.basename(path), ContextFile(b"", 0),
                               f"{src} is not in '{from_stage}': an empty placeholder file stands in for it",
                               Uncertain.NOT_IN_SOURCE_IMAGE)
        return
    if stat.type != "dir":
        target.put_file(target.under(posixpath.basename(path)), _image_file(source_image, src_fs, path, stat))
        return
    # The whole tree, as BuildKit copies it: directories (even empty ones) and symlinks
    # too, and files whose bytes are unknown stay size-only (not read in as zeros).
    real = stat.path
    entries = [("", ContextDir(stat.mode))]
    for sub, st in src_fs.walk(real):
        if sub == real:
            continue
        rel = posixpath.relpath(sub, real)
        if st.type == "file":
            entries.append((rel, _image_file(source_image, src_fs, sub, st)))
        elif st.type == "symlink":
            entries.append((rel, ContextSymlink(st.target)))
        elif st.type == "dir":
            entries.append((rel, ContextDir(st.mode)))
    target.put_tree(entries)


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


def _real_dest(fs: UnionFS, path: str) -> str:
    """The destination as BuildKit opens it: symlinks on the way (and an existing last one)
    followed inside the image, so COPY onto a symlink writes where it points."""
    try:
        return fs.stat(path)[0].path
    except FSError:
        return path


def _owner(chown: str | None, fs: UnionFS) -> tuple[int, int]:
    """--chown as numbers: names looked up in the image's /etc/passwd and /etc/group, as
    BuildKit does; a name the image lacks counts as 1000 (BuildKit fails; layerlab's bases
    may lack the user a pasted Dockerfile's RUN would have made). A user alone: its group."""
    if not chown:
        return 0, 0
    user, _, group = chown.partition(":")
    users = _id_table(fs, "/etc/passwd")
    uid, user_gid = users.get(user, (int(user), None) if user.isdigit() else (1000, None))
    if not group:
        return uid, user_gid if user_gid is not None else uid
    gid = int(group) if group.isdigit() else _id_table(fs, "/etc/group").get(group, (1000, None))[0]
    return uid, gid


def _id_table(fs: UnionFS, path: str) -> dict[str, tuple[int, int | None]]:
    """name -> (id, primary group) from a passwd or group file; {} when it cannot be read."""
    try:
        text = fs.read(path)[0].decode(errors="replace")
    except (FSError, AttributeError):
        return {}
    out: dict[str, tuple[int, int | None]] = {}
    for line in text.splitlines():
        fields = line.split(":")
        if len(fields) >= 3 and fields[2].isdigit():
            gid = int(fields[3]) if len(fields) > 3 and fields[3].isdigit() else None
            out.setdefault(fields[0], (int(fields[2]), gid))
    return out


def _mode(chmod: str | None) -> int | None:
    if chmod and all(c in "01234567" for c in chmod):
        return int(chmod, 8)
    return None
