"""The handout of a whole course (``layerlab export handout --all``): every lesson's handout, one after another.

Each lesson's handout is the page the server serves (/lessons/<id>/handout);
the course's is their bodies, each in an ``<article class="lesson">`` (a lesson
starts on a new page, and two-per-page pairs the steps of one lesson), under
the head of the first: the stylesheet is the same inline one in each. Lessons
in the order of the lesson list; one with errors is left out and named.
"""

from __future__ import annotations

import re
from pathlib import Path

BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)


def course_handout_html(client, root: Path, lang: str, per_page: int) -> tuple[str | None, list[str]]:
    """(the course's handout page, or None when no lesson could be shown; the lessons left out and why)."""
    from app.lessons import Lesson
    from app.lessons.player import lesson_index

    head, articles, left_out = None, [], []
    for path, lesson in lesson_index(root):
        if not isinstance(lesson, Lesson):
            left_out.append(f"{path}: has errors (`layerlab check {path}` lists them); left out")
            continue
        response = client.get(f"/lessons/{lesson.id}/handout?lang={lang}&per_page={per_page}")
        page = response.get_data(as_text=True)
        body = BODY.search(page)
        if response.status_code != 200 or body is None:
            left_out.append(f"{path}: has errors (`layerlab check {path}` lists them); left out")
            continue
        head = head or page[:body.start()]
        articles.append(f'<article class="lesson" id="lesson-{lesson.id}">{body[1]}</article>')
    if head is None:
        return None, left_out
    return f'{head}<body class="handout course per-page-{per_page}">\n' + "\n".join(articles) + "\n</body>\n</html>\n", left_out
