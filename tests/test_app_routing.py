"""Routing through the application: decorators, converters, automatic methods, redirects."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from werkzeug.http import parse_set_header
from werkzeug.routing import BaseConverter, ValidationError

import kolba

NOT_FOUND_BODY = (
    b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n"
    b"<h1>Not Found</h1>\n<p>The requested URL was not found on the server."
    b" If you entered the URL manually please check your spelling and try"
    b" again.</p>\n"
)
METHOD_NOT_ALLOWED_BODY = (
    b"<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n"
    b"<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the"
    b" requested URL.</p>\n"
)


def redirect_body(target: str) -> bytes:
    """Werkzeug's HTML body for a redirect to ``target`` (already HTML-safe)."""
    return (
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
        "<h1>Redirecting...</h1>\n<p>You should be redirected automatically to"
        f' the target URL: <a href="{target}">{target}</a>. If not, click the link.\n'
    ).encode()


def allow_set(resp: Any) -> set[str]:
    """The Allow header as a set: its order follows set iteration in Flask."""
    return set(parse_set_header(resp.headers["Allow"]))


# --- @app.route basics ------------------------------------------------------------


def test_route_basic(app: kolba.Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> str:
        return "Hello"

    resp = client.get("/")
    assert resp.status_code == 200
    assert resp.data == b"Hello"
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    assert resp.headers["Content-Length"] == "5"


def test_route_returns_function_unchanged(app: kolba.Kolba) -> None:
    def view() -> str:
        return "v"

    assert app.route("/v")(view) is view
    assert app.view_functions["view"] is view


def test_route_methods(app: kolba.Kolba, client: Any) -> None:
    @app.route("/m", methods=["POST", "put"])
    def m() -> str:
        return kolba.request.method

    assert client.post("/m").data == b"POST"
    assert client.put("/m").data == b"PUT"
    assert client.get("/m").status_code == 405
    rule = next(app.url_map.iter_rules("m"))
    assert rule.methods == {"POST", "PUT", "OPTIONS"}


def test_route_default_methods_get_head_options(app: kolba.Kolba) -> None:
    @app.route("/")
    def index() -> str:
        return ""

    assert next(app.url_map.iter_rules("index")).methods == {"GET", "HEAD", "OPTIONS"}


def test_route_methods_string_rejected(app: kolba.Kolba) -> None:
    with pytest.raises(TypeError, match="Allowed methods must be a list of strings"):
        app.add_url_rule("/x", "x", lambda: "x", methods="POST")


def test_route_methods_from_view_attribute(app: kolba.Kolba, client: Any) -> None:
    def view() -> str:
        return "ok"

    view.methods = ["DELETE"]  # type: ignore[attr-defined]
    app.add_url_rule("/v", view_func=view)
    assert client.delete("/v").data == b"ok"
    assert client.get("/v").status_code == 405


def test_route_required_methods_attribute(app: kolba.Kolba) -> None:
    def view() -> str:
        return "ok"

    view.required_methods = ["PATCH"]  # type: ignore[attr-defined]
    app.add_url_rule("/v", view_func=view)
    assert next(app.url_map.iter_rules("view")).methods == {
        "GET", "HEAD", "OPTIONS", "PATCH"
    }


def test_route_endpoint(app: kolba.Kolba, client: Any) -> None:
    @app.route("/e", endpoint="custom")
    def view() -> str:
        return "e"

    assert "custom" in app.view_functions
    assert "view" not in app.view_functions
    assert client.get("/e").data == b"e"
    with app.test_request_context():
        assert kolba.url_for("custom") == "/e"


def test_endpoint_defaults_to_function_name(app: kolba.Kolba) -> None:
    @app.route("/a")
    def some_name() -> str:
        return ""

    assert "some_name" in app.view_functions
    assert [r.endpoint for r in app.url_map.iter_rules("some_name")] == ["some_name"]


def test_multiple_routes_one_view(app: kolba.Kolba, client: Any) -> None:
    @app.route("/one")
    @app.route("/two")
    def both() -> str:
        return kolba.request.path

    assert client.get("/one").data == b"/one"
    assert client.get("/two").data == b"/two"
    with app.test_request_context():
        assert kolba.url_for("both") == "/two"


def test_route_defaults_passed_to_view(app: kolba.Kolba, client: Any) -> None:
    @app.route("/page/", defaults={"page": 1})
    @app.route("/page/<int:page>")
    def pages(page: int) -> str:
        return f"page {page!r}"

    assert client.get("/page/").data == b"page 1"
    assert client.get("/page/7").data == b"page 7"


def test_defaults_redirect_to_canonical_url(app: kolba.Kolba, client: Any) -> None:
    @app.route("/page/", defaults={"page": 1})
    @app.route("/page/<int:page>")
    def pages(page: int) -> str:
        return str(page)

    resp = client.get("/page/1")
    assert resp.status_code == 308
    assert resp.headers["Location"] == "http://localhost/page/"
    assert resp.data == redirect_body("http://localhost/page/")


def test_defaults_extra_value_not_in_rule(app: kolba.Kolba, client: Any) -> None:
    @app.route("/x", defaults={"flag": True})
    def x(flag: bool) -> str:
        return repr(flag)

    assert client.get("/x").data == b"True"


def test_view_args_passed_as_kwargs(app: kolba.Kolba, client: Any) -> None:
    @app.route("/<a>/<int:b>")
    def view(**kwargs: Any) -> str:
        return repr(sorted(kwargs.items()))

    assert client.get("/x/3").data == b"[('a', 'x'), ('b', 3)]"


# --- shortcut decorators ------------------------------------------------------------


@pytest.mark.parametrize("name", ["get", "post", "put", "patch", "delete"])
def test_method_shortcut(app: kolba.Kolba, client: Any, name: str) -> None:
    decorator = getattr(app, name)

    @decorator("/r")
    def r() -> str:
        return kolba.request.method

    resp = client.open("/r", method=name.upper())
    assert resp.status_code == 200
    assert resp.data == name.upper().encode()
    other = "PUT" if name != "put" else "POST"
    assert client.open("/r", method=other).status_code == 405
    expected = {name.upper(), "OPTIONS"} | ({"HEAD"} if name == "get" else set())
    assert next(app.url_map.iter_rules("r")).methods == expected


@pytest.mark.parametrize("name", ["get", "post", "put", "patch", "delete"])
def test_method_shortcut_rejects_methods(app: kolba.Kolba, name: str) -> None:
    with pytest.raises(TypeError, match="Use the 'route' decorator to use the 'methods' argument."):
        getattr(app, name)("/r", methods=["GET"])


def test_method_shortcut_accepts_options(app: kolba.Kolba, client: Any) -> None:
    @app.post("/r", endpoint="made")
    def r() -> str:
        return "made"

    assert "made" in app.view_functions
    assert client.post("/r").data == b"made"


# --- add_url_rule / endpoint -------------------------------------------------------


def test_add_url_rule(app: kolba.Kolba, client: Any) -> None:
    def view() -> str:
        return "added"

    app.add_url_rule("/added", "added_ep", view)
    assert app.view_functions["added_ep"] is view
    assert client.get("/added").data == b"added"


def test_add_url_rule_endpoint_from_view_name(app: kolba.Kolba) -> None:
    def my_view() -> str:
        return ""

    app.add_url_rule("/", view_func=my_view)
    assert app.view_functions == {"static": app.view_functions["static"], "my_view": my_view}


def test_add_url_rule_without_view_then_endpoint(app: kolba.Kolba, client: Any) -> None:
    app.add_url_rule("/later", "later")
    assert "later" not in app.view_functions

    @app.endpoint("later")
    def later() -> str:
        return "later"

    assert app.view_functions["later"] is later
    assert client.get("/later").data == b"later"


def test_rule_without_view_function_errors(app: kolba.Kolba) -> None:
    app.add_url_rule("/later", "later")
    app.testing = False
    resp = app.test_client().get("/later")
    assert resp.status_code == 500


def test_add_url_rule_without_endpoint_or_view_asserts(app: kolba.Kolba) -> None:
    with pytest.raises(AssertionError, match="expected view func if endpoint is not provided."):
        app.add_url_rule("/x")


def test_duplicate_endpoint_different_function(app: kolba.Kolba) -> None:
    @app.route("/a")
    def index() -> str:
        return "a"

    with pytest.raises(AssertionError) as info:

        @app.route("/b", endpoint="index")
        def other() -> str:
            return "b"

    assert str(info.value) == (
        "View function mapping is overwriting an existing endpoint function: index"
    )


def test_same_function_registered_twice_ok(app: kolba.Kolba, client: Any) -> None:
    def view() -> str:
        return kolba.request.path

    app.add_url_rule("/a", "v", view)
    app.add_url_rule("/b", "v", view)
    assert client.get("/a").data == b"/a"
    assert client.get("/b").data == b"/b"


def test_app_endpoint_may_contain_dot(app: kolba.Kolba, client: Any) -> None:
    # Only blueprints reject dotted names; the app accepts them as-is.
    app.add_url_rule("/a", "a.b", lambda: "dotted")
    assert client.get("/a").data == b"dotted"
    with app.test_request_context():
        assert kolba.url_for("a.b") == "/a"


# --- converters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "path", "expected"),
    [
        ("/s/<name>", "/s/abc", "'abc'"),
        ("/s/<string:name>", "/s/a b", "'a b'"),
        ("/s/<string(length=3):name>", "/s/abc", "'abc'"),
        ("/s/<string(minlength=2, maxlength=3):name>", "/s/ab", "'ab'"),
        ("/i/<int:name>", "/i/42", "42"),
        ("/i/<int(fixed_digits=3):name>", "/i/007", "7"),
        ("/i/<int(min=5, max=10):name>", "/i/10", "10"),
        ("/i/<int(signed=True):name>", "/i/-3", "-3"),
        ("/f/<float:name>", "/f/1.5", "1.5"),
        ("/f/<float(signed=True):name>", "/f/-0.25", "-0.25"),
        ("/p/<path:name>", "/p/a/b/c", "'a/b/c'"),
        ("/p/<path:name>/end", "/p/a/b/end", "'a/b'"),
        ("/a/<any(red, blue):name>", "/a/blue", "'blue'"),
        (
            "/u/<uuid:name>",
            "/u/12345678-1234-5678-1234-567812345678",
            "UUID('12345678-1234-5678-1234-567812345678')",
        ),
    ],
)
def test_converter_match(app: kolba.Kolba, client: Any, rule: str, path: str, expected: str) -> None:
    app.add_url_rule(rule, "v", lambda name: repr(name))
    resp = client.get(path)
    assert resp.status_code == 200
    assert resp.data == expected.encode()


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ("/s/<name>", "/s/a/b"),
        ("/s/<string(length=3):name>", "/s/abcd"),
        ("/s/<string(minlength=2):name>", "/s/a"),
        ("/i/<int:name>", "/i/abc"),
        ("/i/<int:name>", "/i/-3"),
        ("/i/<int:name>", "/i/1.5"),
        ("/i/<int(fixed_digits=3):name>", "/i/7"),
        ("/i/<int(min=5, max=10):name>", "/i/11"),
        ("/i/<int(min=5, max=10):name>", "/i/4"),
        ("/f/<float:name>", "/f/1"),
        ("/f/<float:name>", "/f/-1.5"),
        ("/a/<any(red, blue):name>", "/a/green"),
        ("/u/<uuid:name>", "/u/not-a-uuid"),
    ],
)
def test_converter_no_match(app: kolba.Kolba, client: Any, rule: str, path: str) -> None:
    app.add_url_rule(rule, "v", lambda name: repr(name))
    resp = client.get(path)
    assert resp.status_code == 404
    assert resp.data == NOT_FOUND_BODY


def test_int_converter_types(app: kolba.Kolba, client: Any) -> None:
    @app.route("/i/<int:n>/<float:f>/<uuid:u>")
    def view(n: int, f: float, u: uuid.UUID) -> str:
        return f"{type(n).__name__} {type(f).__name__} {type(u).__name__}"

    resp = client.get("/i/1/2.0/12345678-1234-5678-1234-567812345678")
    assert resp.data == b"int float UUID"


def test_converter_weights_prefer_int_over_string(app: kolba.Kolba, client: Any) -> None:
    @app.route("/w/<name>")
    def as_str(name: str) -> str:
        return "str"

    @app.route("/w/<int:name>")
    def as_int(name: int) -> str:
        return "int"

    assert client.get("/w/12").data == b"int"
    assert client.get("/w/ab").data == b"str"


def test_static_part_beats_converter(app: kolba.Kolba, client: Any) -> None:
    @app.route("/x/<name>")
    def dyn(name: str) -> str:
        return "dyn"

    @app.route("/x/fixed")
    def fixed() -> str:
        return "fixed"

    assert client.get("/x/fixed").data == b"fixed"
    assert client.get("/x/other").data == b"dyn"


class ListConverter(BaseConverter):
    """Comma separated list of short words; rejects the word 'bad'."""

    def to_python(self, value: str) -> list[str]:
        items = value.split(",")
        if "bad" in items:
            raise ValidationError()
        return items

    def to_url(self, value: list[str]) -> str:
        return ",".join(BaseConverter.to_url(self, v) for v in value)


class EvenConverter(BaseConverter):
    """Digits that must be even; takes an argument to prove args are passed."""

    regex = r"\d+"
    weight = 10

    def __init__(self, url_map: Any, scale: int = 1) -> None:
        super().__init__(url_map)
        self.scale = scale

    def to_python(self, value: str) -> int:
        number = int(value)
        if number % 2:
            raise ValidationError()
        return number * self.scale

    def to_url(self, value: int) -> str:
        return str(value // self.scale)


def test_custom_converter(app: kolba.Kolba, client: Any) -> None:
    app.url_map.converters["list"] = ListConverter

    @app.route("/l/<list:items>")
    def view(items: list[str]) -> str:
        return "|".join(items)

    assert client.get("/l/a,b,c").data == b"a|b|c"
    assert client.get("/l/a,bad").status_code == 404
    with app.test_request_context():
        assert kolba.url_for("view", items=["x", "y z"]) == "/l/x,y%20z"


def test_custom_converter_validation_error_is_404(app: kolba.Kolba, client: Any) -> None:
    app.url_map.converters["even"] = EvenConverter

    @app.route("/n/<even(scale=10):n>")
    def even(n: int) -> str:
        return f"even {n}"

    @app.route("/n/<int:n>")
    def anything(n: int) -> str:
        return f"int {n}"

    assert client.get("/n/4").data == b"even 40"
    # Werkzeug's matcher stops at the first rule whose regexes match: a
    # ValidationError from to_python is a 404, it does not try the int rule.
    resp = client.get("/n/3")
    assert resp.status_code == 404
    assert resp.data == NOT_FOUND_BODY
    with app.test_request_context():
        assert kolba.url_for("even", n=40) == "/n/4"


def test_unknown_converter_raises_lookup_error(app: kolba.Kolba) -> None:
    with pytest.raises(LookupError, match="the converter 'nope' does not exist"):
        app.add_url_rule("/<nope:x>", "x", lambda x: x)


# --- automatic HEAD -----------------------------------------------------------------


def test_head_same_headers_empty_body(app: kolba.Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> Any:
        resp = kolba.make_response("Hello, World!")
        resp.headers["X-Custom"] = "yes"
        return resp

    get = client.get("/")
    head = client.head("/")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Length"] == "13"
    assert list(head.headers) == list(get.headers)


def test_head_request_method_seen_by_view(app: kolba.Kolba, client: Any) -> None:
    seen: list[str] = []

    @app.route("/")
    def index() -> str:
        seen.append(kolba.request.method)
        return "body"

    assert client.head("/").data == b""
    assert seen == ["HEAD"]


def test_head_for_json(app: kolba.Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> Any:
        return {"a": 1}

    head = client.head("/")
    assert head.data == b""
    assert head.headers["Content-Type"] == "application/json"
    assert head.headers["Content-Length"] == "8"  # b'{"a":1}\n'



def test_head_not_added_without_get(app: kolba.Kolba, client: Any) -> None:
    @app.route("/", methods=["POST"])
    def index() -> str:
        return "x"

    resp = client.head("/")
    assert resp.status_code == 405
    assert allow_set(resp) == {"POST", "OPTIONS"}


# --- automatic OPTIONS --------------------------------------------------------------


def test_options_automatic(app: kolba.Kolba, client: Any) -> None:
    @app.route("/", methods=["GET", "POST"])
    def index() -> str:
        raise AssertionError("the view must not run for OPTIONS")

    resp = client.options("/")
    assert resp.status_code == 200
    assert resp.data == b""
    assert allow_set(resp) == {"GET", "HEAD", "POST", "OPTIONS"}
    assert resp.headers["Content-Length"] == "0"
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    assert sorted(k.lower() for k, _ in resp.headers) == ["allow", "content-length", "content-type"]


def test_options_combines_all_rules_for_path(app: kolba.Kolba, client: Any) -> None:
    @app.route("/r", methods=["GET"])
    def read() -> str:
        return ""

    @app.route("/r", methods=["DELETE", "PUT"])
    def write() -> str:
        return ""

    resp = client.options("/r")
    assert allow_set(resp) == {"GET", "HEAD", "OPTIONS", "DELETE", "PUT"}


def test_options_unknown_url_is_404(app: kolba.Kolba, client: Any) -> None:
    resp = client.options("/missing")
    assert resp.status_code == 404


def test_options_handled_by_view_when_listed(app: kolba.Kolba, client: Any) -> None:
    @app.route("/", methods=["GET", "OPTIONS"])
    def index() -> str:
        return f"view saw {kolba.request.method}"

    resp = client.options("/")
    assert resp.data == b"view saw OPTIONS"
    assert "Allow" not in resp.headers


def test_provide_automatic_options_false(app: kolba.Kolba, client: Any) -> None:
    @app.route("/", provide_automatic_options=False)
    def index() -> str:
        return "x"

    resp = client.options("/")
    assert resp.status_code == 405
    assert allow_set(resp) == {"GET", "HEAD"}
    assert next(app.url_map.iter_rules("index")).methods == {"GET", "HEAD"}


def test_provide_automatic_options_view_attribute(app: kolba.Kolba, client: Any) -> None:
    def view() -> str:
        return "x"

    view.provide_automatic_options = False  # type: ignore[attr-defined]
    app.add_url_rule("/", view_func=view)
    assert client.options("/").status_code == 405


def test_provide_automatic_options_config(app: kolba.Kolba, client: Any) -> None:
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False

    @app.route("/")
    def index() -> str:
        return "x"

    assert client.options("/").status_code == 405
    assert next(app.url_map.iter_rules("index")).methods == {"GET", "HEAD"}


def test_provide_automatic_options_false_with_explicit_options(app: kolba.Kolba, client: Any) -> None:
    @app.route("/", methods=["GET", "OPTIONS"], provide_automatic_options=False)
    def index() -> str:
        return "mine"

    assert client.options("/").data == b"mine"


# --- 405 ------------------------------------------------------------------------------


def test_method_not_allowed(app: kolba.Kolba, client: Any) -> None:
    @app.route("/", methods=["GET", "POST"])
    def index() -> str:
        return "x"

    resp = client.delete("/")
    assert resp.status_code == 405
    assert resp.status == "405 METHOD NOT ALLOWED"
    assert allow_set(resp) == {"GET", "HEAD", "POST", "OPTIONS"}
    assert resp.data == METHOD_NOT_ALLOWED_BODY
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    assert resp.headers["Content-Length"] == str(len(METHOD_NOT_ALLOWED_BODY))


def test_method_not_allowed_single_method(app: kolba.Kolba, client: Any) -> None:
    @app.route("/", methods=["POST"], provide_automatic_options=False)
    def index() -> str:
        return "x"

    resp = client.get("/")
    assert resp.status_code == 405
    assert resp.headers["Allow"] == "POST"


def test_405_exception_has_valid_methods(app: kolba.Kolba) -> None:
    from werkzeug.exceptions import MethodNotAllowed

    @app.route("/", methods=["POST"])
    def index() -> str:
        return "x"

    caught: list[Any] = []

    @app.errorhandler(405)
    def handler(e: Any) -> Any:
        caught.append(e)
        return "custom 405", 405

    resp = app.test_client().get("/")
    assert resp.data == b"custom 405"
    assert isinstance(caught[0], MethodNotAllowed)
    assert set(caught[0].valid_methods) == {"POST", "OPTIONS"}


# --- slashes --------------------------------------------------------------------------


def test_trailing_slash_redirect(app: kolba.Kolba, client: Any) -> None:
    @app.route("/dir/")
    def d() -> str:
        return "dir"

    resp = client.get("/dir")
    assert resp.status_code == 308
    assert resp.status == "308 PERMANENT REDIRECT"
    assert resp.headers["Location"] == "http://localhost/dir/"
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    assert resp.data == redirect_body("http://localhost/dir/")
    assert resp.headers["Content-Length"] == str(len(resp.data))
    assert client.get("/dir/").data == b"dir"


def test_trailing_slash_redirect_keeps_query_string(app: kolba.Kolba, client: Any) -> None:
    @app.route("/dir/")
    def d() -> str:
        return "dir"

    resp = client.get("/dir?x=1&y=%20")
    assert resp.status_code == 308
    assert resp.headers["Location"] == "http://localhost/dir/?x=1&y=%20"
    assert resp.data == redirect_body("http://localhost/dir/?x=1&amp;y=%20")


def test_trailing_slash_redirect_post(app: kolba.Kolba, client: Any) -> None:
    @app.route("/dir/", methods=["POST"])
    def d() -> str:
        return "dir"

    resp = client.post("/dir", data={"a": "b"})
    assert resp.status_code == 308
    assert resp.headers["Location"] == "http://localhost/dir/"


def test_trailing_slash_follow_redirects(app: kolba.Kolba, client: Any) -> None:
    @app.route("/dir/")
    def d() -> str:
        return "dir"

    resp = client.get("/dir", follow_redirects=True)
    assert resp.status_code == 200
    assert resp.data == b"dir"
    assert resp.request.path == "/dir/"


def test_no_trailing_slash_rule_does_not_match_slash(app: kolba.Kolba, client: Any) -> None:
    @app.route("/file")
    def f() -> str:
        return "file"

    assert client.get("/file/").status_code == 404


def test_strict_slashes_false_on_rule(app: kolba.Kolba, client: Any) -> None:
    @app.route("/dir/", strict_slashes=False)
    def d() -> str:
        return "dir"

    @app.route("/file", strict_slashes=False)
    def f() -> str:
        return "file"

    assert client.get("/dir").data == b"dir"
    assert client.get("/dir/").data == b"dir"
    assert client.get("/file").data == b"file"
    # strict_slashes=False also lets a slash-less rule match with a slash.
    assert client.get("/file/").data == b"file"


def test_merge_slashes_redirect(app: kolba.Kolba, client: Any) -> None:
    @app.route("/a/b")
    def ab() -> str:
        return "ab"

    resp = client.get("/a//b")
    assert resp.status_code == 308
    assert resp.headers["Location"] == "http://localhost/a/b"


def test_merge_slashes_disabled_on_rule(app: kolba.Kolba, client: Any) -> None:
    @app.route("/a/b", merge_slashes=False)
    def ab() -> str:
        return "ab"

    assert client.get("/a//b").status_code == 404


def test_merge_slashes_keeps_path_converter(app: kolba.Kolba, client: Any) -> None:
    @app.route("/p/<path:rest>")
    def p(rest: str) -> str:
        return rest

    resp = client.get("/p/a//b")
    assert resp.status_code == 200
    assert resp.data == b"a//b"


# --- redirect_to ----------------------------------------------------------------------


def test_redirect_to_string(app: kolba.Kolba, client: Any) -> None:
    app.add_url_rule("/old", "old", redirect_to="/new")

    @app.route("/new")
    def new() -> str:
        return "new"

    resp = client.get("/old")
    assert resp.status_code == 308
    assert resp.headers["Location"] == "http://localhost/new"
    assert client.get("/old", follow_redirects=True).data == b"new"


def test_redirect_to_with_converters(app: kolba.Kolba, client: Any) -> None:
    @app.route("/item/<int:id>", redirect_to="/things/<id>")
    def item(id: int) -> str:
        raise AssertionError("must not be called")

    resp = client.get("/item/5")
    assert resp.status_code == 308
    assert resp.headers["Location"] == "http://localhost/things/5"


def test_redirect_to_callable(app: kolba.Kolba, client: Any) -> None:
    def target(adapter: Any, name: str) -> str:
        return f"/people/{name.upper()}"

    app.add_url_rule("/u/<name>", "u", redirect_to=target)
    resp = client.get("/u/bob")
    assert resp.status_code == 308
    assert resp.headers["Location"] == "http://localhost/people/BOB"


def test_redirect_to_absolute_url(app: kolba.Kolba, client: Any) -> None:
    app.add_url_rule("/out", "out", redirect_to="https://example.org/else")
    resp = client.get("/out")
    assert resp.status_code == 308
    assert resp.headers["Location"] == "https://example.org/else"


# --- subdomains and hosts --------------------------------------------------------------


@pytest.fixture
def sub_app() -> kolba.Kolba:
    app = kolba.Kolba("kolba_sub", subdomain_matching=True, static_folder=None)
    app.config.update(TESTING=True, SERVER_NAME="example.com")

    @app.route("/")
    def root() -> str:
        return "root"

    @app.route("/", subdomain="api", endpoint="api_root")
    def api_root() -> str:
        return "api"

    @app.route("/u", subdomain="<user>")
    def user(user: str) -> str:
        return f"user {user}"

    return app


def test_subdomain_matching(sub_app: kolba.Kolba) -> None:
    client = sub_app.test_client()
    assert client.get("http://example.com/").data == b"root"
    assert client.get("http://api.example.com/").data == b"api"
    assert client.get("http://bob.example.com/u").data == b"user bob"
    assert client.get("http://example.com/u").status_code == 404


def test_subdomain_rule_attribute(sub_app: kolba.Kolba) -> None:
    rule = next(sub_app.url_map.iter_rules("api_root"))
    assert rule.subdomain == "api"
    assert next(sub_app.url_map.iter_rules("root")).subdomain == ""


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_subdomain_matching_other_host_is_404(sub_app: kolba.Kolba) -> None:
    assert sub_app.test_client().get("http://other.org/").status_code == 404


def test_subdomain_url_for(sub_app: kolba.Kolba) -> None:
    with sub_app.app_context():
        assert kolba.url_for("api_root") == "http://api.example.com/"
        assert kolba.url_for("user", user="ann") == "http://ann.example.com/u"
        # Outside a request url_for builds external URLs by default.
        assert kolba.url_for("root") == "http://example.com/"


def test_without_subdomain_matching_subdomains_ignored() -> None:
    app = kolba.Kolba("kolba_nosub", static_folder=None)
    app.config["SERVER_NAME"] = "example.com"

    @app.route("/")
    def root() -> str:
        return "root"

    client = app.test_client()
    assert client.get("http://example.com/").data == b"root"
    assert client.get("http://www.example.com/").data == b"root"


def test_server_name_does_not_restrict_without_subdomain_matching() -> None:
    app = kolba.Kolba("kolba_nosub2", static_folder=None)
    app.config["SERVER_NAME"] = "example.com"

    @app.route("/")
    def root() -> str:
        return "root"

    resp = app.test_client().get("http://other.org/")
    assert resp.status_code == 200
    assert resp.data == b"root"


def test_host_matching() -> None:
    app = kolba.Kolba("kolba_hosts", host_matching=True, static_folder=None)

    @app.route("/", host="a.example.com")
    def a() -> str:
        return "a"

    @app.route("/", host="b.example.com")
    def b() -> str:
        return "b"

    @app.route("/who", host="<name>.people.org")
    def who(name: str) -> str:
        return f"who {name}"

    client = app.test_client()
    assert client.get("http://a.example.com/").data == b"a"
    assert client.get("http://b.example.com/").data == b"b"
    assert client.get("http://ann.people.org/who").data == b"who ann"
    assert client.get("http://c.example.com/").status_code == 404
    assert next(app.url_map.iter_rules("a")).host == "a.example.com"


def test_host_matching_ignores_server_name() -> None:
    app = kolba.Kolba("kolba_hosts2", host_matching=True, static_folder=None)
    app.config["SERVER_NAME"] = "a.example.com"

    @app.route("/", host="b.example.com")
    def b() -> str:
        return "b"

    assert app.test_client().get("http://b.example.com/").data == b"b"


def test_host_matching_with_port() -> None:
    app = kolba.Kolba("kolba_hosts3", host_matching=True, static_folder=None)

    @app.route("/", host="local.test:8080")
    def p() -> str:
        return "port"

    client = app.test_client()
    assert client.get("http://local.test:8080/").data == b"port"
    assert client.get("http://local.test/").status_code == 404


# --- 404, unicode, percent-encoding -----------------------------------------------------


def test_404_unknown_url(client: Any) -> None:
    resp = client.get("/does/not/exist")
    assert resp.status_code == 404
    assert resp.status == "404 NOT FOUND"
    assert resp.data == NOT_FOUND_BODY
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    assert resp.headers["Content-Length"] == "207"
    assert sorted(k.lower() for k, _ in resp.headers) == ["content-length", "content-type"]


def test_404_head_has_no_body(client: Any) -> None:
    resp = client.head("/nothing")
    assert resp.status_code == 404
    assert resp.data == b""
    assert resp.headers["Content-Length"] == "207"


def test_404_post(client: Any) -> None:
    resp = client.post("/nothing", data={"a": "b"})
    assert resp.status_code == 404
    assert resp.data == NOT_FOUND_BODY


def test_unicode_route(app: kolba.Kolba, client: Any) -> None:
    @app.route("/héllo/wörld")
    def uni() -> str:
        return "ünïcode"

    resp = client.get("/h%C3%A9llo/w%C3%B6rld")
    assert resp.status_code == 200
    assert resp.data == "ünïcode".encode()
    assert client.get("/héllo/wörld").status_code == 200


def test_unicode_converter_value(app: kolba.Kolba, client: Any) -> None:
    @app.route("/n/<name>")
    def n(name: str) -> str:
        return f"{len(name)}:{name}"

    resp = client.get("/n/%E2%82%AC%C3%A9")
    assert resp.data == "2:€é".encode()


def test_percent_encoded_space(app: kolba.Kolba, client: Any) -> None:
    @app.route("/a b")
    def space() -> str:
        return "space"

    @app.route("/v/<v>")
    def v(v: str) -> str:
        return v

    assert client.get("/a%20b").data == b"space"
    assert client.get("/v/x%20y").data == b"x y"


def test_percent_encoded_slash_is_a_slash(app: kolba.Kolba, client: Any) -> None:
    @app.route("/v/<v>")
    def v(v: str) -> str:
        return v

    @app.route("/p/<path:v>")
    def p(v: str) -> str:
        return v

    assert client.get("/v/a%2Fb").status_code == 404
    assert client.get("/p/a%2Fb").data == b"a/b"


def test_percent_encoded_special_chars(app: kolba.Kolba, client: Any) -> None:
    @app.route("/v/<v>")
    def v(v: str) -> str:
        return v

    assert client.get("/v/%3F%23%25").data == b"?#%"


def test_request_url_rule_and_endpoint(app: kolba.Kolba, client: Any) -> None:
    @app.route("/r/<int:x>", methods=["GET", "POST"])
    def r(x: int) -> str:
        rule = kolba.request.url_rule
        return f"{rule.rule} {kolba.request.endpoint} {kolba.request.view_args}"

    assert client.get("/r/3").data == b"/r/<int:x> r {'x': 3}"
