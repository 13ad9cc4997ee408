"""Every bundled lesson builds, plays, and draws each of its steps."""

from __future__ import annotations

import html
import re

import pytest

from app.lessons import LESSONS_DIR, lesson_files
from app.lessons.player import diagram, played

LESSONS = lesson_files(LESSONS_DIR)


def svg_text(svg: str) -> str:
    return html.unescape(" ".join(re.findall(r">([^<>]+)<", svg)))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_step_draws_the_layers_of_its_images(path):
    lesson = played(path)
    for frame in lesson.frames:
        text = svg_text(diagram(lesson, frame.number, "en"))
        for image in frame.images:
            for i, entry in enumerate(image.history):
                keyword = entry.created_by.split()[0]
                assert f"#{i}" in text, (frame.number, image.name, i)
                assert keyword in text, (frame.number, image.name, keyword)
        for container in frame.containers:
            assert container.name in text


def test_the_core_chapter_is_bundled():
    ids = {played(p).id for p in LESSONS}
    assert {"hello-world", "base-images", "layered-image", "container-layer"} <= ids


def test_hello_world_is_one_file_from_scratch():
    lesson = played(LESSONS_DIR / "01-hello-world.yaml")
    image = lesson.builds["hello-world"].image
    assert image.base == "scratch" and len(image.layers) == 1
    assert [p for p, n in image.layers[0].items() if n.type == "file"] == ["/hello"]


def test_base_images_share_one_host_and_differ_in_rootfs():
    lesson = played(LESSONS_DIR / "02-base-images.yaml")
    side_by_side = next(f for f in lesson.frames if f.kind == "show" and len(f.images) == 3)
    names = {img.os_release for img in side_by_side.images}
    assert len(names) == 3 and any("Debian" in n for n in names) and any("CentOS" in n for n in names)
    assert all(len(img.layers) == 1 for img in side_by_side.images)


def test_layered_images_share_the_debian_layer():
    lesson = played(LESSONS_DIR / "03-layered-image.yaml")
    a, b = lesson.builds["editor-web"].image, lesson.builds["web"].image
    assert a.layers[0] is b.layers[0]
    assert len(a.layers) == 3 and [h.empty_layer for h in a.history] == [False, False, False, True]


def test_container_layer_lesson_shows_add_read_copy_up_and_whiteout():
    lesson = played(LESSONS_DIR / "04-container-layer.yaml")
    execs = [f for f in lesson.frames if f.kind == "exec"]
    add, read, modify, delete, read_again, other = execs
    c1 = lambda f: next(c for c in f.containers if c.name == "c1")  # noqa: E731
    assert c1(add).upper.get("/tmp/notes.txt").type == "file"
    assert read.traces[-1].found_in is not None and read.output.startswith("<h1>")
    assert any(cu.path == "/etc/motd" for t in modify.traces for cu in t.copied_up)
    assert c1(delete).upper.get("/srv/www/index.html").type == "whiteout"
    assert read_again.status != 0 and "No such file" in read_again.output
    assert other.target == "c2" and other.status == 0
    c2 = next(c for c in other.containers if c.name == "c2")
    assert len(c2.upper) == 0


def test_cleaning_up_in_a_later_run_does_not_shrink_the_image():
    lesson = played(LESSONS_DIR / "05-clean-up-in-the-same-run.yaml")
    three, one = lesson.builds["three-runs"].image, lesson.builds["one-run"].image
    lists = three.layers[1]
    assert lists.size > 10_000_000, "apt-get update's lists are tens of MB"
    assert all(n.type == "whiteout" for p, n in three.layers[3].items() if p.startswith("/var/lib/apt/lists/"))
    assert three.layers[3].size == 0
    assert three.size - one.size >= lists.size * 0.9, (three.size, one.size, lists.size)


def test_show_steps_report_disk_usage_with_the_shared_layer_counted_once():
    lesson = played(LESSONS_DIR / "03-layered-image.yaml")
    show = next(f for f in lesson.frames if f.kind == "show")
    report = show.disk_usage
    base = lesson.builds["web"].image.layers[0].size
    assert [u.shared_size for u in report.images] == [base, base]
    assert report.naive_total - report.on_disk == base


def test_layered_image_shows_the_courses_dockerfile_failing_as_apt_fails_with_the_hint():
    """The course's `RUN apt-get install emacs` on today's debian: apt's own failure (no
    package lists, exit 100), no layer, and the teacher's hint as a note with its code."""
    from app.render.notes import code_of

    lesson = played(LESSONS_DIR / "03-layered-image.yaml")
    failed = lesson.builds["course-editor"].failed
    assert failed is not None and failed.keyword == "RUN" and "exit code: 100" in failed.error
    assert "E: Unable to locate package emacs" in failed.stdout
    assert [code_of(n)[0] for n in failed.notes if code_of(n)] == ["apt_no_lists"]
    frame = lesson.frames[1]
    assert frame.error == failed.error and not frame.new_layer
    assert lesson.builds["editor-web"].failed is None
