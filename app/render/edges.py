"""The story edges: the numbered arrows of a step, drawn between whole nodes.

Mixed into the DOT writer (dot.py, whose docstring has the layout rules
these follow): which edges the story has and where their labels go, the
rails that carry an edge past the rows between its ends, and the one way
every edge is written (top-down, weight 0, ``dir=back`` when it points up).
"""

from __future__ import annotations

import re

from .fitting import text_units
from .sizes import human_size
from .stages import NODE as STAGE_NODE, stage_title
from .style import GREEN, ORANGE, VERMILLION
from .tooltips import plain, tip

# (tail row, head row) each story edge kind attaches to, when the node has it
EDGE_PORTS = {"copyup": (("copy",), ("copied", "touched")), "write": ((), ("touched", "copied")),
              "read": (("found",), ()), "error": (("probe",), ())}


class StoryEdges:
    """Needs the writer's ``story``, ``stack``, ``target``, ``side``, ``scene``,
    ``from_stage``, ``node_html``, ``emit``, ``t``, ``node_of``, ``port``,
    ``op_anchor`` and ``has_op_box``."""

    def story_lines(self) -> list[tuple[str, str, str, str]]:
        """(kind, tail, head, label) of every story edge that can be drawn."""
        has_op = "op" in self.node_html or self.has_op_box()
        out = []
        for edge in self.story.edges:
            src, dst = self.node_of(edge.src), self.node_of(edge.dst)
            if src is None or dst is None or src == dst:
                continue
            if not has_op and "op" in (src, dst):
                continue
            values = dict(edge.values)
            if "size" in values:
                values["size"] = human_size(values["size"])
            key = edge.key
            if self.from_stage is not None and src == "op" and edge.kind == "write":
                src, key = STAGE_NODE, "edge_from_stage"
                values["stage"] = stage_title(self.from_stage.stage)
            # two lines: "2. copy-up 写时复制" over "312 B", a narrower label
            label = self.t(key, **values).replace(" · ", '<BR ALIGN="LEFT"/>', 1)
            out.append((edge.kind, src, dst, label))
        return out

    def rails(self) -> list[tuple[str, str, list[str]]]:
        """(tail, head, rows between them, top first) for each story edge
        between two rows of one band that are not neighbours (a build
        step's copy-up from a lower layer). The edge runs down a rail of
        points beside the rows between: left to Graphviz, its route would
        sit inside the band and widen it past the host band below."""
        out = []
        bands = [col.rows for col in self.stack.columns] + [self.stack.shared]
        for _, src, dst, _ in self.story_lines():
            for rows in bands:
                nodes = [r.node for r in rows]
                if src in nodes and dst in nodes:
                    i, j = sorted((nodes.index(src), nodes.index(dst)))
                    if j - i > 1:
                        out.append((src, dst, nodes[i + 1: j]))
        return out

    def rail_points(self, rows: list[str], indent: int = 2) -> None:
        """The points of every rail beside ``rows``, each on its row's rank."""
        for k, (_, _, rail) in enumerate(self.rails()):
            for node in rail:
                if node not in rows:
                    continue
                point = f"rail{k}_{node}"
                left = node if k == 0 else f"rail{k - 1}_{node}"
                self.emit(f'{point} [id="{point}", shape=point, width=0, style=invis, label=""];', indent)
                self.emit(f"{{rank=same; {left}; {point};}}", indent)
                pair = (left, point) if self.side == "e" else (point, left)
                self.emit(f"{pair[0]} -> {pair[1]} [style=invis, weight=10];", indent)

    def story_edges(self) -> None:
        e = self.emit
        style = {
            "copyup": f'color="{VERMILLION}", fontcolor="{VERMILLION}", penwidth=2.2',
            "write": f'color="{ORANGE}", fontcolor="#8A5A00", penwidth=1.6',
            "read": f'color="{GREEN}", fontcolor="{GREEN}", penwidth=1.6',
            "error": f'color="{VERMILLION}", fontcolor="{VERMILLION}", penwidth=1.6, style=dashed',
        }
        rails = self.rails()
        bends = 0
        for kind, src, dst, label in self.story_lines():
            tail = self.port(src, EDGE_PORTS[kind][0])
            head = self.port(dst, EDGE_PORTS[kind][1])
            # Labels never take part in the layout (xlabel): a label that
            # did would widen the drawing by its own width.
            k = next((i for i, r in enumerate(rails) if r[:2] == (src, dst)), None)
            if k is not None:
                points = [f"rail{k}_{n}" for n in rails[k][2]]
                if self.stack_index(src) < self.stack_index(dst):
                    points.reverse()   # the tail is the upper row
                # tail -> points ... -> head, each piece between neighbouring
                # ranks; the label on the middle piece
                chain = [tail] + points + [head]
                mid = (len(chain) - 1) // 2
                for i in range(len(chain) - 1):
                    attrs = ([f"xlabel=<{label}>"] if i == mid else []) + [style[kind]]
                    self.segment(chain[i], chain[i + 1], attrs, arrow=i == len(chain) - 2,
                                 clip_tail=i == 0, clip_head=i == len(chain) - 2, title=plain(label))
                continue
            anchor = self.op_anchor()
            if dst == "op" and anchor.startswith("c_") and src != anchor:
                # From an image layer up to the op box over a container: through
                # a point beside the container, on the outer side, so the
                # edge never runs between two containers.
                bends += 1
                via = f"bend{bends}"
                e(f'{via} [id="{via}", shape=point, width=0, style=invis, label=""];')
                e(f"{{rank=same; {anchor}; {via};}}")
                e(f"{anchor} -> {via} [style=invis];" if self.side == "e" else f"{via} -> {anchor} [style=invis];")
                self.segment(tail, via, [style[kind]], arrow=False, clip_head=False, title=plain(label))
                self.segment(via, head, [self.label_at(src, label, dst), style[kind]], clip_tail=False,
                             title=plain(label))
                continue
            self.segment(tail, head, [self.label_at(src, label, dst), style[kind]], title=plain(label))
        if self.has_op_box() and self.target.found and self.target.container is None and not self.story.edges:
            row = self.this_step_row(self.target.column_index)
            if row is not None:
                label = self.t("edge_step", n=1)
                self.segment(f"op:{self.side}", f"{row.node}:{self.side}", [self.label_at("op", label), style["write"]],
                             title=plain(label))

    def segment(self, tail: str, head: str, attrs: list[str], arrow: bool = True,
                clip_tail: bool = True, clip_head: bool = True, title: str = "") -> None:
        """One story edge (or piece of one), arrow at ``head``.

        Written top-down whatever way it points (``dir=back`` when it points
        up), as a ranking edge of weight 0: Graphviz leaves edges with
        ``constraint=false`` out of its ordering, and their route then
        lands wherever; ranking edges are ordered, so a story edge stays on
        the side its ports face (not between two containers)."""
        up = self.level(tail) > self.level(head)
        a, b = (head, tail) if up else (tail, head)
        opts = []
        if not arrow:
            opts.append("dir=none")
        elif up:
            opts.append("dir=back")
        clip_a, clip_b = (clip_head, clip_tail) if up else (clip_tail, clip_head)
        if not clip_a:
            opts.append("tailclip=false")
        if not clip_b:
            opts.append("headclip=false")
        if up:   # an end label stays at its end
            swap = {"headlabel": "taillabel", "taillabel": "headlabel"}
            attrs = [re.sub(r"^(head|tail)label", lambda m: swap[m.group(0)], a) for a in attrs]
        flat = self.level(tail) == self.level(head)
        opts += attrs + [tip(title)] + (["constraint=false"] if flat else ["weight=0"])
        self.emit(f"{a} -> {b} [{', '.join(opts)}];")

    def level(self, node: str) -> int:
        """Top-down order of the boxes a story edge can join: op box,
        containers, the column's rows, the shared band."""
        node = node.split(":")[0]
        if node in ("op", STAGE_NODE):
            return 0
        if node.startswith(("c_", "bend")):
            return 1
        if node.startswith("rail"):
            node = node.split("_", 1)[1]
        for col in self.stack.columns:
            nodes = [r.node for r in col.rows]
            if node in nodes:
                return 2 + nodes.index(node)
        nodes = [r.node for r in self.stack.shared]
        if node in nodes:
            return 1000 + nodes.index(node)
        return 500

    def label_at(self, tail: str, label: str, head: str = "") -> str:
        """Where an edge's label goes. An edge leaving or reaching the op box
        is labelled just beside the op box, above its line, where nothing
        else is (at its middle the label would sit on a band's border);
        other edges get an ``xlabel`` beside their middle."""
        if "op" not in (tail, head):
            return f"xlabel=<{label}>"
        end = "taillabel" if tail == "op" else "headlabel"
        angle = 15 if self.side == "e" else -15
        return f"{end}=<{label}>, labelangle={angle}, labeldistance={end_distance(label)}"

    def stack_index(self, node: str) -> int:
        """Top-down position of a row in its band."""
        for rows in [col.rows for col in self.stack.columns] + [self.stack.shared]:
            nodes = [r.node for r in rows]
            if node in nodes:
                return nodes.index(node)
        return -1


def end_distance(label: str) -> float:
    """``labeldistance`` that puts an end label's near edge a few points off
    the box: Graphviz centres the label at 10 × distance points from the end."""
    lines = re.sub(r"<BR[^>]*>", "\n", label)
    half = max(text_units(re.sub(r"<[^>]+>", "", ln)) for ln in lines.split("\n")) * 5.8 / 2
    return round((half + 8) / 10, 1)
