"""layerlab: learn how Docker images and containers are built from layers.

``create_app`` is the Flask application factory (``gunicorn 'app:create_app()'``).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None):
    """Build the Flask app. Templates and static files live at the top level."""
    from flask import Flask

    from app.web import init_app

    flask_app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    flask_app.config.update(
        LAYERLAB_LESSONS=str(ROOT / "lessons"),
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "app" / "web" / "translations"),
        BABEL_DEFAULT_LOCALE="en",
    )
    if config:
        flask_app.config.update(config)
    init_app(flask_app)
    return flask_app
