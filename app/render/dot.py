"""Scene -> DOT text: three bands (container, image layers, host) and the step.

Layout rules learnt from the design sketch (/work/shared/design):
- every box is an HTML table of a fixed width, so a step changes only what
  its layers change and screenshots line up when a student flips steps;
- node names come from image/container names and history numbers (stable);
- the story edges join whole nodes (edges into table cells route badly) and
  carry ``constraint=false`` so they never move the stack;
- the op box hangs beside the top band through an invisible ``weight=0``
  edge (``rank=same`` across clusters breaks the cluster borders);
- not colour alone: A/C/D letters as ``docker diff`` prints them, and words.
Colours are the Okabe–Ito palette.
"""

from __future__ import annotations

import re

from app.engine import Container, Image, Layer

from .errors_text import explain
from .fitting import attrs, font, text_units, wrap
from .labels import esc, text
from .scene import Scene
from .sizes import human_size
from .stack import Column, Stack, plan, slug
from .story import OP, UPPER, Story, tell
from .style import (
    BLUE, FONT, GREEN, GREY_TEXT, MAX_OP_CHARS, MONO, NODESEP, NODESEP_OP, ORANGE, VERMILLION, WIDTH,
)
from .tables import Tables

# (tail row, head row) each story edge kind attaches to, when the node has it
EDGE_PORTS = {"copyup": (("copy",), ("copied", "touched")), "write": ((), ("touched", "copied")),
              "read": (("found",), ()), "error": (("probe",), ())}


# -- the step's context ---------------------------------------------------------
class Target:
    """The column the step happened in and how trace indexes map to nodes."""

    def __init__(self, scene: Scene, stack: Stack):
        self.column_index: int | None = None
        self.container: Container | None = None
        self.layers: list[Layer] = []
        self.upper_index = -1
        for k, col in enumerate(stack.columns):
            for c in col.containers:
                if scene.target is not None and c.name == scene.target:
                    self.column_index, self.container = k, c
            if self.container is None and scene.target is not None and col.image.name == scene.target:
                self.column_index = k
        if self.column_index is None:
            return
        image = stack.columns[self.column_index].image
        self.image = image
        self.layers = list(image.layers)
        if self.container is not None:
            self.layers.append(self.container.upper)
            self.upper_index = len(image.layers)
        else:
            self.upper_index = len(image.layers) - 1

    @property
    def found(self) -> bool:
        return self.column_index is not None


# -- the writer ------------------------------------------------------------------
class DotWriter(Tables):
    def __init__(self, scene: Scene):
        self.scene = scene
        self.lang = scene.lang if scene.lang in ("en", "zh") else "en"
        self.stack = plan(scene.images, scene.containers)
        self.target = Target(scene, self.stack)
        if self.target.found:
            self.story = tell(scene.traces, self.target.layers, self.target.upper_index)
        else:
            self.story = Story()
        self.lines: list[str] = []
        self.node_html: dict[str, str] = {}
        # room beside the stack only where labelled edges run to the op box
        build_step = self.target.found and self.target.container is None and scene.command is not None
        self.nodesep = NODESEP_OP if self.story.edges or build_step else NODESEP

    # numbers and names
    def t(self, key: str, **values: object) -> str:
        return text(self.lang, key, **values)

    def number_of(self, image: Image, layer: int) -> int:
        """History number (#n) of the row that made ``layer``."""
        for i in range(len(image.history)):
            if image.layer_for_history(i) == layer:
                return i
        return len(image.history) + layer - sum(1 for h in image.history if not h.empty_layer)

    def node_of(self, ref: str | int) -> str | None:
        tgt = self.target
        if not tgt.found:
            return None
        if ref == OP:
            return "op"
        if ref == UPPER or ref == tgt.upper_index:
            if tgt.container is not None:
                return container_node(tgt.container)
            return self.stack.layer_nodes.get((tgt.column_index, tgt.upper_index))
        return self.stack.layer_nodes.get((tgt.column_index, ref))

    def top_row_node(self, col: Column) -> str | None:
        if col.rows:
            return col.rows[0].node
        if col.joins_shared:
            return col.joins_shared
        return f"{column_prefix(col)}_none"

    # output
    def emit(self, line: str, indent: int = 1) -> None:
        self.lines.append("  " * indent + line)

    def node(self, name: str, table: str, indent: int = 1) -> None:
        """Emit one box; its id is its name, so SVG ids stay stable across steps."""
        self.node_html[name] = table
        self.emit(f'{name} [id="{name}", label=<{table}>];', indent)

    def write(self) -> str:
        e = self.emit
        self.lines = ["digraph layerlab {"]
        e(f'graph [rankdir=TB, nodesep={self.nodesep}, ranksep=0.3, fontname="{FONT}", bgcolor="white", '
          f'pad=0.2, newrank=true, forcelabels=true, outputorder=edgesfirst];')
        e(f'node [shape=plain, fontname="{FONT}", fontsize=11];')
        e(f'edge [fontname="{FONT}", fontsize=10, arrowsize=0.8];')
        for col in self.stack.columns:
            for c in col.containers:
                self.container_cluster(c, col)
        for col in self.stack.columns:
            self.image_cluster(col)
        if self.stack.shared:
            self.shared_cluster()
        self.host_cluster()
        self.skeleton()
        self.op_box()
        self.story_edges()
        self.lines.append("}")
        return "\n".join(self.lines) + "\n"

    # -- bands -----------------------------------------------------------------
    def container_cluster(self, c: Container, col: Column) -> None:
        name = container_node(c)
        e = self.emit
        e(f"subgraph cluster_{name} {{")
        band = self.t("container_band", name=c.name) + " · " + esc(human_size(c.upper.size))
        e("graph [" + attrs(id=f"cluster_{name}", label=f"<{band}>",
                labeljust="l", style="dashed,rounded", color=VERMILLION, fontcolor=VERMILLION,
                fontsize=11, penwidth=1.4) + "];", 2)
        self.node(name, self.container_table(c, col), 2)
        e("}")

    def image_cluster(self, col: Column) -> None:
        e = self.emit
        img = col.image
        key = "image_band_approx" if img.approximate else "image_band"
        name = column_prefix(col)
        e(f"subgraph cluster_{name} {{")
        e("graph [" + attrs(id=f"cluster_{name}", label=f"<{self.t(key, name=img.name)}>", labeljust="l",
                style="rounded", color=BLUE, fontcolor=BLUE, fontsize=11) + "];", 2)
        k = self.stack.columns.index(col)
        for row in col.rows:
            self.node(row.node, self.row_table(row, k), 2)
        if not col.rows:
            note = self.t("no_own_layers" if col.joins_shared else "no_layers")
            e(f'{name}_none [id="{name}_none", label=<<TABLE BORDER="0" WIDTH="{WIDTH}"><TR><TD>'
              f'{font(note)}</TD></TR></TABLE>>];', 2)
        if img.base == "scratch" and img.base_layers == 0 and not col.joins_shared:
            e(f'{name}_scratch [id="{name}_scratch", label=<<TABLE BORDER="1" STYLE="dashed" COLOR="#9ABFE0" '
              f'CELLBORDER="0" CELLPADDING="4" WIDTH="{WIDTH}"><TR><TD>{font(self.t("no_rootfs"), BLUE, 10)}'
              f'</TD></TR></TABLE>>];', 2)
        e("}")

    def shared_cluster(self) -> None:
        e = self.emit
        names = ", ".join(self.stack.shared_by)
        e("subgraph cluster_shared {")
        e("graph [" + attrs(id="cluster_shared", label=f"<{self.t('shared_band', names=names)}>", labeljust="l",
                            labelloc="b",
                style="rounded,bold", color=BLUE, fontcolor=BLUE, fontsize=11) + "];", 2)
        for row in self.stack.shared:
            k = next(i for i, col in enumerate(self.stack.columns) if col.image is row.image)
            self.node(row.node, self.row_table(row, k), 2)
        e("}")

    def host_width(self) -> int:
        n = max(1, len(self.stack.columns))
        widest = max([1] + [len(col.containers) for col in self.stack.columns])
        n = max(n, widest)
        # each column's cluster adds an 8-point margin on either side
        return n * WIDTH + (n - 1) * (round(self.nodesep * 72) + 16)

    def host_cluster(self) -> None:
        e = self.emit
        w = self.host_width()
        e("subgraph cluster_host {")
        e("graph [" + attrs(id="cluster_host", label=f"<{self.t('host_band')}>", labeljust="l",
                style="filled,rounded", fillcolor="#F2F2F2", color="#999999", fontcolor=GREY_TEXT,
                fontsize=11) + "];", 2)
        e(f'host_bootfs [id="host_bootfs", label=<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="4" '
          f'WIDTH="{w}"><TR><TD>{self.t("bootfs")}</TD></TR></TABLE>>];', 2)
        kernel = self.t("kernel", kernel=self.scene.kernel)
        e(f'host_kernel [id="host_kernel", label=<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="4" '
          f'WIDTH="{w}"><TR><TD>{kernel}</TD></TR></TABLE>>];', 2)
        e("}")

    def port(self, node: str, wanted: tuple[str, ...]) -> str:
        """``node:port:e`` for the first of ``wanted`` rows the node's table has,
        else ``node:e``.

        Story edges end at the row they are about (the file copied up, the
        line found) and always on the east side, away from the stack."""
        if node == "op":
            return "op:w"
        for port in wanted:
            if f'PORT="{port}"' in self.node_html.get(node, ""):
                return f"{node}:{port}:e"
        return f"{node}:e"

    # -- structure and story ------------------------------------------------------------
    def skeleton(self) -> None:
        """Invisible edges that stack every column over the host."""
        e = self.emit
        bottoms = []
        for col in self.stack.columns:
            chain = [container_node(c) for c in col.containers]
            nodes = [r.node for r in col.rows] or [f"{column_prefix(col)}_none"]
            for c in chain:
                e(f"{c} -> {nodes[0]} [style=invis];")
            if col.image.base == "scratch" and col.image.base_layers == 0 and not col.joins_shared:
                nodes.append(f"{column_prefix(col)}_scratch")
            if len(nodes) > 1:
                e(" -> ".join(nodes) + " [style=invis];")
            if col.joins_shared:
                e(f'{nodes[-1]} -> {col.joins_shared} [color="{BLUE}", penwidth=2, arrowhead=none];')
            # every column pulls the host under it, so the host band spans them all
            bottoms.append(nodes[-1])
        if self.stack.shared:
            shared = [r.node for r in self.stack.shared]
            if len(shared) > 1:
                e(" -> ".join(shared) + " [style=invis];")
            bottoms.append(shared[-1])
        for b in bottoms:
            e(f"{b} -> host_bootfs [style=invis];")
        e("host_bootfs -> host_kernel [style=invis];")

    def op_box(self) -> None:
        scene = self.scene
        if scene.command is None and not scene.notes and not self.story.error:
            return
        e = self.emit
        rows = []
        if scene.command is not None:
            # a command in a container reads as typed at a shell prompt
            prompt = "$ " if self.target.container is not None and not scene.command.startswith("$") else ""
            for i, part in enumerate(wrap(scene.command, MAX_OP_CHARS)):
                rows.append(f'<TR><TD ALIGN="LEFT"><FONT FACE="{MONO}">'
                            f'{esc((prompt if i == 0 else "  ") + part)}</FONT></TD></TR>')
        if self.story.error:
            msg = explain(self.story.error)
            rows.append(f'<TR><TD ALIGN="LEFT">{font("<B>" + self.t("error", code=self.story.error, message=msg) + "</B>", VERMILLION)}</TD></TR>')
            stop = self.story.stopped_by_whiteout
            if stop is not None and self.target.container is not None and stop == self.target.upper_index:
                reason = self.t("error_whiteout_upper")
            elif stop is not None:
                reason = self.t("error_whiteout", k=self.number_of(self.target.image, stop))
            elif self.story.error == "ENOENT":
                reason = self.t("error_notfound")
            else:
                reason = ""
            if reason:
                rows.append(f'<TR><TD ALIGN="LEFT">{font(reason, VERMILLION, 10)}</TD></TR>')
        for note in scene.notes:
            for part in wrap(note, MAX_OP_CHARS + 4, max_lines=3):
                rows.append(f'<TR><TD ALIGN="LEFT">{font(esc(part), GREY_TEXT, 10)}</TD></TR>')
        border = VERMILLION if self.story.error else ORANGE
        self.node("op", f'<TABLE BORDER="1" STYLE="rounded" COLOR="{border}" CELLBORDER="0" '
                  f'CELLSPACING="0" CELLPADDING="4" BGCOLOR="#FFF8E1">{"".join(rows)}</TABLE>')
        below, top = self.op_anchor()
        e(f"op -> {below} [style=invis, weight=0];")
        if top is not None:
            e(f"{top} -> op [style=invis, minlen=0];")

    def op_anchor(self) -> tuple[str, str | None]:
        """The boxes the op box hangs beside: the target column's top box and
        the one below it. An invisible ``weight=0`` edge from op to the lower
        one puts op on the top box's rank (the design sketch's trick); a flat
        invisible edge from the top box to op keeps op on its right."""
        tgt = self.target
        # no target (a `docker images` step): beside the tallest column's top
        col = self.stack.columns[tgt.column_index] if tgt.found else (
            max(reversed(self.stack.columns), key=lambda c: len(c.rows) + len(c.containers))
            if self.stack.columns else None)
        if col is None:
            return "host_bootfs", None
        if tgt.found and tgt.container is not None:
            nodes = [container_node(tgt.container)]
        else:
            nodes = [container_node(c) for c in col.containers]
        nodes += [r.node for r in col.rows] or [f"{column_prefix(col)}_none"]
        nodes.append(col.joins_shared or "host_bootfs")
        return nodes[1], nodes[0]

    def story_edges(self) -> None:
        e = self.emit
        style = {
            "copyup": f'color="{VERMILLION}", fontcolor="{VERMILLION}", penwidth=2.2',
            "write": f'color="{ORANGE}", fontcolor="#8A5A00", penwidth=1.6',
            "read": f'color="{GREEN}", fontcolor="{GREEN}", penwidth=1.6',
            "error": f'color="{VERMILLION}", fontcolor="{VERMILLION}", penwidth=1.6, style=dashed',
        }
        has_op = "op" in self.node_html
        for edge in self.story.edges:
            src, dst = self.node_of(edge.src), self.node_of(edge.dst)
            if src is None or dst is None or src == dst:
                continue
            if not has_op and "op" in (src, dst):
                continue
            values = dict(edge.values)
            if "size" in values:
                values["size"] = human_size(values["size"])
            label = self.t(edge.key, **values)
            src_port, dst_port = EDGE_PORTS[edge.kind]
            # Labels never take part in the layout (a flat edge's label would
            # reorder the columns). The short flat edge between the op box and
            # the box beside it gets its label at the stack's end, just above
            # the line; longer edges use xlabel, placed beside their middle.
            beside = self.op_anchor()[1]   # the box the op box sits beside
            if src == "op" and dst == beside:
                kind = f"labelangle=15, labeldistance={end_distance(label)}, headlabel"
            elif dst == "op" and src == beside:
                kind = f"labelangle=15, labeldistance={end_distance(label)}, taillabel"
            else:
                kind = "xlabel"
            e(f"{self.port(src, src_port)} -> {self.port(dst, dst_port)} "
              f"[{kind}=<{label}>, {style[edge.kind]}, constraint=false];")
        if has_op and self.target.found and self.target.container is None and not self.story.edges:
            row = self.this_step_row(self.target.column_index)
            if row is not None:
                label = self.t("edge_step", n=1)
                e(f'op:w -> {row.node}:e [labelangle=15, labeldistance={end_distance(label)}, '
                  f'headlabel=<{label}>, {style["write"]}, constraint=false];')


def end_distance(label: str) -> float:
    """``labeldistance`` that puts an end label's near edge ~10 points off the
    stack: Graphviz centres the label at 10 × distance points from the end."""
    half = text_units(re.sub(r"<[^>]+>", "", label)) * 5.8 / 2
    return round((half + 16) / 10, 1)


def container_node(c: Container) -> str:
    return f"c_{slug(c.name)}"


def column_prefix(col: Column) -> str:
    return f"i_{col.slug}"


def scene_dot(scene: Scene) -> str:
    """Deterministic DOT text for ``scene`` (same scene, same text: golden-testable)."""
    return DotWriter(scene).write()
