"""The diagram in words: its text alternative for screen readers and print.

``describe(scene, lang)`` gives the lines a page shows as a visually hidden
list or under "Describe this diagram": every layer top to bottom (each
container layer, each image's layers with instruction and size, the shared
layers, the host's bootfs and kernel), then the step's effect as the
diagram numbers it (the search and where it stopped, the copy-up and from
which layer, the write, the whiteout, the error). Plain text, no markup:
it is built from the same plan and story as the drawing, so the two agree.
"""

from __future__ import annotations

from app.engine import Container

from .diff import diff_lines, whiteout_name
from .dot import DotWriter
from .errors_text import explain
from .fitting import instruction
from .labels import visible
from .scene import Scene
from .sizes import human_size
from .stack import Row
from .story import OP, UPPER
from .tooltips import plain

MAX_CHANGES = 8   # docker diff lines named per container layer; the rest counted


class _Describer:
    def __init__(self, scene: Scene, lang: str):
        scene.lang = lang
        self.w = DotWriter(scene)
        self.scene = scene

    def t(self, key: str, **values: object) -> str:
        return plain(self.w.t(key, **{k: visible(v) for k, v in values.items()}))

    def lines(self) -> list[str]:
        w, out = self.w, []
        names = ", ".join(col.image.name for col in w.stack.columns) or "-"
        out.append(self.t("describe_title", names=names, n=len(w.stack.columns)))
        if self.scene.command:
            out.append(self.t("describe_command", command=" ".join(self.scene.command.split())))
        for col in w.stack.columns:
            for c in col.containers:
                out += self.container(c)
            out.append(self.t("describe_image", name=col.image.name))
            out += [self.row(r) for r in col.rows]
            if col.joins_shared:
                out.append(self.t("describe_on_shared"))
        if w.stack.shared:
            out.append(self.t("describe_shared", names=", ".join(w.stack.shared_by)))
            out += [self.row(r) for r in w.stack.shared]
        out.append(self.t("describe_host"))
        out.append("  " + self.t("bootfs"))
        out.append("  " + self.t("kernel", kernel=self.scene.kernel))
        out += self.effect()
        out += [self.t("describe_note", note=n) for n in w.notes()]
        return out

    def container(self, c: Container) -> list[str]:
        out = [self.t("describe_container", name=c.name, size=human_size(c.upper.size))]
        lines = diff_lines(c.upper, c.image.layers, self.scene.traces if self.w.target.container is c else [])
        for ln in lines[:MAX_CHANGES]:
            path = ln.path + ("/" if ln.kind == "dir" else "")
            if ln.how == "whiteout":
                how = self.t("diff_whiteout", wh=whiteout_name(ln.path))
            elif ln.how == "copied" and ln.kind == "dir":
                how = self.t("diff_copied_dir")
            elif ln.how in ("copied", "hides") and ln.from_layer is not None:
                key = "diff_copied" if ln.how == "copied" else "diff_hides"
                how = self.t(key, k=self.w.number_of(c.image, ln.from_layer), size=human_size(ln.size))
            else:
                how = human_size(ln.size) if ln.kind != "dir" else self.t("diff_new_dir")
            out.append(f"  {ln.letter} {visible(path)} · {how}")
        if len(lines) > MAX_CHANGES:
            out.append("  " + self.t("more", n=f"{len(lines) - MAX_CHANGES:,}"))
        if not lines:
            out.append("  " + self.t("container_empty"))
        return out

    def row(self, r: Row) -> str:
        size = self.t("metadata") if r.is_metadata else human_size(r.image.layers[r.layer].size)
        line = f"  #{r.number} {visible(' '.join(instruction(r.created_by).split()))} · {size}"
        if r.is_rootfs:
            line += " · " + self.t("rootfs") + (f" ({visible(r.image.os_release)})" if r.image.os_release else "")
        return line

    def layer_name(self, index: int | str) -> str:
        """``#2``, or "the container layer" for the writable one."""
        w = self.w
        if index in (UPPER, w.target.upper_index) and w.target.container is not None:
            return self.t("describe_upper")
        if index == OP:
            return self.t("describe_op")
        return f"#{w.number_of(w.target.image, index)}"

    def effect(self) -> list[str]:
        w, story, out = self.w, self.w.story, []
        if not w.target.found:
            return out
        if story.markers:
            order = sorted(story.markers, reverse=True)
            passed = [self.layer_name(i) for i in order if story.markers[i] in ("miss", "dir")]
            stop = next((i for i in order if story.markers[i] in ("found", "whiteout", "opaque")), None)
            parts = [self.t("describe_passed", layers=", ".join(passed))] if passed else []
            if stop is not None:
                parts.append(self.t("describe_stop_" + story.markers[stop], stop=self.layer_name(stop)))
            head = self.t("describe_search", path=visible(story.probe_path or ""))
            out.append(head + (self.t("describe_colon") + self.t("describe_sep").join(parts) if parts else ""))
        for _, src, dst, label in w.story_lines():
            out.append(plain(label))
        for edge in story.edges:
            if edge.kind == "copyup":
                paths = [h.path for h in story.highlights.get(edge.src, []) if h.kind == "copy"]
                out.append(self.t("describe_copyup", layer=self.layer_name(edge.src),
                                  paths=", ".join(visible(p) for p in paths[:4]) + (" …" if len(paths) > 4 else "")))
        for index, hs in sorted(story.highlights.items(), reverse=True):
            for h in hs:
                if h.kind in ("hidden_wh", "hidden_opq"):
                    out.append(self.t("describe_hidden", path=visible(h.path), layer=self.layer_name(index),
                                      by=self.t("describe_by_whiteout" if h.kind == "hidden_wh" else "describe_by_opaque")))
        if story.error:
            out.append(self.t("error", code=story.error, message=explain(story.error, self.w.lang)))
        if w.from_stage is not None:
            out.append(self.t("describe_from_stage", stage=w.from_stage.stage,
                              paths=", ".join(visible(p) for p in w.from_stage.paths)))
        return out


def describe(scene: Scene, lang: str | None = None) -> list[str]:
    """The diagram of ``scene`` as lines of plain text, top to bottom, then the step's effect."""
    from copy import copy

    return _Describer(copy(scene), lang or scene.lang).lines()
