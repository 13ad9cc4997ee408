"""The web tier: Flask blueprints and htmx partials, wiring only.

Every page is a function of the lesson files and the URL (the language is a
query parameter, not a cookie), so any gunicorn worker on any machine can
serve any request.
"""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import Babel
from htmx_flask import Htmx
from markdown_it import MarkdownIt

from app.lessons import LANGS
from app.render.sizes import human_size

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def current_lang() -> str:
    lang = request.args.get("lang", "en") if request else "en"
    return lang if lang in LANGS else "en"


def init_app(app: Flask) -> None:
    from . import pages

    Babel(app, locale_selector=lambda: "zh" if current_lang() == "zh" else "en")
    Htmx(app)
    app.jinja_env.filters["markdown"] = lambda text: _markdown.render(text or "")
    app.jinja_env.filters["size"] = human_size
    app.jinja_env.globals["current_lang"] = current_lang
    app.register_blueprint(pages.bp)

    @app.errorhandler(404)
    def not_found(_err):
        return render_template("not_found.html", lang=current_lang()), 404

    @app.errorhandler(405)
    def not_allowed(_err):
        return render_template("not_found.html", lang=current_lang()), 405

    @app.errorhandler(500)
    def server_error(_err):  # the last line of defence: still a page, never a traceback
        return render_template("error.html", lang=current_lang(), problems=[]), 500
