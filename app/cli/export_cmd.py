"""``layerlab export``: the whole course as a static site, or a lesson as a printable handout.

    layerlab export site DIR [--lessons DIR] [--lang en,zh]
    layerlab export handout LESSON -o FILE.html|FILE.pdf [--lang en] [--per-page 1|2] [--lessons DIR]

Both ask the web app for its pages through Flask's test client, so what is
written is exactly what the server serves (the web tier is a pure function of
the lesson files and the URL); static_site.py turns the addresses into relative
file paths. A PDF is printed by Chromium through Playwright, when both are here:
it is an option, never a requirement (the HTML handout prints the same from any
browser, one step per A4 page).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from app.lessons import LANGS

from .render_cmd import languages
from .static_site import SiteMap

CHROMIUM = os.environ.get("LAYERLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def web_client(lessons: str | None):
    from app import ROOT, create_app

    folder = Path(lessons).resolve() if lessons else ROOT / "lessons"
    # A static copy has no server behind it: questions show their answers, challenges are left out.
    flask_app = create_app({"LAYERLAB_LESSONS": str(folder), "TESTING": True, "LAYERLAB_STATIC_COPY": True})
    return flask_app, flask_app.test_client()


def export_site(out: Path, lessons: str | None, langs: list[str]) -> tuple[list[str], list[str]]:
    """Write the course into ``out``; (files written, problems met). Pages are found by following links."""
    from app.lessons import lesson_files

    flask_app, client = web_client(lessons)
    site = SiteMap(langs)
    seeds = [f"/?lang={lang}" for lang in langs]
    for path in lesson_files(Path(flask_app.config["LAYERLAB_LESSONS"])):
        seeds += [f"/lessons/{lesson_id}/handout?lang={lang}" for lesson_id in _lesson_id(path) for lang in langs]
    queue, seen, written, problems = list(seeds), set(), [], []
    while queue:
        url = queue.pop(0)
        target = site.file_for(url)
        if target in seen:
            continue
        seen.add(target)
        response = client.get(url)
        if response.status_code not in (200, 422):
            problems.append(f"{url}: the server answered {response.status_code}")
            continue
        if response.status_code == 422:
            problems.append(f"{url}: the lesson has errors (its page, which lists them, is exported)")
        data = response.get_data()
        if response.mimetype == "text/html":
            text, links = site.rewrite(target, data.decode("utf-8"), site.lang_of(url))
            data = text.encode("utf-8")
            queue += [link for link in links if site.file_for(link) not in seen]
        _write(out / target, data)
        written.append(target)
    _copy_static(Path(flask_app.static_folder), out / "static")
    return sorted(written), problems


def _lesson_id(path: Path) -> list[str]:
    from app.lessons import LessonError, load_lesson

    try:
        return [load_lesson(path).id]
    except LessonError:
        return []


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _copy_static(source: Path, target: Path) -> None:
    """Every asset as the server has it, the ones only CSS or scripts name as well."""
    for file in sorted(source.rglob("*")):
        if file.is_file():
            _write(target / file.relative_to(source), file.read_bytes())


def _site(args: argparse.Namespace) -> int:
    out = Path(args.folder or args.output or "site")
    if out.exists() and any(out.iterdir()) and not (out / "index.html").exists():
        print(f"layerlab export: {out} is a folder with other files in it; give an empty or new folder", file=sys.stderr)
        return 1
    if out.exists():
        shutil.rmtree(out)  # an earlier export: replaced whole, so that nothing stale is left
    written, problems = export_site(out, args.lessons, args.lang)
    for problem in problems:
        print(f"layerlab export: {problem}", file=sys.stderr)
    print(f"wrote {len(written)} files to {out} (open {out / 'index.html'})", file=sys.stderr)
    return 1 if problems else 0


def handout_html(lesson: str, lessons: str | None, lang: str, per_page: int) -> tuple[int, str]:
    """The handout page of one lesson, as the server serves it: (status, HTML)."""
    _, client = web_client(lessons)
    response = client.get(f"/lessons/{lesson}/handout?lang={lang}&per_page={per_page}")
    return response.status_code, response.get_data(as_text=True)


def print_pdf(page_html: str, pdf: Path) -> str | None:
    """Print a standalone HTML page to PDF with Chromium; None, or why it could not."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        return "a PDF needs the playwright package (pip install playwright)"
    if not Path(CHROMIUM).exists():
        return f"a PDF needs Chromium at {CHROMIUM} (or set LAYERLAB_CHROMIUM)"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            pdf_with(browser, page_html, pdf)
            browser.close()
    except Error as exc:
        return f"Chromium could not print the PDF: {exc.message.splitlines()[0]}"
    return None


def pdf_with(browser, page_html: str, pdf: Path) -> None:
    """Print with a running Playwright browser: A4, backgrounds, page numbers in the footer."""
    page = browser.new_page()
    page.set_content(page_html, wait_until="load")
    page.pdf(path=str(pdf), format="A4", print_background=True, display_header_footer=True,
             header_template="<span></span>",
             footer_template='<div style="font-size:8pt;width:100%;text-align:center">'
                             '<span class="pageNumber"></span> / <span class="totalPages"></span></div>',
             margin={"top": "12mm", "bottom": "16mm", "left": "12mm", "right": "12mm"})
    page.close()


def _handout(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.suffix not in (".html", ".pdf"):
        print("layerlab export handout: -o names a .html or a .pdf file", file=sys.stderr)
        return 1
    lesson_id = _lesson_arg(args.lesson)
    lessons = args.lessons or (str(Path(args.lesson).parent) if Path(args.lesson).is_file() else None)
    status, page = handout_html(lesson_id, lessons, args.lang, args.per_page)
    if status == 404:
        print(f"layerlab export handout: no lesson '{args.lesson}' (give its id, as in /lessons/<id>)", file=sys.stderr)
        return 1
    if status != 200:
        print(f"layerlab export handout: lesson '{lesson_id}' has errors; `layerlab check` lists them", file=sys.stderr)
        return 1
    try:
        if out.suffix == ".html":
            out.write_text(page, encoding="utf-8")
        else:
            why = print_pdf(page, out)
            if why:
                print(f"layerlab export handout: {why}; write a .html handout and print it from a browser", file=sys.stderr)
                return 1
    except OSError as exc:
        print(f"layerlab export handout: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}", file=sys.stderr)
    return 0


def _lesson_arg(name: str) -> str:
    """A lesson id, or the id inside a lesson file given by path."""
    path = Path(name)
    if path.is_file():
        ids = _lesson_id(path)
        return ids[0] if ids else path.stem
    return name


def register(sub) -> None:
    e = sub.add_parser("export", help="the course as a static site, or a lesson as a printable handout")
    what = e.add_subparsers(dest="what", required=True)
    s = what.add_parser("site", help="every page of every lesson, in every language, as files that open anywhere")
    s.add_argument("folder", nargs="?", help="folder to write (default: site/)")
    s.add_argument("-o", "--output", help="the same as FOLDER")
    s.add_argument("--lessons", help="folder of lesson files (default: the bundled lessons/)")
    s.add_argument("--lang", type=languages, default=list(LANGS), help="languages, e.g. en or en,zh (default)")
    s.set_defaults(func=_site)
    h = what.add_parser("handout", help="one lesson for course notes: every step's diagram and narration")
    h.add_argument("lesson", help="lesson id (or its file)")
    h.add_argument("-o", "--output", required=True, help="FILE.html (print it from a browser) or FILE.pdf (needs Chromium)")
    h.add_argument("--lessons", help="folder of lesson files (default: the bundled lessons/)")
    h.add_argument("--lang", choices=LANGS, default="en")
    h.add_argument("--per-page", type=int, choices=[1, 2], default=1, help="steps per A4 page")
    h.set_defaults(func=_handout)
