"""Serving the OpenAPI document and the Swagger UI docs page.

``API(app)`` is the setup of :mod:`kolba.api` for an app: it holds the
document's ``info`` and serves ``/openapi.json`` (``OPENAPI_URL``) and
``/docs`` (``OPENAPI_DOCS_URL``), both on by default; set either key to
``None`` before the setup to turn it off.  The docs page loads Swagger UI
from the installed ``swagger-ui-bundle-v2`` package (``pip install
kolba[api]``), never from a CDN.
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import typing as t

from werkzeug.exceptions import HTTPException

from ..blueprints import Blueprint
from ..globals import current_app
from ..helpers import url_for
from .errors import problem_for
from .openapi import openapi_document

if t.TYPE_CHECKING:
    from ..app import Kolba
    from ..wrappers import Response

__all__ = ["API"]

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="{css}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{script}"></script>
<script>
window.ui = SwaggerUIBundle({{
  url: {spec}, dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"
}});
</script>
</body>
</html>
"""

_NO_ASSETS = (
    "The API docs page needs Swagger UI's files, which come with the"
    " 'swagger-ui-bundle-v2' package: pip install 'kolba[api]'."
)


def swagger_ui_folder() -> str | None:
    """The folder of the installed Swagger UI files, or None."""
    spec = importlib.util.find_spec("swagger_ui_bundle")
    if spec is None or not spec.submodule_search_locations:
        return None
    vendor = os.path.join(list(spec.submodule_search_locations)[0], "vendor")
    if not os.path.isdir(vendor):
        return None
    versions = sorted(name for name in os.listdir(vendor) if name.startswith("swagger-ui-"))
    return os.path.join(vendor, versions[-1]) if versions else None


class API:
    """The API setup of an app: document ``info`` and the ``/openapi.json`` and ``/docs`` routes.

    ``API(app, title="Pets", version="1.0")`` or, for app factories,
    ``api = API(title=...)`` then ``api.init_app(app)``.  Extra keywords go
    into the document's ``info`` (``description``, ``contact``, ``license``,
    ``terms_of_service`` as ``termsOfService``); ``servers`` is the list of
    server objects.  ``json_errors=True`` answers every HTTP error of the
    app (404 from routing, ``abort(403)``...) with problem details instead
    of an HTML page, and documents error responses declared with a
    description (``responses={404: "No such pet"}``) as such.
    """

    def __init__(
        self, app: Kolba | None = None, *, title: str | None = None, version: str = "0.1.0",
        servers: list[dict[str, t.Any]] | None = None, json_errors: bool = False, **info: t.Any,
    ) -> None:
        self.info: dict[str, t.Any] = {"version": version}
        if title is not None:
            self.info["title"] = title
        if "terms_of_service" in info:
            info["termsOfService"] = info.pop("terms_of_service")
        self.info.update({key: value for key, value in info.items() if value is not None})
        self.servers = servers
        self.json_errors = json_errors
        self._documents: dict[int, bytes] = {}
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Kolba) -> None:
        """Attach to ``app`` and add the document and docs routes its config asks for."""
        app.extensions["kolba.api"] = self
        if self.json_errors:
            app.register_error_handler(HTTPException, problem_for)
        config = app.config
        config.setdefault("OPENAPI_URL", "/openapi.json")
        config.setdefault("OPENAPI_DOCS_URL", "/docs")
        document_url, docs_url = config["OPENAPI_URL"], config["OPENAPI_DOCS_URL"]
        if not document_url:
            return
        app.add_url_rule(document_url, "openapi", self._serve_document, include_in_schema=False)
        if docs_url:
            app.register_blueprint(self._docs_blueprint(docs_url))

    def document(self, app: Kolba) -> dict[str, t.Any]:
        """The app's OpenAPI document with this setup's ``info``."""
        return openapi_document(app)

    def _serve_document(self) -> Response:
        app: t.Any = current_app._get_current_object()  # type: ignore[attr-defined]
        body = self._documents.get(id(app))
        if body is None:
            # Registration is closed once serving began, so the document cannot change.
            body = self._documents[id(app)] = json.dumps(self.document(app)).encode()
        return app.response_class(body, mimetype="application/json")  # type: ignore[no-any-return]

    def _docs_blueprint(self, docs_url: str) -> Blueprint:
        folder = swagger_ui_folder()
        blueprint = Blueprint(
            "openapi_docs", __name__, static_folder=folder, static_url_path=docs_url.rstrip("/") or "/"
        )

        def docs_page() -> t.Any:
            app = current_app
            if folder is None:
                return app.response_class(_NO_ASSETS, status=501, mimetype="text/plain")
            title = self.info.get("title") or app.name
            page = _PAGE.format(
                title=html.escape(f"{title} - API docs"),
                css=html.escape(url_for("openapi_docs.static", filename="swagger-ui.css")),
                script=html.escape(url_for("openapi_docs.static", filename="swagger-ui-bundle.js")),
                spec=json.dumps(url_for("openapi")).replace("</", "<\\/"),
            )
            return app.response_class(page, mimetype="text/html")

        blueprint.add_url_rule(docs_url, "page", docs_page, include_in_schema=False)
        return blueprint
