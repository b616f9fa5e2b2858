"""The OpenAPI 3.1 document, where it is served, the docs page and ``kolba openapi``."""

import json
import typing as t

import pytest
from openapi_spec_validator import validate

from kolba import Blueprint, Kolba
from kolba.api import API, APIKey, HTTPBearer, Query, SessionCookie, secure
from kolba.views import MethodView

from . import sample_app
from .models import Order, Tag, User

pytestmark = pytest.mark.kolba_only

VALIDATION = {
    "description": "Validation Error",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/kolba.ValidationProblem"}}},
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def test_the_sample_api_document_is_valid() -> None:
    document = sample_app.create_app().openapi()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {
        "title": "Pet store", "version": "1.0.0", "description": "The typed-view sample API.",
    }
    assert list(document["paths"]) == [
        "/pets", "/pets/{pet_id}", "/adoptions", "/health", "/owners/", "/owners/notes/",
    ]
    assert document["tags"] == [{"name": "owners"}, {"name": "owners.notes"}]


def test_query_parameters_body_and_responses() -> None:
    paths = sample_app.create_app().openapi()["paths"]
    listing = paths["/pets"]["get"]
    assert listing["summary"] == "List pets."
    assert listing["description"] == "Filtered by kind; ``limit`` caps the page."
    assert listing["operationId"] == "list_pets"
    assert listing["parameters"] == [
        {
            "name": "kind", "in": "query", "required": False, "description": "Only pets of this kind.",
            "schema": {"anyOf": [ref("Kind"), {"type": "null"}], "default": None},
        },
        {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
        {
            "name": "tag", "in": "query", "required": False, "style": "form", "explode": True,
            "schema": {"type": "array", "items": {"type": "string"}, "default": []},
        },
    ]
    assert listing["responses"] == {
        "200": {"description": "OK", "content": {"application/json": {"schema": {"type": "array", "items": ref("Pet")}}}},
        "422": VALIDATION,
    }
    assert listing["security"] == []
    adding = paths["/pets"]["post"]
    assert adding["requestBody"] == {"required": True, "content": {"application/json": {"schema": ref("NewPet")}}}
    assert adding["parameters"] == [
        {"name": "x-request-id", "in": "header", "required": False,
         "schema": {"anyOf": [{"type": "string", "maxLength": 64}, {"type": "null"}], "default": None}},
    ]
    assert set(adding["responses"]) == {"201", "409", "422", "400", "415"}
    assert adding["responses"]["409"] == {
        "description": "Conflict", "content": {"application/json": {"schema": ref("Conflict")}},
    }
    assert adding["security"] == [{"token": []}]


def test_path_parameters_and_204() -> None:
    item = sample_app.create_app().openapi()["paths"]["/pets/{pet_id}"]
    assert item["get"]["parameters"] == [{"name": "pet_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    assert item["delete"]["responses"]["204"] == {"description": "No Content"}
    # With json_errors, an error described in words is problem details.
    assert item["get"]["responses"]["404"] == {
        "description": "No such pet.",
        "content": {"application/problem+json": {"schema": ref("kolba.Problem")}},
    }
    assert item["delete"]["operationId"] == "delete_pet"


def test_schemas_from_both_engines_are_components() -> None:
    schemas = sample_app.create_app().openapi()["components"]["schemas"]
    assert {"Pet", "NewPet", "Vaccine", "Kind", "Conflict", "Owner", "Note"} <= set(schemas)
    assert schemas["Owner"]["properties"]["email"]["pattern"] == r"^[^@\s]+@[^@\s]+$"
    assert schemas["Vaccine"]["properties"]["year"] == {"type": "integer", "minimum": 1900, "maximum": 2100}


def test_form_bodies() -> None:
    adopt = sample_app.create_app().openapi()["paths"]["/adoptions"]["post"]
    assert adopt["requestBody"] == {
        "required": True,
        "content": {"application/x-www-form-urlencoded": {"schema": {
            "type": "object",
            "properties": {
                "pet_id": {"type": "integer", "minimum": 1},
                "owner_name": {"type": "string", "minLength": 1, "maxLength": 40},
            },
            "required": ["pet_id", "owner_name"],
        }}},
    }


def test_untyped_views_have_paths_and_methods_only() -> None:
    health = sample_app.create_app().openapi()["paths"]["/health"]
    assert health == {"get": {
        "summary": "A plain Flask view.", "operationId": "health",
        "responses": {"200": {"description": "OK"}}, "security": [{"token": []}],
    }}


def test_blueprint_security_tags_and_method_views() -> None:
    document = sample_app.create_app().openapi()
    owners = document["paths"]["/owners/"]["post"]
    assert owners["tags"] == ["owners"]
    assert owners["security"] == [{"session": []}, {"key": []}]
    assert owners["parameters"] == [
        {"name": "theme", "in": "cookie", "required": False, "schema": {"type": "string", "maxLength": 10, "default": "light"}},
    ]
    notes = document["paths"]["/owners/notes/"]
    assert set(notes) == {"get", "post"}
    assert notes["get"]["tags"] == ["owners.notes"]
    assert notes["get"]["summary"] == "The owner notes."
    assert notes["post"]["requestBody"]["content"]["application/json"]["schema"] == ref("Note")
    # The innermost blueprint without schemes of its own inherits its parent's.
    assert notes["post"]["security"] == [{"session": []}, {"key": []}]
    assert document["components"]["securitySchemes"] == {
        "token": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "session": {"type": "apiKey", "name": "session", "in": "cookie"},
        "key": {"type": "apiKey", "name": "X-API-Key", "in": "header"},
    }


def test_route_options_and_a_plain_app(app: Kolba) -> None:
    secure(app, cookie=SessionCookie(description="Log in first."), query=APIKey("key", "query"))
    app.config["SESSION_COOKIE_NAME"] = "sid"

    @app.get("/old", deprecated=True, summary="Old", description="Use /new.", operation_id="legacy", tags=["misc"])
    def old() -> str:
        """Ignored: the options win."""
        return "old"

    @app.get("/hidden", include_in_schema=False)
    def hidden() -> str:
        return "h"

    @app.route("/both", methods=["GET", "POST"])
    def both() -> str:
        return "b"

    document = app.openapi(title="Custom", version="2")
    validate(document)
    assert document["info"] == {"title": "Custom", "version": "2"}
    assert document["paths"]["/old"]["get"] == {
        "tags": ["misc"], "summary": "Old", "description": "Use /new.", "operationId": "legacy",
        "responses": {"200": {"description": "OK"}}, "deprecated": True,
        "security": [{"cookie": []}, {"query": []}],
    }
    assert "/hidden" not in document["paths"]
    assert [op["operationId"] for op in document["paths"]["/both"].values()] == ["both_get", "both_post"]
    assert document["components"]["securitySchemes"] == {
        "cookie": {"type": "apiKey", "name": "sid", "in": "cookie", "description": "Log in first."},
        "query": {"type": "apiKey", "name": "key", "in": "query"},
    }
    assert app.openapi()["info"] == {"title": "kolba_test", "version": "0.1.0"}


def test_query_models_expand_into_parameters_and_url_converters(app: Kolba) -> None:
    from .models import Filters

    @app.get("/find/<any(cats, dogs):kind>/<path:rest>")
    def find(kind: str, rest: str, filters: t.Annotated[Filters, Query()]) -> list[Order]:
        return []

    operation = app.openapi()["paths"]["/find/{kind}/{rest}"]["get"]
    assert operation["parameters"] == [
        {"name": "kind", "in": "path", "required": True, "schema": {"type": "string", "enum": ["cats", "dogs"]}},
        {"name": "rest", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
        {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "default": 1}},
        {"name": "tags", "in": "query", "required": False, "style": "form", "explode": True,
         "schema": {"type": "array", "items": {"type": "string"}, "default": []}},
    ]


def test_pydantic_and_msgspec_share_a_document(app: Kolba) -> None:
    class Both(MethodView):
        def post(self, user: User) -> Tag:
            return Tag(user.name)

        def put(self, tag: Tag) -> User:
            return User(name=tag.name, age=1)

    app.add_url_rule("/both", view_func=Both.as_view("both"))
    document = app.openapi()
    validate(document)
    operations = document["paths"]["/both"]
    assert operations["post"]["requestBody"]["content"]["application/json"]["schema"] == ref("User")
    assert operations["put"]["responses"]["200"]["content"]["application/json"]["schema"] == ref("User")
    assert document["components"]["schemas"]["User"]["required"] == ["name", "age"]


# -- served documents and the docs page ----------------------------------------------------------


def test_document_and_docs_are_served_by_the_api_setup() -> None:
    app = sample_app.create_app()
    client = app.test_client()
    reply = client.get("/openapi.json")
    assert reply.mimetype == "application/json"
    assert json.loads(reply.data) == app.openapi()
    page = client.get("/docs")
    assert page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert '<script src="/docs/swagger-ui-bundle.js">' in text
    assert 'url: "/openapi.json"' in text
    assert "://" not in text  # nothing from another host: no CDN
    assert client.get("/docs/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs/swagger-ui.css").mimetype == "text/css"


def test_served_urls_follow_the_config() -> None:
    app = Kolba(__name__)
    app.config.update(OPENAPI_URL="/api/spec.json", OPENAPI_DOCS_URL="/api/docs/")
    API(app, title="T")
    client = app.test_client()
    assert client.get("/api/spec.json").get_json()["info"]["title"] == "T"
    assert 'url: "/api/spec.json"' in client.get("/api/docs/").get_data(as_text=True)
    assert client.get("/openapi.json").status_code == 404


def test_nothing_is_served_when_turned_off_or_without_the_setup() -> None:
    off = Kolba(__name__)
    off.config["OPENAPI_URL"] = None
    API(off)
    plain = Kolba(__name__)
    for app in (off, plain):
        assert app.test_client().get("/openapi.json").status_code == 404
        assert app.test_client().get("/docs").status_code == 404
    no_page = Kolba(__name__)
    no_page.config["OPENAPI_DOCS_URL"] = None
    API(no_page)
    assert no_page.test_client().get("/openapi.json").status_code == 200
    assert no_page.test_client().get("/docs").status_code == 404


def test_setup_for_app_factories() -> None:
    api = API(title="Factory", version="3", servers=[{"url": "https://api.example.com"}], terms_of_service="https://example.com/tos")
    app = Kolba(__name__)
    api.init_app(app)
    document = app.test_client().get("/openapi.json").get_json()
    assert document["info"] == {"title": "Factory", "version": "3", "termsOfService": "https://example.com/tos"}
    assert document["servers"] == [{"url": "https://api.example.com"}]


# -- kolba openapi ---------------------------------------------------------------------------------


def test_cli_prints_json_and_writes_yaml(tmp_path: t.Any) -> None:
    import yaml

    from kolba._cli_openapi import openapi_command

    app = sample_app.create_app()
    printed = app.test_cli_runner().invoke(openapi_command, [])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output) == app.openapi()
    target = tmp_path / "api.yaml"
    written = app.test_cli_runner().invoke(openapi_command, ["--output", str(target)])
    assert written.exit_code == 0, written.output
    assert yaml.safe_load(target.read_text()) == app.openapi()
    as_yaml = app.test_cli_runner().invoke(openapi_command, ["--format", "yaml"])
    assert yaml.safe_load(as_yaml.output) == app.openapi()


def test_cli_command_is_a_default_command() -> None:
    from kolba.cli import cli

    assert "openapi" in cli.commands


def test_docs_page_without_swagger_ui_names_the_extra() -> None:
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        """
        import importlib.util
        real = importlib.util.find_spec
        importlib.util.find_spec = lambda name, *a: None if name == "swagger_ui_bundle" else real(name, *a)
        from kolba import Kolba
        from kolba.api import API
        app = Kolba("no_assets")
        API(app)
        reply = app.test_client().get("/docs")
        print(reply.status_code, reply.get_data(as_text=True))
        """
    )
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == (
        "501 The API docs page needs Swagger UI's files, which come with the"
        " 'swagger-ui-bundle-v2' package: pip install 'kolba[api]'."
    )


def test_optional_security_accepts_anonymous_requests_too(app: Kolba) -> None:
    secure(app, optional=True, session=SessionCookie())

    @app.get("/notes")
    def notes() -> str:
        return ""

    document = app.openapi()
    validate(document)
    assert document["paths"]["/notes"]["get"]["security"] == [{}, {"session": []}]


def test_problem_for_is_an_error_handler_for_any_scope(app: Kolba) -> None:
    from werkzeug.exceptions import HTTPException

    from kolba import abort
    from kolba.api import problem_for

    bp = Blueprint("api", __name__, url_prefix="/api")
    bp.register_error_handler(HTTPException, problem_for)

    @bp.get("/gone")
    def gone() -> str:
        abort(410, "Moved away.")

    @app.get("/page")
    def page() -> str:
        abort(410)

    app.register_blueprint(bp)
    client = app.test_client()
    api = client.get("/api/gone")
    assert (api.status_code, api.mimetype) == (410, "application/problem+json")
    assert api.get_json() == {"type": "about:blank", "title": "Gone", "status": 410, "detail": "Moved away."}
    assert client.get("/page").mimetype == "text/html"
