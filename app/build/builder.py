"""Build: typed Dockerfile instructions -> an image, one recorded step per instruction.

This is what ``docker build`` does with BuildKit, minus running anything: FROM
takes a base image from the catalog (or an earlier stage, or scratch), RUN goes
through the safe shell interpreter on a union of the layers so far plus a new
upper layer, COPY/ADD put build-context files into a new layer, and the other
instructions change only the image config (an empty layer in the history).

Every step keeps the image as it stands after it, the engine traces of what it
did and what could not be simulated, so a lesson can show any step on its own.
"""

from __future__ import annotations

import json
import posixpath
import shlex
from dataclasses import dataclass, field, replace
from typing import Any

from app import catalog
from app.dockerfile.errors import DockerfileError
from app.dockerfile.instructions import expand as expand_instruction
from app.dockerfile.instructions import parse_dockerfile
from app.dockerfile.lexer import process_word
from app import shell
from app.engine import Dir, File, FSError, HistoryEntry, Image, Inode, Layer, Symlink, Trace, UnionFS

from .context import Context, ContextFile, clean, is_directory, match

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass
class BuildStep:
    """One instruction, built: the image after it, and what it did."""

    stage: int
    stage_name: str | None
    keyword: str
    text: str
    line: int
    end_line: int
    image: Image
    created_layer: bool = False
    expanded: str | None = None
    traces: list[Trace] = field(default_factory=list)
    not_simulated: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stdout: str = ""
    error: str | None = None
    script: str = ""  # what the shell ran, for RUN
    commands: list[str] = field(default_factory=list)  # each simple command the shell ran



@dataclass
class StageResult:
    index: int
    name: str | None
    base: str
    image: Image
    steps: list[BuildStep] = field(default_factory=list)
    final: bool = False


@dataclass
class BuildResult:
    image: Image
    stages: list[StageResult]
    steps: list[BuildStep]
    failed: BuildStep | None = None
    warnings: list[str] = field(default_factory=list)


class BuildError(Exception):
    """A build that cannot go on (a RUN that failed, an unknown stage)."""

    def __init__(self, message: str, line: int = 0, column: int = 1):
        self.message, self.line, self.column = message, line, column
        super().__init__(message)


def _env_list_to_dict(env: list[str]) -> dict[str, str]:
    out = {}
    for item in env:
        k, _, v = item.partition("=")
        out[k] = v
    return out


def _config_env(image: Image) -> dict[str, str]:
    return _env_list_to_dict(image.config.get("Env", []))


def _with(image: Image, *, layer: Layer | None = None, created_by: str, config: dict | None = None) -> Image:
    """A new image: ``image`` plus one history entry (and a layer when given)."""
    layers = image.layers + ((layer,) if layer is not None else ())
    history = image.history + (HistoryEntry(created_by, empty_layer=layer is None),)
    return replace(image, layers=layers, history=history, config=config if config is not None else image.config)


def base_image(ref: str, name: str) -> tuple[Image, str | None, list[str]]:
    """The image a FROM starts from, its distribution, and notes for the step."""
    if ref == "scratch":
        return Image(name=name, base="scratch", config={"Env": [f"PATH={DEFAULT_PATH}"]}), None, []
    notes: list[str] = []
    base = catalog.base_image(ref)
    if base is None:
        base = catalog.placeholder_base(ref)
        notes.append(
            f"{ref} is not in layerlab's catalog: a placeholder base layer stands in for it"
            + (f" (distribution guessed: {base.distro})" if base.distro else "")
        )
    elif base.approximate:
        notes.append(f"{ref}: approximate data ({base.note})")
    layer = base.layer()
    config = dict(base.config or {})
    config.setdefault("Env", [f"PATH={DEFAULT_PATH}"])
    image = Image(
        name=name,
        layers=(layer,),
        history=(HistoryEntry(f"FROM {ref}", comment=base.note or ""),),
        config=config,
        base=ref,
        base_layers=1,
        os_release=base.pretty_name,
        approximate=base.approximate,
    )
    return image, base.distro, notes


class Builder:
    """Builds one Dockerfile. Stateless between builds; one instance per build."""

    def __init__(self, text: str, context: Context | None = None, *, filename: str = "Dockerfile",
                 name: str = "image", target: str | None = None, build_args: dict[str, str] | None = None):
        self.text = text
        self.context = context or {}
        self.filename = filename
        self.name = name
        self.target = target
        self.build_args = build_args or {}
        self.parsed = parse_dockerfile(text, filename)
        self.unknowns_so_far = False  # an earlier RUN was not fully simulated (shell after_unknowns)
        self.escape = getattr(self.parsed, "escape", "\\") or "\\"

    # -- variables ---------------------------------------------------------------
    def _global_args(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for arg in self.parsed.meta_args:
            for name, default in arg.pairs:
                value = self.build_args.get(name, default)
                if value is not None:
                    values[name] = process_word(value, values, self.escape) if default is not None and name not in self.build_args else value
        return values

    def _expand_word(self, word: str, env: dict[str, str]) -> str:
        try:
            return process_word(word, env, self.escape)
        except Exception:
            return word

    # -- the build ---------------------------------------------------------------
    def run(self) -> BuildResult:
        stages_to_build = self._stages_to_build()
        global_args = self._global_args()
        stage_images: dict[str, Image] = {}
        results: list[StageResult] = []
        all_steps: list[BuildStep] = []
        failed: BuildStep | None = None
        for stage in self.parsed.stages:
            if stage.index not in stages_to_build:
                continue
            result = self._build_stage(stage, global_args, stage_images)
            results.append(result)
            all_steps.extend(result.steps)
            if stage.name:
                stage_images[stage.name.lower()] = result.image
            stage_images[str(stage.index)] = result.image
            if result.steps and result.steps[-1].error:
                failed = result.steps[-1]
                break
        final = results[-1]
        final.final = failed is None
        image = replace(final.image, name=self.name)
        return BuildResult(image=image, stages=results, steps=all_steps, failed=failed,
                           warnings=list(getattr(self.parsed, "warnings", []) or []))

    def _stages_to_build(self) -> set[int]:
        stages = self.parsed.stages
        if self.target is None:
            last = stages[-1].index
        else:
            found = [s for s in stages if (s.name or "").lower() == self.target.lower()]
            if not found:
                raise BuildError(f"target stage '{self.target}' could not be found")
            last = found[0].index
        return self._needed_stages(last)

    def _needed_stages(self, last: int) -> set[int]:
        """The stages ``last`` depends on (FROM, COPY --from, RUN --mount from=), as BuildKit
        builds only those: a stage nothing uses is skipped, even one that would fail."""
        stages = self.parsed.stages
        everything = {s.index for s in stages if s.index <= last}
        names = {str(s.index): s.index for s in stages}
        names.update({s.name.lower(): s.index for s in stages if s.name})
        global_args = self._global_args()
        needed: set[int] = set()
        todo = [last]
        while todo:
            i = todo.pop()
            if i in needed:
                continue
            needed.add(i)
            stage = stages[i]
            refs = [self._expand_word(stage.base.image, global_args)]
            for inst in stage.instructions:
                refs.append(getattr(inst, "from_stage", None) or "")
                for mount in getattr(inst, "mounts", None) or []:
                    refs.append(mount.from_stage or ("$" if "from=" in mount.spec else ""))
            for ref in filter(None, refs):
                if "$" in ref:  # a reference only the build's variables resolve: keep every stage
                    return everything
                j = names.get(ref.lower())
                if j is not None and j < i:
                    todo.append(j)
        return needed

    def _build_stage(self, stage, global_args, stage_images) -> StageResult:
        frm = stage.base
        ref = self._expand_word(frm.image, global_args)
        if not ref.strip():  # FROM ${UNSET}: BuildKit stops here, it does not pull an image named ""
            raise BuildError(f"base name ({frm.image}) should not be blank", frm.line)
        stage_name = stage.name
        notes: list[str] = []
        if ref.lower() in stage_images:
            parent = stage_images[ref.lower()]
            image = replace(parent, name=stage_name or self.name)
            distro = parent.config.get("layerlab.distro")
            notes.append(f"starts from the earlier stage '{ref}'")
        else:
            image, distro, notes = base_image(ref, stage_name or self.name)
            if distro:
                image.config["layerlab.distro"] = distro
        result = StageResult(stage.index, stage_name, ref, image)
        step = BuildStep(stage.index, stage_name, "FROM", frm.original, frm.line, frm.end_line, image,
                         created_layer=bool(image.layers), notes=notes,
                         expanded=(f"FROM {ref}" + (f" AS {stage_name}" if stage_name else "")) if ref != frm.image else None)
        result.steps.append(step)

        env = {**_config_env(image)}
        args: dict[str, str] = {}
        workdir = image.config.get("WorkingDir") or "/"
        user = image.config.get("User") or ""
        for inst in stage.instructions:
            scope = {**args, **env}
            step = self._step(inst, stage, image, scope, workdir, user, distro, stage_images, global_args, args, env)
            result.steps.append(step)
            image = step.image
            workdir = image.config.get("WorkingDir") or "/"
            user = image.config.get("User") or ""
            env = {**_config_env(image)}
            if step.error:
                break
        result.image = image
        return result

    def _step(self, inst, stage, image, scope, workdir, user, distro, stage_images, global_args, args, env) -> BuildStep:
        keyword = inst.keyword.upper()
        step = BuildStep(stage.index, stage.name, keyword, inst.original, inst.line, inst.end_line, image)
        try:
            expanded = expand_instruction(inst, scope, self.escape)
        except DockerfileError as exc:
            step.error = exc.message
            return step
        except Exception:  # expansion is best effort for display
            expanded = inst
        handler = getattr(self, f"_do_{keyword.lower()}", None)
        if handler is None:
            step.image = _with(image, created_by=inst.original)
            step.notes.append(f"{keyword} changes only the image config")
            return step
        handler(step, expanded, image, scope, workdir, user, distro, stage_images, global_args, args, env)
        text = expanded.text() if hasattr(expanded, "text") else None
        if text and text != inst.original and keyword not in ("RUN",):
            step.expanded = text
        return step

    # -- instructions that change only the config ---------------------------------
    def _config(self, image: Image, **changes) -> dict:
        config = json.loads(json.dumps(image.config))
        config.update(changes)
        return config

    def _do_env(self, step, inst, image, scope, workdir, user, distro, *rest):
        env = _config_env(image)
        for k, v in inst.pairs:
            env[k] = v
        config = self._config(image, Env=[f"{k}={v}" for k, v in env.items()])
        step.image = _with(image, created_by=f"ENV {' '.join(f'{k}={v}' for k, v in inst.pairs)}", config=config)

    def _do_arg(self, step, inst, image, scope, workdir, user, distro, stage_images, global_args, args, env):
        for name, default in inst.pairs:
            if name in self.build_args:
                args[name] = self.build_args[name]
            elif default is not None:
                args[name] = default
            elif name in global_args:
                args[name] = global_args[name]
        step.image = _with(image, created_by=f"ARG {' '.join(n if d is None else f'{n}={d}' for n, d in inst.pairs)}")

    def _do_label(self, step, inst, image, *rest):
        labels = dict(image.config.get("Labels") or {})
        labels.update(dict(inst.pairs))
        step.image = _with(image, created_by=inst.original, config=self._config(image, Labels=labels))

    def _do_cmd(self, step, inst, image, *rest):
        step.image = _with(image, created_by=inst.original, config=self._config(image, Cmd=self._argv(inst, image)))

    def _do_entrypoint(self, step, inst, image, *rest):
        step.image = _with(image, created_by=inst.original, config=self._config(image, Entrypoint=self._argv(inst, image)))

    def _argv(self, inst, image) -> list[str]:
        command = inst.command
        if isinstance(command, list):
            return list(command)
        shell_argv = image.config.get("Shell") or ["/bin/sh", "-c"]
        return [*shell_argv, command]

    def _do_user(self, step, inst, image, *rest):
        step.image = _with(image, created_by=f"USER {inst.user}", config=self._config(image, User=inst.user))

    def _do_expose(self, step, inst, image, *rest):
        ports = dict(image.config.get("ExposedPorts") or {})
        for port in inst.ports:
            ports[port if "/" in port else f"{port}/tcp"] = {}
        step.image = _with(image, created_by=inst.original, config=self._config(image, ExposedPorts=ports))

    def _do_volume(self, step, inst, image, *rest):
        vols = dict(image.config.get("Volumes") or {})
        for path in inst.paths:
            vols[path] = {}
        step.image = _with(image, created_by=inst.original, config=self._config(image, Volumes=vols))

    def _do_shell(self, step, inst, image, *rest):
        step.image = _with(image, created_by=inst.original, config=self._config(image, Shell=list(inst.argv)))

    # -- instructions that make a layer --------------------------------------------
    def _union(self, image: Image) -> tuple[UnionFS, Layer]:
        upper = Layer()
        return UnionFS(list(image.layers), upper), upper

    def _do_workdir(self, step, inst, image, scope, workdir, user, *rest):
        path = inst.path if inst.path.startswith("/") else posixpath.join(workdir, inst.path)
        path = posixpath.normpath(path)
        config = self._config(image, WorkingDir=path)
        fs, upper = self._union(image)
        if path != "/" and not fs.exists(path):
            step.traces.append(fs.mkdir(path, parents=True))
            step.image = _with(image, layer=upper.freeze(), created_by=f"WORKDIR {path}", config=config)
            step.created_layer = True
            step.notes.append(f"{path} did not exist: BuildKit creates it, in a small layer of its own")
        else:
            step.image = _with(image, created_by=f"WORKDIR {path}", config=config)

    def _do_run(self, step, inst, image, scope, workdir, user, distro, *rest):
        fs, upper = self._union(image)
        script = self._run_script(inst, image)
        run_env = {**scope}
        run_env.setdefault("PATH", DEFAULT_PATH)
        run_env.setdefault("HOME", "/root")
        packages = catalog.package_tool(distro) if distro else None
        shell_form = isinstance(inst.command, str)  # SHELL applies to the shell form only
        result = shell.run(script, fs, env=run_env, cwd=workdir, packages=packages,
                           shell=image.config.get("Shell") if shell_form else None,
                           after_unknowns=self.unknowns_so_far)
        self.unknowns_so_far = self.unknowns_so_far or bool(result.not_simulated)
        step.traces = list(result.traces)
        step.not_simulated = list(result.not_simulated)
        step.script = script
        step.commands = list(result.commands)
        step.stdout = (result.stdout or "") + (result.stderr or "")
        shown = script if isinstance(inst.command, str) else json.dumps(inst.command)
        created_by = f"RUN /bin/sh -c {shown} # buildkit" if isinstance(inst.command, str) else f"RUN {shown} # buildkit"
        if result.status != 0:
            step.error = result.error or f"process \"/bin/sh -c {shown}\" did not complete successfully: exit code: {result.status}"
            step.image = image
            return
        step.image = _with(image, layer=upper.freeze(), created_by=created_by)
        step.created_layer = True

    def _run_script(self, inst, image) -> str:
        """The text the shell runs: the shell form, a JSON form joined, or heredocs."""
        command = inst.command
        heredocs = list(getattr(inst, "heredocs", []) or [])
        if isinstance(command, list):
            if command[:2] in (["/bin/sh", "-c"], ["sh", "-c"], ["/bin/bash", "-c"], ["bash", "-c"]) and len(command) > 2:
                return command[2]
            return " ".join(shlex.quote(c) for c in command)
        if heredocs:
            first = command.strip()
            doc = heredocs[0]
            if first.lstrip("0123456789").startswith("<<") and len(heredocs) == 1 and first.count("<<") == 1:
                return doc.content
            body = command
            for h in heredocs:
                body += "\n" + h.content + ("" if h.content.endswith("\n") or not h.content else "\n") + h.name
            return body + "\n"
        return command

    def _do_copy(self, step, inst, image, scope, workdir, user, distro, stage_images, global_args, *rest):
        self._copy(step, inst, image, workdir, stage_images, add=False)
        self._note_unknowns(step)

    def _do_add(self, step, inst, image, scope, workdir, user, distro, stage_images, global_args, *rest):
        self._copy(step, inst, image, workdir, stage_images, add=True)
        self._note_unknowns(step)

    def _note_unknowns(self, step) -> None:
        """Placeholders stood in for copied files (a missing build context, a file of an image
        the catalog lacks): later RUNs may fail only for want of them (shell after_unknowns).
        A placeholder FROM alone does not count: a RUN's own logic (nginx's modules image
        exiting 1 without --build-arg ENABLED_MODULES) must still fail as docker's does."""
        if any("placeholder" in n or "not simulated" in n for n in step.notes):
            self.unknowns_so_far = True

    def _copy(self, step, inst, image, workdir, stage_images, add: bool) -> None:
        fs, upper = self._union(image)
        dest = inst.dest if inst.dest.startswith("/") else posixpath.join(workdir, inst.dest)
        sources = list(inst.sources)
        dir_dest = (
            inst.dest.endswith(("/", "/.")) or inst.dest == "." or len(sources) > 1
            or any(ch in s for s in sources for ch in "*?[") or _is_dir(fs, dest)
        )
        uid, gid = _owner(getattr(inst, "chown", None))
        mode = _mode(getattr(inst, "chmod", None))
        heredocs = {h.name: h for h in (getattr(inst, "heredocs", None) or [])}
        from_stage = getattr(inst, "from_stage", None)

        def put(path: str, cf: ContextFile) -> None:
            path = posixpath.normpath(path)
            parent = posixpath.dirname(path)
            try:
                if not fs.exists(parent):
                    step.traces.append(fs.mkdir(parent, parents=True))
                inode = Inode(cf.data, cf.size, mode if mode is not None else cf.mode, uid, gid)
                step.traces.append(fs.add_node(path, File(inode)))
            except FSError as exc:
                step.notes.append(f"{path}: {exc.message}")

        def put_node(path: str, node) -> None:
            path = posixpath.normpath(path)
            try:
                if not fs.exists(posixpath.dirname(path)):
                    step.traces.append(fs.mkdir(posixpath.dirname(path), parents=True))
                step.traces.append(fs.add_node(path, node))
            except FSError as exc:
                step.notes.append(f"{path}: {exc.message}")

        for src in sources:
            if src.startswith("<<") and src[2:].lstrip("-").strip("'\"") in heredocs:
                doc = heredocs[src[2:].lstrip("-").strip("'\"")]
                target = dest if not dir_dest else posixpath.join(dest, doc.name)
                put(target, ContextFile.text(doc.content))
                continue
            if from_stage:
                self._copy_from_image(step, src, dest, dir_dest, from_stage, stage_images, put, put_node, uid, gid, mode)
                continue
            if add and (src.startswith(("http://", "https://")) or src.startswith("git@") or src.endswith(".git")):
                name = posixpath.basename(src.rstrip("/")) or "download"
                target = posixpath.join(dest, name) if dir_dest else dest
                size = 1024 * (50 + (sum(src.encode()) % 950))
                put(target, ContextFile(None, size, 0o600))
                step.notes.append(f"ADD {src}: nothing is downloaded; a placeholder of {size} bytes stands in for it")
                continue
            hits = match(self.context, src)
            if not hits:
                name = posixpath.basename(clean(src)) or "placeholder"
                target = posixpath.join(dest, name) if dir_dest else dest
                put(target, ContextFile(b"", 0))
                step.notes.append(f"{src} is not in the build context: an empty placeholder file stands in for it")
                continue
            directory = is_directory(self.context, src)
            for ctx_path, rel in hits:
                if directory or dir_dest:
                    target = posixpath.join(dest, rel)
                else:
                    target = dest
                put(target, self.context[ctx_path])
                if add and ctx_path.endswith((".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2")):
                    step.notes.append(f"ADD {ctx_path}: a local archive would be extracted; its contents are not simulated")
        keyword = "ADD" if add else "COPY"
        step.image = _with(image, layer=upper.freeze(), created_by=f"{keyword} {' '.join(sources)} {inst.dest} # buildkit")
        step.created_layer = True

    def _copy_from_image(self, step, src, dest, dir_dest, from_stage, stage_images, put, put_node, uid, gid, mode) -> None:
        source_image = stage_images.get(from_stage.lower())
        if source_image is None:
            source_image, _, notes = base_image(from_stage, from_stage)
            step.notes.extend(notes)
        src_fs = UnionFS(list(source_image.layers))
        path = posixpath.normpath(src if src.startswith("/") else "/" + src)
        try:
            stat, _ = src_fs.stat(path)
        except FSError:
            name = posixpath.basename(path)
            put(posixpath.join(dest, name) if dir_dest else dest, ContextFile(b"", 0))
            step.notes.append(f"{src} is not in '{from_stage}': an empty placeholder file stands in for it")
            return
        if stat.type == "dir":
            # The whole tree, as BuildKit copies it: directories (even empty ones) and symlinks
            # too, and files whose bytes are unknown stay size-only (not read in as zeros).
            for sub, st in src_fs.walk(path):
                if sub == path:
                    continue
                target = posixpath.join(dest, posixpath.relpath(sub, path))
                if st.type == "file":
                    put(target, _context_file(source_image, src_fs, sub, st))
                elif st.type == "symlink":
                    put_node(target, Symlink(st.target, uid=uid, gid=gid))
                elif st.type == "dir":
                    put_node(target, Dir(mode if mode is not None else st.mode, uid, gid))
        else:
            put(posixpath.join(dest, posixpath.basename(path)) if dir_dest else dest,
                _context_file(source_image, src_fs, path, stat))


def _context_file(image: Image, fs: UnionFS, path: str, stat) -> ContextFile:
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


def build(text: str, context: Context | None = None, *, filename: str = "Dockerfile", name: str = "image",
          target: str | None = None, build_args: dict[str, str] | None = None) -> BuildResult:
    """Build a Dockerfile's text with a build context. Raises DockerfileError on a bad Dockerfile."""
    return Builder(text, context, filename=filename, name=name, target=target, build_args=build_args).run()
