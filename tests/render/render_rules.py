"""The slide rules a laid-out diagram must keep, shared by the layout tests
of the example scenes and of every lesson step.

Positions come from ``dot -Tjson`` (points, y grows upwards). On a lesson
page the SVG is scaled to a panel about 800 px wide, so width that is not
stack makes every letter smaller: these rules keep the op box on top of the
stack, the bands lined up, and the drawing no wider than it needs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import graphviz

from app.render.style import BAND_WIDTH, WIDTH

Box = tuple[float, float, float, float]   # x0, y0, x1, y1

# how much wider than its bands a drawing may be: room for the story edges
# and their labels beside the stack (the op box itself sits above it)
EDGE_ROOM = 200
SLACK = 1.5   # points: Graphviz rounds positions


@dataclass
class Layout:
    width: float
    boxes: dict[str, Box]       # node name -> box
    clusters: dict[str, Box]    # cluster name -> box


def layout(dot: str) -> Layout:
    data = json.loads(graphviz.pipe("dot", "json", dot.encode("utf-8"), quiet=True))
    boxes, clusters = {}, {}
    for obj in data["objects"]:
        if "pos" in obj:
            x, y = map(float, obj["pos"].split(","))
            w, h = float(obj["width"]) * 72, float(obj["height"]) * 72
            boxes[obj["name"]] = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        elif obj["name"].startswith("cluster_"):
            clusters[obj["name"]] = tuple(map(float, obj["bb"].split(",")))
    return Layout(float(data["bb"].split(",")[2]), boxes, clusters)


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def problems(lay: Layout, dot: str) -> list[str]:
    """Every rule the layout breaks, in words (empty: a good slide)."""
    out = []
    b = {n: v for n, v in lay.boxes.items() if v[2] - v[0] > 1}   # points (rails, bends) are no boxes
    rows = {n: v for n, v in b.items() if n.startswith("i_") and not n.endswith(("_none", "_scratch"))}
    conts = {n: v for n, v in b.items() if n.startswith("c_")}
    bad = {n: round(v[2] - v[0]) for n, v in rows.items() if round(v[2] - v[0]) != WIDTH}
    bad |= {n: round(v[2] - v[0]) for n, v in conts.items() if round(v[2] - v[0]) != BAND_WIDTH}
    if bad:
        out.append(f"boxes of the wrong width: {bad}")
    names = sorted(b)
    for i, p in enumerate(names):
        for q in names[i + 1:]:
            if overlap(b[p], b[q]):
                out.append(f"{p} overlaps {q}")

    # the bands line up: the host band spans exactly the bands above it
    host = lay.clusters["cluster_host"]
    above = [v for n, v in lay.clusters.items() if n != "cluster_host"] + list(conts.values())
    left, right = min(v[0] for v in above), max(v[2] for v in above)
    slack = SLACK
    if "cluster_shared" in lay.clusters:
        # columns over a shared band are centred on it to within half the
        # gap between them (dot.py's skeleton says why)
        slack += float(re.search(r"nodesep=([0-9.]+)", dot).group(1)) * 72 / 2
    if abs(left - host[0]) > slack or abs(right - host[2]) > slack:
        out.append(f"bands not aligned: above {left:.0f}..{right:.0f}, host {host[0]:.0f}..{host[2]:.0f}")

    # containers on one image: side by side, level, the image centred under them
    for n, v in conts.items():
        if rows and v[1] < max(r[3] for r in rows.values()):
            out.append(f"{n} is not above the image layers")
    if len(conts) > 1:
        bottoms = {round(v[1]) for v in conts.values()}
        if max(bottoms) - min(bottoms) > 6:
            out.append(f"containers not level: bottoms {sorted(bottoms)}")
        images = [v for n, v in lay.clusters.items() if n.startswith("cluster_i_")]
        if len(images) == 1:
            middle = (min(v[0] for v in conts.values()) + max(v[2] for v in conts.values())) / 2
            if abs((images[0][0] + images[0][2]) / 2 - middle) > SLACK:
                out.append("the shared image is not centred under its containers")

    # the op box sits above the box the step happened in, never beside it
    if "op" in b:
        op = b["op"]
        anchor = next(line.split()[2] for line in dot.splitlines() if line.strip().startswith("op -> "))
        a = b.get(anchor) or lay.boxes[anchor]
        if op[1] < a[3] - SLACK:
            out.append(f"op box not above {anchor}")
        if not a[0] - SLACK <= (op[0] + op[2]) / 2 <= a[2] + SLACK:
            out.append(f"op box not over {anchor}")
        if op[2] - op[0] > BAND_WIDTH + SLACK:
            out.append(f"op box wider than a band: {op[2] - op[0]:.0f}")
        for n, v in list(lay.clusters.items()) + list(conts.items()):
            if overlap(op, v):
                out.append(f"op box on top of {n}")

    # compact: no wider than the bands plus room for the story beside them
    if lay.width > (host[2] - host[0]) + EDGE_ROOM:
        out.append(f"drawing {lay.width:.0f} pt wide for bands of {host[2] - host[0]:.0f} pt")
    return out
