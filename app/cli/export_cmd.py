"""``layerlab export``: the whole course as a static site, or a lesson as a printable handout.

    layerlab export site DIR [--lessons DIR] [--lang en,zh]
    layerlab export handout LESSON -o FILE.html|FILE.pdf [--lang en] [--per-page 1|2] [--lessons DIR]
    layerlab export handout --all -o FILE.html|FILE.pdf ...    every lesson, one after another

Both ask the web app for its pages through Flask's test client, so what is
written is exactly what the server serves (the web tier is a pure function of
the lesson files and the URL); static_site.py turns the addresses into relative
file paths. A PDF is typeset by WeasyPrint (no browser needed); the HTML handout
prints the same from any browser, one step per A4 page.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from app.lessons import LANGS

from .render_cmd import languages
from .static_site import SiteMap

ROOT = Path(__file__).resolve().parents[2]


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
    """Typeset a standalone HTML page as a PDF; None, or why it could not.

    WeasyPrint, not a browser: it needs only Pango (a system library every desktop Debian has), reads the
    inline SVG diagrams as vectors, embeds the CJK font, and numbers pages from the handout's own
    ``@page`` rule, so a course machine without Chromium still makes its notes."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango itself is missing
        return f"a PDF needs WeasyPrint and Pango ({exc})"
    document = weasyprint.HTML(string=page_html, base_url=str(ROOT))
    document.write_pdf(pdf)
    return None


def _handout(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.suffix not in (".html", ".pdf"):
        print("layerlab export handout: -o names a .html or a .pdf file", file=sys.stderr)
        return 1
    if args.all == (args.lesson is not None):
        print("layerlab export handout: give a LESSON, or --all for the whole course", file=sys.stderr)
        return 1
    if args.all:
        status, page = _course(args)
    else:
        lesson_id = _lesson_arg(args.lesson)
        lessons = args.lessons or (str(Path(args.lesson).parent) if Path(args.lesson).is_file() else None)
        status, page = handout_html(lesson_id, lessons, args.lang, args.per_page)
    if status == 404:
        print(f"layerlab export handout: no lesson '{args.lesson}' (give its id, as in /lessons/<id>)", file=sys.stderr)
        return 1
    if status != 200:
        print(f"layerlab export handout: {page or 'the lesson has errors; `layerlab check` lists them'}", file=sys.stderr)
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


def _course(args: argparse.Namespace) -> tuple[int, str]:
    """Every lesson's handout in one page: (200, page), or (422, why) when there is none to show."""
    from .course_handout import course_handout_html

    flask_app, client = web_client(args.lessons)
    page, left_out = course_handout_html(client, Path(flask_app.config["LAYERLAB_LESSONS"]), args.lang, args.per_page)
    for why in left_out:
        print(f"layerlab export handout: {why}", file=sys.stderr)
    return (200, page) if page else (422, "no lesson without errors to put in the handout")


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
    h.add_argument("lesson", nargs="?", help="lesson id (or its file)")
    h.add_argument("--all", action="store_true", help="the whole course: every lesson, in the order of the list")
    h.add_argument("-o", "--output", required=True, help="FILE.html (print it from a browser) or FILE.pdf (needs Chromium)")
    h.add_argument("--lessons", help="folder of lesson files (default: the bundled lessons/)")
    h.add_argument("--lang", choices=LANGS, default="en")
    h.add_argument("--per-page", type=int, choices=[1, 2], default=1, help="steps per A4 page")
    h.set_defaults(func=_handout)
