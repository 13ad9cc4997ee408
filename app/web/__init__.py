"""The web tier: Flask blueprints and htmx partials, wiring only.

Every page is a function of the lesson files and the URL (the language, the
glosses switch and presentation mode are query parameters, not cookies), so
any gunicorn worker on any machine can serve any request.
"""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import Babel
from flask_compress import Compress
from htmx_flask import Htmx

from markupsafe import Markup

from app.render.labels import printable
from app.render.sizes import human_size

from . import challenges, download, handout, import_page, inspect, pages, play, watch
from .caching import init_caching
from .front_cache import FrontCache
from .markdown import render_markdown
from .notes import translate_note
from .query import current_lang, glosses_on, kept, presenting
from .startup import prepare


def _printable(value):
    return Markup(printable(str(value))) if isinstance(value, Markup) else printable(value)


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=lambda: "zh" if current_lang() == "zh" else "en")
    Htmx(app)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["size"] = human_size
    app.jinja_env.filters["note"] = translate_note
    app.jinja_env.finalize = _printable  # any bytes, never a 500: every {{ value }} is shown ls -b style
    app.jinja_env.globals.update(current_lang=current_lang, kept=kept, glosses_on=glosses_on, presenting=presenting)
    app.register_blueprint(pages.bp)
    app.register_blueprint(play.bp)
    app.jinja_env.globals.update(play_url=play.play_url)
    app.register_blueprint(inspect.bp)
    app.register_blueprint(handout.bp)
    app.register_blueprint(challenges.bp)
    app.register_blueprint(download.bp)
    app.jinja_env.globals.update(downloadable=download.downloadable)
    app.register_blueprint(import_page.bp)
    if app.config.get("LAYERLAB_WATCH"):  # serve --watch: development only
        app.register_blueprint(watch.bp)
    init_caching(app)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    Compress(app)
    app.wsgi_app = FrontCache(app.wsgi_app, app.extensions["layerlab_caching"].pages)  # repeats before Flask
    prepare(app)

    @app.errorhandler(404)
    def not_found(_err):
        return render_template("not_found.html", lang=current_lang()), 404

    @app.errorhandler(405)
    def not_allowed(_err):
        return render_template("not_found.html", lang=current_lang()), 405

    @app.errorhandler(500)
    def server_error(_err):  # the last line of defence: still a page, never a traceback
        return render_template("error.html", lang=current_lang(), problems=[]), 500
