"""Scene -> DOT text: three bands (container, image layers, host) and the step.

Layout rules learnt from the design sketch (/work/shared/design):
- every box is an HTML table of a fixed width, so a step changes only what
  its layers change and screenshots line up when a student flips steps;
- node names come from image/container names and history numbers (stable);
- the story edges join whole nodes (edges into table cells route badly);
  they are ranking edges of weight 0, written top-down (``dir=back`` when
  they point up): they never move the stack, and Graphviz orders them, so
  they stay on the side their ports face (``constraint=false`` edges are
  left out of the ordering and land anywhere, even between containers);
- the op box sits just above the box the step happened in (the target
  container, or the top layer of a build), so the drawing is no wider than
  the stack: on a lesson page the SVG is scaled to a panel ~800 px wide,
  and every point of width that is not stack makes the letters smaller;
- story edges run down the outer side of the target column (east, or west
  for the leftmost of several), never between two containers; from an
  image layer up to the op box they pass a point beside the container;
- containers are boxes, not clusters: Graphviz keeps plain nodes of one
  rank in order, so c1 | point | c2 stay side by side and the shared image
  hangs centred from the point between them;
- an edge between two non-neighbouring rows of one band (a build step's
  copy-up) runs down a rail of points beside the rows between; the host
  band gets a point at the same distance, so the two bands still line up;
- one edge per column side to the host's sides (not one to its middle:
  Graphviz minimises summed distances, so two middle edges leave the host
  anywhere between them) keeps the host under all the columns;
- not colour alone: A/C/D letters as ``docker diff`` prints them, and words.
Colours are the Okabe–Ito palette.
"""

from __future__ import annotations

import html
import re

from app.engine import Container, Image, Layer

from .errors_text import explain
from .fitting import attrs, clip, font, text_units, wrap
from .labels import esc, text
from .notes import translate
from .scene import Scene
from .sizes import human_size
from .stack import Column, Row, Stack, plan, slug
from .story import OP, UPPER, Story, tell
from .style import (
    BAND_MARGIN, BAND_TITLE_UNITS, BAND_WIDTH, BLUE, FONT, GREY_TEXT, MAX_NOTE_UNITS, MAX_OP_CHARS, MONO, NODESEP, NODESEP_CONTAINERS, NODESEP_MIDDLE,
    NODESEP_ONE,
    ORANGE, VERMILLION, WIDTH,
)
from .stages import NODE as STAGE_NODE, stage_box, stage_source, stage_title
from .edges import StoryEdges
from .tables import Tables
from .tooltips import plain, tip, tip_value


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
class DotWriter(Tables, StoryEdges):
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
        self.side = self.edge_side()
        self.from_stage = stage_source(scene.command) if self.target.container is None else None
        self.nodesep = self.column_gap()

    def edge_side(self) -> str:
        """The compass side the story edges leave and enter by: "e", or "w"
        when the target is the leftmost of several columns or containers, so
        that no edge (nor its label) runs between two of them."""
        tgt = self.target
        if not tgt.found:
            return "e"
        col = self.stack.columns[tgt.column_index]
        if tgt.container is not None and len(col.containers) > 1:
            return "w" if col.containers[0] is tgt.container else "e"
        if len(self.stack.columns) > 1 and tgt.column_index == 0:
            return "w"
        return "e"

    def column_gap(self) -> float:
        """nodesep: also the gap between the stack and the story edges'
        path, so small; wide only where edges must run between columns."""
        tgt = self.target
        n = len(self.stack.columns)
        if self.story.edges and tgt.found and 0 < tgt.column_index < n - 1:
            return NODESEP_MIDDLE
        if any(len(col.containers) > 1 for col in self.stack.columns):
            # containers side by side sit a point apart: twice the gap
            return NODESEP_CONTAINERS
        if n == 1:
            return NODESEP_ONE
        return NODESEP

    # numbers and names
    def t(self, key: str, **values: object) -> str:
        return text(self.lang, key, self.scene.show_glosses, **values)

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

    def node(self, name: str, table: str, indent: int = 1, tooltip: str = "", href: str | None = None) -> None:
        """Emit one box; its id is its name, so SVG ids stay stable across
        steps; its tooltip (its ``<title>`` in the SVG) is human text; with
        ``href`` the box is a link (the inspector), named by its tooltip."""
        self.node_html[name] = table
        link = f'href="{href_value(href)}", ' if href else ""
        self.emit(f'{name} [id="{name}", {link}{tip(tooltip or plain(table))}, label=<{table}>];', indent)

    def layer_href(self, row: Row) -> str | None:
        links = self.scene.links
        if links is None or row.layer is None:
            return None
        return links.layer_url(row.image.name, row.layer)

    def write(self) -> str:
        e = self.emit
        self.lines = ["digraph layerlab {"]
        e(f'graph [rankdir=TB, nodesep={self.nodesep}, ranksep=0.3, fontname="{FONT}", bgcolor="white", '
          f'pad=0.2, newrank=true, forcelabels=true, outputorder=edgesfirst, {self.graph_tip()}];')
        e(f'node [shape=plain, fontname="{FONT}", fontsize=11];')
        e(f'edge [fontname="{FONT}", fontsize=10, arrowsize=0.8];')
        for col in self.stack.columns:
            rows = [self.container_rows(c) for c in col.containers]
            tallest = max((len(r) for r in rows), default=0)
            for c, r in zip(col.containers, rows):
                # containers side by side end level, as they sit on one image
                self.container_box(c, r + [self.cell(" ")] * (tallest - len(r)))
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
    def container_box(self, c: Container, rows: list[str]) -> None:
        """The container band: a dashed box around its layer, drawn as one
        node, not a cluster. Graphviz keeps the left-to-right order of plain
        nodes on one rank (it does not for clusters), and the café picture
        needs that: c1 | c2 side by side, the image centred under them, the
        story edges on the outside."""
        band = self.band_label("container_band", c.name, " · " + esc(human_size(c.upper.size)))
        self.node(container_node(c),
                  f'<TABLE BORDER="1" STYLE="rounded,dashed" COLOR="{VERMILLION}" CELLBORDER="0" '
                  f'CELLSPACING="0" CELLPADDING="0" WIDTH="{BAND_WIDTH}">'
                  f'<TR><TD ALIGN="LEFT" CELLPADDING="5">{font(band, VERMILLION, 11)}</TD></TR>'
                  f'<TR><TD CELLPADDING="{BAND_MARGIN - 1}">{self.container_table(rows)}</TD></TR></TABLE>',
                  tooltip=plain(self.t("container_band", name=c.name)) + " · " + human_size(c.upper.size),
                  href=self.scene.links.container_url(c.name) if self.scene.links else None)

    def band_label(self, key: str, name: str, tail: str = "") -> str:
        """A band's title with the name clipped so the title never widens
        the band (a wider label would push the band past the host's)."""
        first_line = tail.split("<BR")[0]
        rest = text_units(html.unescape(re.sub(r"<[^>]+>", "", self.t(key, name="") + first_line)))
        return self.t(key, name=clip(name, max(8, BAND_TITLE_UNITS - rest))) + tail

    def image_cluster(self, col: Column) -> None:
        e = self.emit
        img = col.image
        key = "image_band_approx" if img.approximate else "image_band"
        name = column_prefix(col)
        tail = ""
        if len(col.containers) > 1:
            # the diskless internet café: one image under several containers
            names = ", ".join(c.name for c in col.containers)
            tail = '<BR ALIGN="LEFT"/>' + self.t("image_shared_by", names=clip(names, 40)) + '<BR ALIGN="LEFT"/>'
        label = self.band_label(key, img.name, tail)
        e(f"subgraph cluster_{name} {{")
        e("graph [" + attrs(id=f"cluster_{name}", label=f"<{label}>", labeljust="l",
                            tooltip=tip_value(plain(self.t(key, name=img.name))),
                style="rounded", color=BLUE, fontcolor=BLUE, fontsize=11) + "];", 2)
        k = self.stack.columns.index(col)
        for row in col.rows:
            self.node(row.node, self.row_table(row, k), 2, self.row_tip(row), self.layer_href(row))
        self.rail_points([r.node for r in col.rows])
        if not col.rows:
            note = self.t("no_own_layers" if col.joins_shared else "no_layers")
            e(f'{name}_none [id="{name}_none", {tip(note)}, label=<<TABLE BORDER="0" WIDTH="{WIDTH}"><TR><TD>'
              f'{font(note)}</TD></TR></TABLE>>];', 2)
        if img.base == "scratch" and img.base_layers == 0 and not col.joins_shared:
            e(f'{name}_scratch [id="{name}_scratch", {tip(plain(self.t("no_rootfs")))}, label=<<TABLE BORDER="1" STYLE="dashed" COLOR="#9ABFE0" '
              f'CELLBORDER="0" CELLPADDING="4" WIDTH="{WIDTH}"><TR><TD>{font(self.t("no_rootfs"), BLUE, 10)}'
              f'</TD></TR></TABLE>>];', 2)
        e("}")

    def shared_cluster(self) -> None:
        e = self.emit
        names = clip(", ".join(self.stack.shared_by), 30)
        e("subgraph cluster_shared {")
        e("graph [" + attrs(id="cluster_shared", label=f"<{self.t('shared_band', names=names)}>", labeljust="l",
                            tooltip=tip_value(plain(self.t("shared_band", names=", ".join(self.stack.shared_by)))),
                            labelloc="b",
                style="rounded,bold", color=BLUE, fontcolor=BLUE, fontsize=11) + "];", 2)
        for row in self.stack.shared:
            k = next(i for i, col in enumerate(self.stack.columns) if col.image is row.image)
            self.node(row.node, self.row_table(row, k), 2, self.row_tip(row), self.layer_href(row))
        self.rail_points([r.node for r in self.stack.shared])
        e("}")

    def host_width(self) -> int:
        """As wide as the columns above it, or as the containers side by
        side on one image (a point between each two: twice the gap)."""
        gap = round(self.nodesep * 72)   # between two boxes side by side
        n = max(1, len(self.stack.columns))
        columns = n * WIDTH + (n - 1) * gap
        if n > 1 and any(col.containers for col in self.stack.columns):
            # containers over neighbouring columns, a band wide each, set the pitch
            columns = n * BAND_WIDTH + (n - 1) * gap - 2 * BAND_MARGIN
        k = max([1] + [len(col.containers) for col in self.stack.columns])
        # a container box is as wide as a band, which adds a margin either side
        containers = k * BAND_WIDTH + (k - 1) * 2 * gap - 2 * BAND_MARGIN
        return max(columns, containers)

    def host_cluster(self) -> None:
        e = self.emit
        w = self.host_width()
        e("subgraph cluster_host {")
        e("graph [" + attrs(id="cluster_host", label=f"<{self.t('host_band')}>", labeljust="l",
                            tooltip=tip_value(plain(self.t("host_band"))),
                style="filled,rounded", fillcolor="#F2F2F2", color="#999999", fontcolor=GREY_TEXT,
                fontsize=11) + "];", 2)
        e(f'host_bootfs [id="host_bootfs", {tip(plain(self.t("bootfs")))}, label=<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="4" '
          f'WIDTH="{w}"><TR><TD>{self.t("bootfs")}</TD></TR></TABLE>>];', 2)
        kernel = self.t("kernel", kernel=self.scene.kernel)
        e(f'host_kernel [id="host_kernel", {tip(plain(kernel))}, label=<<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="4" '
          f'WIDTH="{w}"><TR><TD>{kernel}</TD></TR></TABLE>>];', 2)
        # the rails beside an image band widen it: the host band widens alike
        # (points at the same distance), so the two still line up
        k = self.target.column_index
        outer = k is not None and k == (len(self.stack.columns) - 1 if self.side == "e" else 0)
        if outer or self.stack.shared:
            left = "host_bootfs"
            for i in range(len(self.rails())):
                e(f'host_rail{i} [id="host_rail{i}", shape=point, width=0, style=invis, label=""];', 2)
                e(f"{{rank=same; {left}; host_rail{i};}}", 2)
                pair = (left, f"host_rail{i}") if self.side == "e" else (f"host_rail{i}", left)
                e(f"{pair[0]} -> {pair[1]} [style=invis, weight=10];", 2)
                left = f"host_rail{i}"
        e("}")

    def port(self, node: str, wanted: tuple[str, ...]) -> str:
        """``node:port:side`` for the first of ``wanted`` rows the node's table
        has, else ``node:side``.

        Story edges end at the row they are about (the file copied up, the
        line found), on the outer side of the stack (``self.side``)."""
        side = self.side
        for port in wanted:
            if f'PORT="{port}"' in self.node_html.get(node, ""):
                return f"{node}:{port}:{side}"
        return f"{node}:{side}"

    # -- structure and story ------------------------------------------------------------
    def skeleton(self) -> None:
        """Invisible edges that stack every column over the host."""
        e = self.emit
        bottoms = []
        for col in self.stack.columns:
            chain = [container_node(c) for c in col.containers]
            nodes = [r.node for r in col.rows] or [f"{column_prefix(col)}_none"]
            if len(chain) == 1:
                e(f"{chain[0]} -> {nodes[0]} [style=invis];")
            elif chain:
                # c1 · c2 · …: a point between each two, on their rank; the
                # image hangs from the middle one, so it is centred under all
                for i in range(1, len(chain)):
                    gap = f"gap_{col.slug}_{i}"
                    e(f'{gap} [id="{gap}", shape=point, width=0, style=invis, label=""];')
                    chain.insert(2 * i - 1, gap)
                e("{rank=same; " + "; ".join(chain) + ";}")
                e(" -> ".join(chain) + " [style=invis, weight=10];")
                for c in chain[::2]:
                    e(f"{c} -> {nodes[0]} [style=invis, weight=0];")
                e(f"{chain[len(chain) // 2]} -> {nodes[0]} [style=invis, weight=10];")
            if col.image.base == "scratch" and col.image.base_layers == 0 and not col.joins_shared:
                nodes.append(f"{column_prefix(col)}_scratch")
            if len(nodes) > 1:
                e(" -> ".join(nodes) + " [style=invis];")
            if col.joins_shared:
                e(f'{nodes[-1]} -> {col.joins_shared} [color="{BLUE}", penwidth=2, arrowhead=none];')
            bottoms.append((nodes[-1], col.joins_shared))
        own = [b for b, joins in bottoms if not joins]
        if len(own) == 1 and len(bottoms) == 1:
            e(f"{own[0]} -> host_bootfs [style=invis];")
        else:
            # Several columns over one host, which is as wide as all of them.
            # Two plain edges into one node leave it anywhere between their
            # ends (Graphviz minimises the sum of distances); tying every
            # column's west and east sides to the host's has one best place,
            # the middle, whatever order the columns end up in.
            for b in own:
                e(f"{b} -> host_bootfs [style=invis, weight=0];")
                e(f"{b}:w -> host_bootfs:w [style=invis, weight=5];")
                e(f"{b}:e -> host_bootfs:e [style=invis, weight=5];")
        if self.stack.shared:
            shared = [r.node for r in self.stack.shared]
            if len(shared) > 1:
                e(" -> ".join(shared) + " [style=invis];")
            # Columns over the shared band: tied the same way to its top (the
            # host's ends are out of reach there: the ties would have to pass
            # the shared band). Its one best place is anywhere in the gap
            # between two columns: centred to within half a gap.
            for b, joins in bottoms:
                if joins:
                    e(f"{b}:w -> {shared[0]}:n [style=invis, weight=5];")
                    e(f"{b}:e -> {shared[0]}:n [style=invis, weight=5];")
            e(f"{shared[-1]} -> host_bootfs [style=invis];")
        e("host_bootfs -> host_kernel [style=invis];")

    def op_box(self) -> None:
        scene = self.scene
        if not self.has_op_box():
            return
        rows = []
        if scene.command is not None:
            # a command in a container reads as typed at a shell prompt
            prompt = "$ " if self.target.container is not None and not scene.command.startswith("$") else ""
            for i, part in enumerate(wrap(scene.command, MAX_OP_CHARS)):
                rows.append(f'<TR><TD ALIGN="LEFT"><FONT FACE="{MONO}">'
                            f'{esc((prompt if i == 0 else "  ") + part)}</FONT></TD></TR>')
        if self.story.error:
            msg = explain(self.story.error, self.lang)
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
        for note in self.notes():
            for part in wrap(note, MAX_NOTE_UNITS, max_lines=3):
                rows.append(f'<TR><TD ALIGN="LEFT">{font(esc(part), GREY_TEXT, 10)}</TD></TR>')
        border = VERMILLION if self.story.error else ORANGE
        self.node("op", f'<TABLE BORDER="1" STYLE="rounded" COLOR="{border}" CELLBORDER="0" '
                  f'CELLSPACING="0" CELLPADDING="4" BGCOLOR="#FFF8E1">{"".join(rows)}</TABLE>',
                  tooltip=" · ".join([scene.command or ""] + self.notes()).strip(" ·"))
        # one rank above the box the step happened in, centred on it
        self.emit(f"op -> {self.op_anchor()} [style=invis, weight=4];")
        if self.from_stage is not None:
            # the stage copied from, beside the op box: the arrow starts there
            title = self.t("stage_box", stage=stage_title(self.from_stage.stage))
            self.node(STAGE_NODE, stage_box(self.from_stage, f"<B>{title}</B>"))
            self.emit(f"{{rank=same; op; {STAGE_NODE};}}")
            pair = ("op", STAGE_NODE) if self.side == "e" else (STAGE_NODE, "op")
            self.emit(f"{pair[0]} -> {pair[1]} [style=invis];")

    def op_anchor(self) -> str:
        """The box the op box sits above: the target container, else the top
        box of the target column (of the tallest column when there is no
        target, as in a `docker images` step)."""
        tgt = self.target
        if tgt.found and tgt.container is not None:
            return container_node(tgt.container)
        cols = self.stack.columns
        if not cols:
            return "host_bootfs"
        col = cols[tgt.column_index] if tgt.found else max(
            reversed(cols), key=lambda c: len(c.rows) + len(c.containers))
        if col.containers:
            return container_node(col.containers[0])
        return self.top_row_node(col)

    def notes(self) -> list[str]:
        """The scene's notes in the page's language."""
        return [translate(n, self.lang) for n in self.scene.notes]

    def graph_tip(self) -> str:
        """The whole drawing's title: what it shows, in a few words."""
        names = ", ".join(col.image.name for col in self.stack.columns)
        return tip(plain(self.t("diagram_title", names=names or "-")) + (
            " · " + self.scene.command if self.scene.command else ""))

    def has_op_box(self) -> bool:
        scene = self.scene
        return scene.command is not None or bool(scene.notes) or bool(self.story.error)


def container_node(c: Container) -> str:
    return f"c_{slug(c.name)}"


def column_prefix(col: Column) -> str:
    return f"i_{col.slug}"


def href_value(url: str) -> str:
    """A URL as a DOT escString: quotes and backslashes escaped (``\\N`` would be the node name)."""
    return url.replace("\\", "\\\\").replace('"', '\\"')


def scene_dot(scene: Scene) -> str:
    """Deterministic DOT text for ``scene`` (same scene, same text: golden-testable)."""
    return DotWriter(scene).write()
