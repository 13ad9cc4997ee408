"""Every step readable: one scale per lesson, human titles, a text alternative.

Plays every bundled lesson and renders every step in both languages once
(module fixture), then checks what issue 14 asks of the diagram side:
- one scale: the SVG is sized 1:1 (px = 4/3 of its layout points, no
  shrinking transform), the kernel label has one font size on every step,
  and no text is smaller than 12 px at 1:1;
- no Graphviz name (``cluster_i_site``, ``op:e->…``) in any ``<title>``;
- ``describe()`` names every layer of every step;
- the narration-side truths the drawing carries (hello-world 2, layered-image 6,
  multi-stage 7, container-layer 6).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app.render import scene_dot, to_svg
from app.render.describe import describe

SVG_NS = "{http://www.w3.org/2000/svg}"
LESSONS = sorted((Path(__file__).resolve().parents[2] / "lessons").glob("*.yaml"))
# a <title> that is a Graphviz name, not words: node/cluster names, edges, ports
INTERNAL = re.compile(r"^(cluster_|i_|c_|host_|rail|bend|gap_|stage_from|op$|layerlab$)|->|:(e|w|n|s)$")


@pytest.fixture(scope="module")
def steps() -> list[tuple[str, int, str, object, str]]:
    """(lesson id, step number, lang, scene, svg) of every step of every lesson."""
    from app.lessons import player

    out = []
    for path in LESSONS:
        played = player.played(path)
        for frame in played.frames:
            for lang in ("en", "zh"):
                scene = frame.scene(lang, played.lesson.spec.kernel)
                out.append((played.id, frame.number, lang, scene, to_svg(scene_dot(scene))))
    return out


def font_sizes(svg: str, containing: str | None = None) -> list[float]:
    root = ET.fromstring(svg)
    return [float(t.get("font-size")) for t in root.iter(f"{SVG_NS}text")
            if containing is None or containing in (t.text or "")]


def test_every_lesson_has_one_kernel_label_size(steps) -> None:
    sizes: dict[str, set[float]] = {}
    for lesson, number, lang, scene, svg in steps:
        found = font_sizes(svg, scene.kernel)
        assert found, f"{lesson} {number} {lang}: no kernel label"
        sizes.setdefault(lesson, set()).update(found)
    assert {lesson: len(s) for lesson, s in sizes.items()} == {lesson: 1 for lesson in sizes}, sizes


def test_every_svg_is_drawn_one_to_one(steps) -> None:
    """width/height in px are the layout's points × 4/3 (CSS's 1 pt); no
    scale transform below 1: a page shows it 1:1 and pans, never shrinks."""
    bad = []
    for lesson, number, lang, _, svg in steps:
        m = re.match(r'<svg width="([0-9]+)px" height="([0-9]+)px"\s+viewBox="[0-9.]+ [0-9.]+ ([0-9.]+) ([0-9.]+)"', svg)
        if m is None:
            bad.append(f"{lesson} {number} {lang}: not sized in px: {svg[:80]!r}")
            continue
        w, h, vw, vh = map(float, m.groups())
        if abs(w - vw * 4 / 3) > 1 or abs(h - vh * 4 / 3) > 1:
            bad.append(f"{lesson} {number} {lang}: {w}x{h} px for {vw}x{vh} pt")
        for sx, sy in re.findall(r"scale\(([0-9.]+) ([0-9.]+)\)", svg):
            if float(sx) < 1 or float(sy) < 1:
                bad.append(f"{lesson} {number} {lang}: scale({sx} {sy})")
    assert bad == []


def test_no_text_below_12_px_at_one_to_one(steps) -> None:
    smallest = min((min(font_sizes(svg)) * 4 / 3, f"{lesson} {number} {lang}") for lesson, number, lang, _, svg in steps)
    assert smallest[0] >= 12, smallest


def test_no_title_is_an_internal_id(steps) -> None:
    bad = []
    for lesson, number, lang, _, svg in steps:
        root = ET.fromstring(svg)
        titles = [t.text or "" for t in root.iter(f"{SVG_NS}title")]
        assert titles, f"{lesson} {number} {lang}: no titles at all"
        bad += [f"{lesson} {number} {lang}: {t!r}" for t in titles if INTERNAL.search(t) or not t.strip()]
    assert bad == []


def test_every_layer_group_has_a_human_title(steps) -> None:
    """Each layer box's <title> is its history line: #n, instruction, size."""
    for lesson, number, lang, scene, svg in steps:
        root = ET.fromstring(svg)
        for g in root.iter(f"{SVG_NS}g"):
            if re.fullmatch(r"i_.+_h[0-9]+", g.get("id") or ""):
                title = g.find(f"{SVG_NS}title")
                assert title is not None and re.match(r"#[0-9]+ \S", title.text), (lesson, number, g.get("id"))


def test_describe_lists_every_layer(steps) -> None:
    from app.render.stack import plan

    for lesson, number, lang, scene, _ in steps:
        lines = describe(scene, lang)
        text = "\n".join(lines)
        stack = plan(scene.images, scene.containers)
        rows = [r for col in stack.columns for r in col.rows] + stack.shared
        for r in rows:
            assert any(ln.strip().startswith(f"#{r.number} ") for ln in lines), (lesson, number, lang, r.number)
        for c in scene.containers:
            assert c.name in text, (lesson, number, c.name)
        assert scene.kernel in text and ("bootfs" in text or "引导文件系统" in text)
        # top to bottom: a container before its image's layers, the kernel last of the layers
        kernel_at = next(i for i, ln in enumerate(lines) if scene.kernel in ln)
        assert all(i < kernel_at for i, ln in enumerate(lines) if re.match(r"\s+#[0-9]+ ", ln))


def step(steps, lesson: str, number: int, lang: str = "en"):
    return next(s for s in steps if s[0] == lesson and s[1] == number and s[2] == lang)


def group_text(svg: str, node: str) -> str:
    root = ET.fromstring(svg)
    g = next(g for g in root.iter(f"{SVG_NS}g") if g.get("id") == node)
    return " ".join(t.text or "" for t in g.iter(f"{SVG_NS}text"))


def test_the_layer_a_file_was_written_to_is_not_marked_not_here(steps) -> None:
    """hello-world 2 (COPY hello /): the new layer holds /hello; the search ran before."""
    _, _, _, _, svg = step(steps, "hello-world", 2)
    assert "/hello" in group_text(svg, "i_hello_world_h0")
    assert "not here" not in group_text(svg, "i_hello_world_h0")


def test_a_reused_base_layer_is_not_drawn_as_new(steps) -> None:
    """layered-image 6 (FROM debian for the second image): reused, as the narration says."""
    _, _, _, _, svg = step(steps, "layered-image", 6)
    assert "reused layer" in svg and "new layer" not in svg
    _, _, _, _, svg = step(steps, "layered-image", 3)
    assert "new layer" in svg


def test_copy_from_a_stage_keeps_from_and_draws_the_stage(steps) -> None:
    _, _, _, scene, svg = step(steps, "multi-stage", 7)
    assert scene.command.startswith("COPY --from=builder")
    assert 'id="stage_from"' in svg and "stage builder" in svg
    assert "--from=builder" in group_text(svg, "i_app_h1").replace("&#45;", "-")
    assert "copied from stage builder" in svg
    assert any("stage builder" in ln for ln in describe(scene, "en"))


def test_chinese_steps_translate_the_build_notes(steps) -> None:
    _, _, _, _, svg = step(steps, "multi-stage", 3, "zh")
    assert "原本不存在" in svg and "did not exist" not in svg


def test_parent_dir_copy_up_is_explained_as_secondary(steps) -> None:
    """container-layer 6: /tmp/ is copied up only to hold the new file."""
    _, _, _, _, svg = step(steps, "container-layer", 6)
    assert "copied up for it (metadata)" in svg


def test_a_search_is_drawn_down_to_the_layer_that_answers_and_no_further(steps) -> None:
    """container-layer 7 and 12: found in #1, so #0 is not drawn as searched."""
    from app.render.dot import DotWriter

    bad = []
    for lesson, number, lang, scene, _ in steps:
        markers = DotWriter(scene).story.markers
        stops = [i for i, r in markers.items() if r in ("found", "whiteout", "opaque")]
        if stops:
            bad += [f"{lesson} {number}: layer {i} {r}" for i, r in markers.items() if i < max(stops) and r == "miss"]
    assert bad == []
    _, _, _, _, svg = step(steps, "container-layer", 12)
    assert "not here" not in group_text(svg, "i_site_h0")
