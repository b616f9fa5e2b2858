"""A tiny application package laid out like the seeds: a factory and blueprints."""

from __future__ import annotations

from typing import Any

from kolba import Kolba


def create_app(config: dict[str, Any] | None = None) -> Kolba:
    """Build a fresh app; blueprints are module-level objects shared by all apps."""
    app = Kolba(__name__)
    app.config.update(TESTING=True, SECRET_KEY="package key", GREETING="hello")
    if config:
        app.config.update(config)

    from .main import main as main_blueprint

    app.register_blueprint(main_blueprint)

    from .api import api as api_blueprint

    app.register_blueprint(api_blueprint, url_prefix="/api/v1")
    return app
