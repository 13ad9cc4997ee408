"""The renderer's parts, one rule each: sizes, docker-diff lines, placement, words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.engine import Change, Container, CopyUp, Dir, File, HistoryEntry, Image, Inode, Layer, Trace, Whiteout
from app.render import Scene, scene_dot, to_svg
from app.render.diff import diff_lines
from app.render.fitting import instruction, shorten_digests
from app.render.labels import languages
from app.render.sizes import human_size
from app.render.stack import plan


def layer(entries: dict, frozen: bool = True) -> Layer:
    lay = Layer()
    lay.put("/", Dir())
    for path, node in entries.items():
        lay.put(path, node)
    return lay.freeze() if frozen else lay


def f(data: bytes = b"", size: int | None = None) -> File:
    return File(Inode(None, size)) if size is not None else File(Inode(data))


# -- sizes: what `docker history` prints (go-units, 3 significant digits, decimal)
@pytest.mark.parametrize("size,text", [
    (0, "0 B"), (286, "286 B"), (999, "999 B"), (1000, "1 kB"), (13_256, "13.3 kB"),
    (79_815, "79.8 kB"), (74_800_000, "74.8 MB"), (121_500_000, "122 MB"),
    (1_450_000_000, "1.45 GB"), (999_999, "1 MB"),
])
def test_sizes_read_like_docker(size: int, text: str) -> None:
    assert human_size(size) == text


# -- docker diff lines of a writable layer
def test_diff_letters_follow_docker_diff() -> None:
    lower = layer({"/etc": Dir(), "/etc/motd": f(b"x" * 286), "/etc/issue": f(b"i"),
                   "/var": Dir(), "/var/cache": Dir(), "/var/cache/a": f(b"a")})
    upper = layer({"/etc": Dir(), "/etc/motd": f(b"y" * 300), "/etc/issue": Whiteout(),
                   "/tmp": Dir(), "/tmp/new": f(b"n"), "/var": Dir(),
                   "/var/cache": Dir(opaque=True)}, frozen=False)
    got = {ln.path: (ln.letter, ln.how) for ln in diff_lines(upper, [lower])}
    assert got == {
        "/etc": ("C", "copied"), "/etc/motd": ("C", "hides"), "/etc/issue": ("D", "whiteout"),
        "/tmp": ("A", "new"), "/tmp/new": ("A", "new"), "/var": ("C", "copied"),
        "/var/cache": ("C", "opaque"),
    }


def test_copy_up_size_is_the_source_file_not_the_new_one() -> None:
    lower = layer({"/etc": Dir(), "/etc/motd": f(b"x" * 286)})
    upper = layer({"/etc": Dir(), "/etc/motd": f(b"x" * 289)}, frozen=False)
    t = Trace("write", "/etc/motd", copied_up=[CopyUp("/etc/motd", 0, 286)], changes=[Change("C", "/etc/motd")])
    (motd,) = [ln for ln in diff_lines(upper, [lower], [t]) if ln.path == "/etc/motd"]
    assert (motd.how, motd.from_layer, motd.size) == ("copied", 0, 286)


def test_a_changed_file_without_a_traced_copy_up_only_says_it_hides() -> None:
    """dpkg renames a new file over the old one: no copy-up, and we must not claim one."""
    lower = layer({"/etc": Dir(), "/etc/ld.so.cache": f(b"x" * 100)})
    upper = layer({"/etc": Dir(), "/etc/ld.so.cache": f(b"y" * 120)}, frozen=False)
    t = Trace("rename", "/etc/ld.so.cache.new", "/etc/ld.so.cache", changes=[Change("C", "/etc/ld.so.cache")])
    (cache,) = [ln for ln in diff_lines(upper, [lower], [t]) if ln.path == "/etc/ld.so.cache"]
    assert (cache.letter, cache.how, cache.from_layer, cache.size) == ("C", "hides", 0, 120)


def test_a_path_deleted_below_counts_as_added() -> None:
    bottom = layer({"/a": f(b"1")})
    middle = layer({"/a": Whiteout()})
    upper = layer({"/a": f(b"2")}, frozen=False)
    assert [(ln.letter, ln.path) for ln in diff_lines(upper, [bottom, middle])] == [("A", "/a")]


def test_trace_marks_what_the_step_touched_not_its_parent_dirs() -> None:
    lower = layer({"/etc": Dir(), "/etc/motd": f(b"x")})
    upper = layer({"/etc": Dir(), "/etc/motd": f(b"xy")}, frozen=False)
    t = Trace("write", "/etc/motd", copied_up=[CopyUp("/etc", 0, 0, "dir"), CopyUp("/etc/motd", 0, 1)],
              changes=[Change("C", "/etc"), Change("C", "/etc/motd")])
    touched = {ln.path for ln in diff_lines(upper, [lower], [t]) if ln.touched}
    assert touched == {"/etc/motd"}


# -- placement
def test_a_layer_object_shared_by_two_images_gets_one_node() -> None:
    base = layer({"/bin": Dir()})
    a = Image("a", (base, layer({"/a": f(b"a")})), (HistoryEntry("ADD rootfs"), HistoryEntry("RUN a")))
    b = Image("b", (base, layer({"/b": f(b"b")})), (HistoryEntry("ADD rootfs"), HistoryEntry("RUN b")))
    stack = plan([a, b], [])
    assert [r.node for r in stack.shared] == ["i_a_h0"]
    assert stack.layer_nodes[(0, 0)] == stack.layer_nodes[(1, 0)] == "i_a_h0"
    assert [c.joins_shared for c in stack.columns] == ["i_a_h0", "i_a_h0"]


def test_equal_but_separate_layers_are_not_shared() -> None:
    """Sharing is identity, as in Docker's store (same digest = same object here)."""
    a = Image("a", (layer({"/bin": Dir()}),), (HistoryEntry("ADD rootfs"),))
    b = Image("b", (layer({"/bin": Dir()}),), (HistoryEntry("ADD rootfs"),))
    assert plan([a, b], []).shared == []


def test_layers_without_history_still_get_rows() -> None:
    img = Image("bare", (layer({"/x": f(b"x")}), layer({"/y": f(b"y")})))
    rows = plan([img], []).columns[0].rows
    assert [(r.number, r.layer) for r in rows] == [(1, 1), (0, 0)]


def test_container_of_an_image_not_listed_brings_its_image() -> None:
    img = Image("only-here", (layer({"/x": f(b"x")}),), (HistoryEntry("ADD x"),))
    stack = plan([], [Container("c", img)])
    assert [c.image.name for c in stack.columns] == ["only-here"]


def test_instruction_text_drops_shell_prefixes_and_digests() -> None:
    assert instruction('/bin/sh -c #(nop)  CMD ["bash"]') == 'CMD ["bash"]'
    assert instruction("RUN /bin/sh -c apt-get update # buildkit") == "RUN apt-get update"
    assert instruction("/bin/sh -c apt-get update") == "RUN apt-get update"
    assert shorten_digests("ADD file:6a6a9b3b4b5bb3a0e8b3 in /") == "ADD file:6a6a9b3b… in /"


# -- words
def test_every_language_has_every_label() -> None:
    data = json.loads((Path(__file__).parents[2] / "app/render/labels.json").read_text("utf-8"))
    keys = {lang: {k for k in data[lang] if not k.startswith("errno_")} for lang in languages()}
    assert keys["zh"] == keys["en"]
    for lang in languages():
        for key, value in data[lang].items():
            if key in data["en"]:
                assert set(re.findall(r"{(\w+)}", value)) == set(re.findall(r"{(\w+)}", data["en"][key])), (lang, key)


def test_unknown_language_falls_back_to_english() -> None:
    img = Image("x", (layer({"/x": f(b"x")}),), (HistoryEntry("ADD x"),))
    assert scene_dot(Scene([img], lang="fr")) == scene_dot(Scene([img], lang="en"))


def test_paths_with_markup_characters_cannot_break_the_diagram() -> None:
    nasty = '/tmp/<b>&"quoted"]{x}'
    upper = layer({"/tmp": Dir(), nasty: f(b"x")}, frozen=False)
    img = Image('evil<&>"', (layer({"/tmp": Dir()}),), (HistoryEntry('RUN echo "<&>" > /x'),))
    c = Container("c<1>", img, upper)
    t = Trace("write", nasty, changes=[Change("A", nasty)])
    svg = to_svg(scene_dot(Scene([img], [c], [t], target="c<1>", command=f"touch '{nasty}'")))
    assert "/tmp/&lt;b&gt;&amp;" in svg


def test_an_empty_scene_still_draws_the_host() -> None:
    svg = to_svg(scene_dot(Scene([])))
    assert "Linux kernel 6.1" in svg and 'id="host_kernel"' in svg


def test_kernel_text_comes_from_the_scene() -> None:
    assert "Linux kernel 5.15" in to_svg(scene_dot(Scene([], kernel="Linux kernel 5.15")))


def test_an_image_layer_shows_a_summary_not_its_files() -> None:
    big = layer({f"/usr/share/doc/p{i}/copyright": f(size=1000) for i in range(500)})
    dot = scene_dot(Scene([Image("big", (big,), (HistoryEntry("ADD rootfs"),))]))
    assert "500 files" in dot
    assert dot.count("copyright") == 0


def test_an_image_with_no_layers_yet_draws() -> None:
    """FROM scratch, before the first COPY: an empty image, said in words."""
    img = Image("hello-world", (), (), base="scratch", base_layers=0)
    svg = to_svg(scene_dot(Scene([img], target="hello-world", command="FROM scratch")))
    assert "no layers yet" in svg and "no rootfs" in svg


def test_ancestor_dirs_are_every_proper_parent() -> None:
    from app.render.diff import ancestor_dirs
    assert ancestor_dirs(["/a/b/c", "/a/d", "/e"]) == {"/a", "/a/b"}


def test_wrapping_breaks_at_spaces_and_inside_chinese() -> None:
    from app.render.fitting import text_units, wrap
    assert wrap("echo hi >> /etc/motd", 12) == ["echo hi >>", "/etc/motd"]
    zh = wrap("每个容器都有自己的可写层，删除文件只会在容器层留下白障", 20)
    assert all(text_units(line) <= 20 for line in zh) and "".join(zh).startswith("每个容器")
    long = wrap("RUN " + "apt-get install -y pkg && " * 40, 42)
    assert len(long) == 6 and long[-1].endswith("…")


# -- odd bytes: file names that are not UTF-8 or hold control characters
def test_odd_bytes_in_file_names_are_shown_escaped_and_the_svg_is_well_formed() -> None:
    """A name with the byte \\377 (kept by the engine as a surrogate escape)
    and one with \\x01: shown as ``ls -b`` shows them, and dot never rejects them."""
    import xml.etree.ElementTree as ET

    from app.render.describe import describe

    odd = b"/caf\xff".decode("utf-8", "surrogateescape")
    ctrl = "/a\x01b"
    base = layer({odd: f(b"x" * 3), ctrl: f(b"y")})
    img = Image("odd", (base,), (HistoryEntry(f"COPY {odd} {ctrl} /"),), base_layers=1)
    upper = layer({odd: f(b"z" * 4)}, frozen=False)
    c = Container("box", img, upper)
    t = Trace("write", odd, copied_up=[CopyUp(odd, 0, 3)], changes=[Change("C", odd)])
    scene = Scene([img], [c], [t], target="box", command=f"echo > {odd}{ctrl}")
    dot = scene_dot(scene)
    assert "\\377" in dot and "\\001" in dot
    assert "\udcff" not in dot and "\x01" not in dot
    svg = to_svg(dot)
    root = ET.fromstring(svg)   # well-formed XML
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "/caf\\377" in texts and "/a\\001b" in texts
    lines = "\n".join(describe(scene, "en"))
    assert "/caf\\377" in lines and "\udcff" not in lines and "\x01" not in lines


# -- glosses: a switch, on in Chinese, off in English by default
def svg_text(scene: Scene) -> str:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(to_svg(scene_dot(scene)))
    return " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))


def glossed_scene(lang: str, glosses: bool | None) -> Scene:
    img = Image("x", (layer({"/x": f(b"x")}),), (HistoryEntry("ADD x"),), base_layers=1)
    return Scene([img], lang=lang, glosses=glosses)


def test_glosses_are_off_in_english_by_default_and_can_be_turned_on() -> None:
    plain_en = svg_text(glossed_scene("en", None))
    assert "image layers" in plain_en and not re.search(r"[\u4e00-\u9fff]", plain_en)
    assert "Host" in plain_en
    glossed = svg_text(glossed_scene("en", True))
    assert "image layers 镜像层" in glossed and "Host 宿主机" in glossed and "kernel 内核" in glossed


def test_glosses_are_on_in_chinese_by_default_and_can_be_turned_off() -> None:
    assert "镜像层 image layers" in svg_text(glossed_scene("zh", None))
    bare = svg_text(glossed_scene("zh", False))
    assert "镜像层" in bare and "image layers" not in bare and "内核 kernel" not in bare and "内核" in bare


def test_chinese_labels_without_glosses_hold_no_english_words() -> None:
    """Every zh label is Chinese: Latin words only for names Docker prints
    (FROM scratch, BuildKit, ADD/COPY), units and placeholders."""
    from app.render.labels import text

    data = json.loads((Path(__file__).parents[2] / "app/render/labels.json").read_text("utf-8"))
    allowed = {"FROM", "scratch", "B"}
    for key, value in data["zh"].items():
        names = {k: "" for k in re.findall(r"{(\w+)}", value)}
        shown = re.sub(r"<[^>]+>", "", text("zh", key, False, **names))
        words = set(re.findall(r"[A-Za-z]{2,}", shown)) - allowed
        assert not words, (key, shown)


def test_one_term_for_whiteout_in_every_chinese_label() -> None:
    data = json.loads((Path(__file__).parents[2] / "app/render/labels.json").read_text("utf-8"))
    assert data["terms"]["whiteout"]["zh"] == "白障"
    for key, value in data["zh"].items():
        assert "白障" not in value, f"{key}: write [[whiteout]] or [[=whiteout]], the term list's word"


# -- colliding instructions keep the words that tell them apart
def test_long_instructions_lose_their_middle_not_their_end() -> None:
    from app.render.fitting import clip_middle

    a = clip_middle("RUN apt-get update && apt-get install -y emacs", 40)
    b = clip_middle("RUN apt-get update && apt-get install -y apache2", 40)
    assert a != b and a.endswith("install -y emacs") and b.endswith("install -y apache2")
    assert len(a) <= 40 and a.startswith("RUN apt-get")
    assert clip_middle("COPY --from=builder /out/hello /usr/local/bin/hello", 40).startswith("COPY --from=builder ")


def test_notes_are_translated_by_code() -> None:
    from app.render.notes import code_of, translate

    note = "/src did not exist: BuildKit creates it, in a small layer of its own"
    assert code_of(note) == ("workdir_created", {"path": "/src"})
    assert translate(note, "zh").startswith("/src 原本不存在")
    assert translate(note, "en") == note
    assert translate("something new", "zh") == "something new"
