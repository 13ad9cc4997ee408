"""Every step of every lesson, both languages, measured in a real Chromium.

One walk loads each step once and measures it at a desktop (1440x900), a
projector (1280x720) and a phone (390x844) by resizing the same tab; the tests
below then each check one bound over the whole walk, so a failure names every
step that breaks it. axe-core (vendored, WCAG 2.2 AA rules) runs on each step.
"""

from __future__ import annotations

import pytest

from app.lessons import LESSONS_DIR, lesson_files, load_lesson
from app.lessons.player import played

pytestmark = pytest.mark.browser

LESSONS = [load_lesson(p) for p in lesson_files(LESSONS_DIR)]
STEPS = [(lesson.id, n) for lesson in LESSONS for n in range(1, len(played(lesson.path).frames) + 1)]
# A step with a question draws its diagram once answered: measure it answered ("show the answer").
ASKS = {(lesson.id, f.number) for lesson in LESSONS for f in played(lesson.path).frames if f.question}
VIEWPORTS = {"desktop": (1440, 900), "projector": (1280, 720), "phone": (390, 844)}

MEASURE = """() => {
  const texts = [...document.querySelectorAll('#diagram svg text')]
    .map(t => [t.textContent.trim(), t.getBoundingClientRect().height])
    .filter(([words, h]) => words && h > 0);
  const kernel = texts.find(([words]) => /kernel|内核/.test(words));
  const diagram = document.getElementById('diagram').getBoundingClientRect();
  const pager = document.querySelector('.pager').getBoundingClientRect();
  return {
    smallest: Math.min(...texts.map(([, h]) => h)),
    smallestText: (texts.reduce((a, b) => (b[1] < a[1] ? b : a), ['', 1e9]))[0],
    kernel: kernel ? kernel[1] : null,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    diagramTop: diagram.top + window.scrollY,
    pagerVisible: pager.top >= 0 && pager.bottom <= window.innerHeight,
  };
}"""


@pytest.fixture(scope="module")
def walk(browser, server, axe):
    """{(lang, lesson, step): {"desktop": {...}, "projector": {...}, "phone": {...}, "axe": [...]}}"""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(180_000)
    out = {}
    for lang in ("en", "zh"):
        for lesson_id, n in STEPS:
            page.set_viewport_size({"width": 1440, "height": 900})
            page.goto(f"{server}/lessons/{lesson_id}/{n}?lang={lang}" + ("&answer=" if (lesson_id, n) in ASKS else ""))
            record = {"axe": axe(page)}
            for name, (width, height) in VIEWPORTS.items():
                page.set_viewport_size({"width": width, "height": height})
                page.evaluate("window.scrollTo(0, 0)")
                record[name] = page.evaluate(MEASURE)
            out[(lang, lesson_id, n)] = record
    context.close()
    return out


def _where(key) -> str:
    lang, lesson_id, n = key
    return f"{lesson_id}/{n}?lang={lang}"


def _smaller_than(walk, viewport: str, bound: float) -> list[str]:
    return [f"{_where(k)}: {r[viewport]['smallest']:.1f}px {r[viewport]['smallestText']!r}"
            for k, r in walk.items() if r[viewport]["smallest"] < bound]


def test_diagram_text_is_at_least_12px_on_a_desktop(walk):
    assert _smaller_than(walk, "desktop", 12) == []


def test_diagram_text_is_at_least_11px_on_a_projector(walk):
    assert _smaller_than(walk, "projector", 11) == []


def test_diagram_text_is_at_least_11px_on_a_phone(walk):
    assert _smaller_than(walk, "phone", 11) == []


def test_no_sideways_page_scroll_on_a_phone(walk):
    assert [f"{_where(k)}: {r['phone']['overflow']}px" for k, r in walk.items() if r["phone"]["overflow"] > 0] == []


def test_on_a_phone_the_diagram_is_in_the_first_screen_and_next_is_reachable(walk):
    late = [f"{_where(k)}: diagram at {r['phone']['diagramTop']:.0f}px" for k, r in walk.items()
            if r["phone"]["diagramTop"] > 844 / 2]
    hidden = [_where(k) for k, r in walk.items() if not r["phone"]["pagerVisible"]]
    assert late == [] and hidden == []


def test_the_kernel_label_is_one_size_across_a_lesson(walk):
    spread = []
    for lang in ("en", "zh"):
        for lesson in LESSONS:
            heights = [r["desktop"]["kernel"] for (lg, lid, _), r in walk.items() if lg == lang and lid == lesson.id]
            heights = [h for h in heights if h]
            if heights and max(heights) > 1.10 * min(heights):
                spread.append(f"{lesson.id}?lang={lang}: {min(heights):.1f}-{max(heights):.1f}px")
    assert spread == []


def test_axe_finds_no_wcag22_aa_violation_on_any_step(walk):
    assert [f"{_where(k)}: {v}" for k, r in walk.items() for v in r["axe"]] == []


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_axe_finds_no_violation_on_the_lesson_list(page, server, axe, lang, viewport):
    width, height = VIEWPORTS[viewport]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server}/?lang={lang}")
    assert page.locator("h1").count() == 1
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
