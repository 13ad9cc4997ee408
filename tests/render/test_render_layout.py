"""Where Graphviz puts things: the rules a slide needs, checked on real layouts.

Positions come from ``dot -Tjson`` (points, y grows upwards). These tests are
the "look at it" rules written down: boxes of one width, nothing on top of
anything else, the three bands in order and lined up, the op box above the
stack, two containers side by side over the image they share.
"""

from __future__ import annotations

import json

import graphviz
import pytest

from app.engine import Change, Container, Dir, File, HistoryEntry, Image, Inode, Layer, Probe, Trace, Whiteout
from app.render import Scene, scene_dot
from render_examples import EXAMPLES
from app.render.style import BAND_WIDTH, WIDTH
from render_rules import layout as rules_layout, problems


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


def in_language(make, lang: str) -> Scene:
    scene = make()
    scene.lang = lang
    return scene


@pytest.fixture(scope="module")
def layouts() -> dict[str, dict]:
    return {name: layout(make()) for name, make in EXAMPLES.items()}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_every_example_keeps_the_slide_rules(name: str, lang: str) -> None:
    """Fixed widths, nothing overlapping, bands lined up with the host, the op
    box above the step's box, and no wider than the stack and its story
    (render_rules.py says each rule in words)."""
    dot = scene_dot(in_language(EXAMPLES[name], lang))
    assert problems(rules_layout(dot), dot) == []


def test_op_box_sits_above_the_stack_not_beside_it(layouts) -> None:
    """On a lesson page the SVG is scaled to ~800 px: a single stack with
    its op box stays about as narrow as the stack and its story edges."""
    for name in ("add", "modify_copy_up", "read_after_whiteout", "build_run", "metadata_step"):
        b = boxes(layouts[name])
        stack = [v for n, v in b.items() if n.startswith(("i_", "c_"))]
        assert b["op"][1] > max(v[3] for v in stack), name
        assert float(layouts[name]["bb"].split(",")[2]) < 1.5 * BAND_WIDTH, name


def test_two_containers_sit_side_by_side_over_the_image_they_share(layouts) -> None:
    """The diskless internet café: both writable layers level, directly over
    the one image, which is centred under them; the op box over the target."""
    b = boxes(layouts["two_containers"])
    one, two = b["c_cafe_1"], b["c_cafe_2"]
    assert one[2] < two[0] and abs(one[1] - two[1]) < 6
    image = clusters(layouts["two_containers"])["cluster_i_debian_bookworm"]
    assert abs((image[0] + image[2]) / 2 - (one[0] + two[2]) / 2) < 1.5
    assert min(one[1], two[1]) > image[3]
    op = b["op"]
    assert op[1] > two[3] and two[0] <= (op[0] + op[2]) / 2 <= two[2]


def test_story_edges_run_outside_the_pair_of_containers() -> None:
    """A read in the left container goes up its left side, never between
    the two containers (where the op box used to land)."""
    scene = EXAMPLES["two_containers"]()
    img = scene.images[0]
    scene.traces = [Trace("read", "/etc/os-release", probes=[Probe(1, "/etc/os-release", "miss"),
                                                              Probe(0, "/etc/os-release", "found")],
                          found_in=0, bytes_read=267)]
    scene.target, scene.command, scene.notes = "cafe-1", "cat /etc/os-release", []
    dot = scene_dot(scene)
    assert "bend1 -> i_debian_bookworm_h0:found:w" in dot
    data = layout(scene)
    b = boxes(data)
    one, two = b["c_cafe_1"], b["c_cafe_2"]
    # every point of the green read edge at the containers' height is left of them
    green = [e["pos"] for e in data["edges"] if e.get("color") == "#009E73"]
    points = [tuple(map(float, p.split(",")[-2:])) for pos in green for p in pos.split()]
    beside = [x for x, y in points if one[1] <= y <= one[3]]
    assert beside and all(x < one[0] for x in beside), (beside, one)
    assert not any(one[2] < x < two[0] for x, _ in points)
    assert problems(rules_layout(dot), dot) == []
    assert img is scene.containers[0].image


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
    widths = {n: round(v[2] - v[0]) for n, v in boxes(data).items() if n.startswith("i_")}
    assert set(widths.values()) == {WIDTH}, widths
    assert round(boxes(data)["c_a_container_with_a_name_longer_than_most"][2]
                 - boxes(data)["c_a_container_with_a_name_longer_than_most"][0]) == BAND_WIDTH
