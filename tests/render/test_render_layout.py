"""Where Graphviz puts things: the rules a slide needs, checked on real layouts.

Positions come from ``dot -Tjson`` (points, y grows upwards). These tests are
the "look at it" rules written down: boxes of one width, nothing on top of
anything else, the three bands in order, the op box beside the stack.
"""

from __future__ import annotations

import json

import graphviz
import pytest

from app.engine import Change, Container, Dir, File, HistoryEntry, Image, Inode, Layer, Probe, Trace, Whiteout
from app.render import Scene, scene_dot
from app.render.style import WIDTH
from app.render.examples import EXAMPLES


def layout(scene: Scene) -> dict:
    return json.loads(graphviz.pipe("dot", "json", scene_dot(scene).encode("utf-8")))


def boxes(data: dict) -> dict[str, tuple[float, float, float, float]]:
    """node name -> (x0, y0, x1, y1) in points."""
    out = {}
    for obj in data["objects"]:
        if "pos" not in obj:
            continue
        x, y = map(float, obj["pos"].split(","))
        w, h = float(obj["width"]) * 72, float(obj["height"]) * 72
        out[obj["name"]] = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
    return out


def clusters(data: dict) -> dict[str, tuple[float, ...]]:
    return {o["name"]: tuple(map(float, o["bb"].split(","))) for o in data["objects"]
            if o["name"].startswith("cluster_")}


def overlap(a, b) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def in_language(make, lang: str) -> Scene:
    scene = make()
    scene.lang = lang
    return scene


@pytest.fixture(scope="module")
def layouts() -> dict[str, dict]:
    return {name: layout(make()) for name, make in EXAMPLES.items()}


@pytest.fixture(scope="module")
def layouts_zh() -> dict[str, dict]:
    return {name: layout(in_language(make, "zh")) for name, make in EXAMPLES.items()}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_every_layer_and_container_box_has_the_same_width(layouts, layouts_zh, name: str, lang: str) -> None:
    data = layouts[name] if lang == "en" else layouts_zh[name]
    widths = {n: round(b[2] - b[0]) for n, b in boxes(data).items() if n.startswith(("i_", "c_"))}
    assert set(widths.values()) == {WIDTH}, widths


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_no_box_overlaps_another(layouts, layouts_zh, name: str, lang: str) -> None:
    b = boxes(layouts[name] if lang == "en" else layouts_zh[name])
    names = sorted(b)
    clashes = [(p, q) for i, p in enumerate(names) for q in names[i + 1:] if overlap(b[p], b[q])]
    assert not clashes


WITH_OP = [n for n, make in EXAMPLES.items() if make().command is not None]


@pytest.mark.parametrize("name", WITH_OP)
def test_op_box_stays_outside_every_band(layouts, name: str) -> None:
    b = boxes(layouts[name])
    for cluster, bb in clusters(layouts[name]).items():
        assert not overlap(b["op"], bb), cluster


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_bands_in_order_containers_over_images_over_host(layouts, name: str) -> None:
    b = boxes(layouts[name])
    host_top = max(b["host_bootfs"][3], b["host_kernel"][3])
    rows = [v for n, v in b.items() if n.startswith("i_")]
    conts = [v for n, v in b.items() if n.startswith("c_")]
    assert min(r[1] for r in rows) > host_top
    if conts:
        assert min(c[1] for c in conts) > max(r[3] for r in rows)


def test_history_rows_run_newest_on_top(layouts) -> None:
    b = boxes(layouts["modify_copy_up"])
    tops = [b[f"i_web_h{i}"][1] for i in range(4)]
    assert tops == sorted(tops)


def test_an_untouched_layer_is_drawn_identically_in_every_step() -> None:
    """Stable names and fixed text: flipping steps, only what changed moves."""
    def line(name: str, node: str) -> str:
        return next(ln for ln in scene_dot(EXAMPLES[name]()).splitlines() if ln.strip().startswith(node + " "))
    for node in ("i_web_h3", "i_web_h1"):
        assert len({line(s, node) for s in ("add", "read_found", "modify_copy_up", "delete_whiteout")}) == 1


def test_long_names_and_paths_never_widen_a_box() -> None:
    """Clipping, not stretching: a path of 200 characters stays in its box."""
    deep = "/srv/" + "/".join(["a-very-long-directory-name"] * 8) + "/file-with-a-long-name.txt"
    lower = Layer()
    lower.put("/", Dir())
    lower.put(deep, File(Inode(b"x" * 10)))
    lower.freeze()
    img = Image("registry.example.com/team/some-really-long-image-name:2024.11.28-build.1234",
                (lower,), (HistoryEntry("RUN " + "echo spam && " * 30),), base="debian:bookworm", base_layers=1,
                os_release="An Operating System With A Remarkably Long Pretty Name (codename)")
    upper = Layer()
    upper.put(deep, File(Inode(b"changed")))
    upper.put("/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_InRelease", Whiteout())
    c = Container("a-container-with-a-name-longer-than-most", img, upper)
    t = Trace("write", deep, probes=[Probe(1, deep, "miss"), Probe(0, deep, "found")], found_in=0,
              changes=[Change("C", deep)])
    data = layout(Scene([img], [c], [t], target=c.name, command="echo changed > " + deep))
    widths = {n: round(v[2] - v[0]) for n, v in boxes(data).items() if n.startswith(("i_", "c_"))}
    assert set(widths.values()) == {WIDTH}, widths
