"""`layerlab export site` and `render --all`, run as an instructor runs them, on a copy of one bundled lesson."""

from __future__ import annotations

import filecmp
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from cli_inprocess import layerlab  # in this process: no 1-3 s of a new Python per run

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r'\s(?:href|src|action|data-first|data-last)="([^"]*)"')




@pytest.fixture(scope="module")
def lessons(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lessons")
    shutil.copy(ROOT / "lessons" / "01-hello-world.yaml", folder)
    return folder


@pytest.fixture(scope="module")
def site(lessons, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "site"
    result = layerlab("export", "site", str(out), "--lessons", str(lessons))
    assert result.returncode == 0, result.stderr
    return out


def links(page: Path) -> list[str]:
    return LINK.findall(page.read_text(encoding="utf-8"))


def test_every_page_and_step_in_both_languages_with_svg_and_png(site):
    steps = sorted(int(p.stem) for p in (site / "lessons" / "hello-world").glob("*.html") if p.stem.isdigit())
    assert steps == list(range(1, len(steps) + 1)) and len(steps) >= 3
    for n in steps:
        for suffix in ("", ".zh"):
            for ext in ("html", "svg", "png"):
                assert (site / "lessons" / "hello-world" / f"{n}{suffix}.{ext}").is_file(), f"{n}{suffix}.{ext}"
    assert (site / "index.html").is_file() and (site / "index.zh.html").is_file()
    assert (site / "lessons" / "hello-world" / "handout.zh.html").is_file()
    assert (site / "lessons" / "hello-world" / "1.png").read_bytes().startswith(b"\x89PNG")
    assert "中文" in (site / "lessons" / "hello-world" / "1.zh.html").read_text(encoding="utf-8")


def test_every_link_is_relative_and_names_a_file_of_the_site(site):
    checked = 0
    for page in site.rglob("*.html"):
        for link in links(page):
            assert not link.startswith(("/", "http:", "https:")), f"{page}: {link}"
            target = (page.parent / unquote(urlsplit(link).path)).resolve()
            assert target.is_file(), f"{page.relative_to(site)} links to {link}, which is not in the site"
            assert site.resolve() in target.parents
            checked += 1
    assert checked > 100
    assert "hx-get" not in (site / "lessons" / "hello-world" / "2.html").read_text(encoding="utf-8")


def test_a_second_export_is_byte_identical(site, lessons, tmp_path):
    again = tmp_path / "again"
    assert layerlab("export", "site", "-o", str(again), "--lessons", str(lessons)).returncode == 0
    compared = filecmp.dircmp(site, again)

    def differences(cmp: filecmp.dircmp) -> list[str]:
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        out = cmp.left_only + cmp.right_only + mismatch + errors
        return out + [d for sub in cmp.subdirs.values() for d in differences(sub)]

    assert differences(compared) == []


def test_one_language_only(lessons, tmp_path):
    out = tmp_path / "zh"
    assert layerlab("export", "site", str(out), "--lessons", str(lessons), "--lang", "zh").returncode == 0
    assert (out / "index.html").is_file() and not (out / "index.zh.html").exists()
    assert 'lang="zh-Hans"' in (out / "lessons" / "hello-world" / "1.html").read_text(encoding="utf-8")


def test_export_refuses_a_folder_with_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = layerlab("export", "site", str(tmp_path))
    assert result.returncode == 1 and "other files" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_render_all_names_every_step_lesson_nn_lang_fmt(lessons, tmp_path):
    lesson = lessons / "01-hello-world.yaml"
    result = layerlab("render", "hello-world", "--lessons", str(lessons), "--all", "-o", str(tmp_path / "all"))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "all").iterdir())
    steps = len(names) // 4
    assert names[:4] == ["hello-world-01.en.png", "hello-world-01.en.svg", "hello-world-01.zh.png", "hello-world-01.zh.svg"]
    assert len(names) == 4 * steps and steps >= 3
    only = layerlab("render", str(lesson), "--all", "-o", str(tmp_path / "svg"), "--format", "svg", "--lang", "zh")
    assert only.returncode == 0, only.stderr
    assert sorted(p.name for p in (tmp_path / "svg").iterdir()) == [f"hello-world-{n:02d}.zh.svg" for n in range(1, steps + 1)]


def test_render_names_a_lesson_outside_lessons_with_lessons_dir(lessons, tmp_path):
    result = layerlab("render", "hello-world", "--lessons", str(lessons), "--step", "1", "-o", str(tmp_path / "1.svg"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "1.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    missing = layerlab("render", "no-such", "--lessons", str(lessons), "--step", "1")
    assert missing.returncode == 1 and "no lesson 'no-such'" in missing.stderr
    both = layerlab("render", "hello-world", "--lessons", str(lessons))
    assert both.returncode == 1 and "--step N" in both.stderr


def test_a_whole_course_handout_has_every_lesson_in_the_order_of_the_list(lessons, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(lessons, course)
    assert layerlab("new", "first-of-all", "--lessons", course, "--languages", "en").returncode == 0
    (course / "first-of-all.yaml").write_text((course / "first-of-all.yaml").read_text().replace("order: 2 ", "order: 0 "))
    (course / "broken.yaml").write_text("id: broken\nsteps: []\n")
    out = tmp_path / "course.html"
    result = layerlab("export", "handout", "--all", "--lessons", course, "-o", out, "--lang", "zh")
    assert result.returncode == 0, result.stderr
    assert "broken.yaml: has errors" in result.stderr
    page = out.read_text(encoding="utf-8")
    assert re.findall(r'<article class="lesson" id="lesson-([\w-]+)">', page) == ["first-of-all", "hello-world"]
    assert page.count("<html") == 1 and page.count('<header class="cover">') == 2
    first = page.split('id="lesson-first-of-all"', 1)[1].split("</article>", 1)[0]
    assert first.count('<section class="step"') == 7  # the starter's steps (one per kind), then hello-world's
    assert "第 1 步" in first and "My first lesson" in first  # a zh page of an en-only lesson shows its English
    both = layerlab("export", "handout", "hello-world", "--all", "-o", out)
    assert both.returncode == 1 and "--all" in both.stderr
