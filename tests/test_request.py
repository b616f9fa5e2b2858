"""The request object as views see it, built from real test requests."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from typing import Any, Callable

import pytest
import werkzeug.wrappers
from werkzeug.datastructures import FileStorage, ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest, MethodNotAllowed, NotFound, UnsupportedMediaType

import kolba
from kolba import request

Probe = Callable[[], Any]


@pytest.fixture
def capture(app: kolba.Kolba) -> dict[str, Any]:
    """Register a catch-all view that stores ``request`` for inspection.

    The view calls ``capture["probe"]`` (if set) while the request is active
    and stores the result under ``capture["result"]``.
    """
    box: dict[str, Any] = {}

    @app.route("/", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    @app.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def catch_all(rest: str) -> str:
        probe = box.get("probe")
        box["result"] = probe() if probe is not None else None
        return "ok"

    return box


def probe(app: kolba.Kolba, box: dict[str, Any], fn: Probe, *args: Any, **kwargs: Any) -> Any:
    """Run ``fn`` inside a real request sent through the test client."""
    box["probe"] = fn
    method = kwargs.pop("method", "GET")
    resp = app.test_client().open(*args, method=method, **kwargs)
    assert resp.status_code == 200, resp.data
    return box["result"]


# --- types -----------------------------------------------------------------------------


def test_request_types(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    import kolba.wrappers

    obj = probe(app, capture, lambda: request._get_current_object(), "/")  # type: ignore[attr-defined]
    assert isinstance(obj, werkzeug.wrappers.Request)
    assert isinstance(obj, kolba.Request)
    assert isinstance(obj, kolba.wrappers.Request)
    assert kolba.Request is kolba.wrappers.Request
    assert type(obj) is app.request_class


def test_custom_request_class(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    class MyRequest(kolba.Request):
        @property
        def shout(self) -> str:
            return self.args.get("w", "").upper()

    app.request_class = MyRequest
    assert probe(app, capture, lambda: request.shout, "/?w=hey") == "HEY"  # type: ignore[attr-defined]
    with app.test_request_context("/?w=x"):
        assert isinstance(request._get_current_object(), MyRequest)  # type: ignore[attr-defined]


# --- args, form, files, values ---------------------------------------------------------


def test_args(req_ctx: Any) -> None:
    assert isinstance(request.args, ImmutableMultiDict)
    assert request.args == {}


def test_args_repeated_keys(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    args = probe(app, capture, lambda: request.args, "/?a=1&a=2&b=x%20y&c=&d")
    assert isinstance(args, MultiDict)
    assert args["a"] == "1"
    assert args.getlist("a") == ["1", "2"]
    assert args["b"] == "x y"
    assert args["c"] == ""
    assert args["d"] == ""
    assert args.get("z") is None
    assert args.get("a", type=int) == 1
    assert list(args.items(multi=True)) == [("a", "1"), ("a", "2"), ("b", "x y"), ("c", ""), ("d", "")]


def test_args_from_query_string_kwarg(app: kolba.Kolba) -> None:
    with app.test_request_context("/", query_string={"q": ["x", "y"], "u": "é"}):
        assert request.args.getlist("q") == ["x", "y"]
        assert request.args["u"] == "é"
        assert request.query_string == b"q=x&q=y&u=%C3%A9"


def test_args_plus_is_space(app: kolba.Kolba) -> None:
    with app.test_request_context("/?a=1+2&b=%2B"):
        assert request.args["a"] == "1 2"
        assert request.args["b"] == "+"


def test_missing_arg_key_is_bad_request(app: kolba.Kolba, client: Any) -> None:
    @app.route("/k")
    def k() -> str:
        return request.args["nope"]

    resp = client.get("/k")
    assert resp.status_code == 400
    assert b"<title>400 Bad Request</title>" in resp.data


def test_missing_arg_key_error_type(app: kolba.Kolba) -> None:
    with app.test_request_context("/"):
        with pytest.raises(KeyError):
            request.args["nope"]
        with pytest.raises(BadRequest):
            request.args["nope"]


def test_form_urlencoded(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    form = probe(app, capture, lambda: request.form, "/", method="POST", data={"a": "1", "b": ["x", "y"]})
    assert isinstance(form, ImmutableMultiDict)
    assert form["a"] == "1"
    assert form.getlist("b") == ["x", "y"]


def test_form_urlencoded_raw(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        return request.form.to_dict(flat=False), request.mimetype

    form, mimetype = probe(
        app, capture, fn, "/", method="POST", data="a=1&a=2&c=%C3%A9",
        content_type="application/x-www-form-urlencoded",
    )
    assert form == {"a": ["1", "2"], "c": ["é"]}
    assert mimetype == "application/x-www-form-urlencoded"


def test_form_empty_for_get(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    assert probe(app, capture, lambda: dict(request.form), "/?a=1") == {}


def test_form_empty_for_json_body(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    assert probe(app, capture, lambda: dict(request.form), "/", method="POST", json={"a": 1}) == {}


def test_files_multipart(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        f = request.files["upload"]
        return (
            type(f), f.filename, f.name, f.content_type, f.mimetype, f.read(),
            request.form["field"], list(request.files),
        )

    data = {"upload": (io.BytesIO(b"file contents"), "hello.txt", "text/plain"), "field": "v"}
    result = probe(app, capture, fn, "/", method="POST", data=data)
    ftype, filename, name, content_type, mimetype, content, field, keys = result
    assert issubclass(ftype, FileStorage)
    assert filename == "hello.txt"
    assert name == "upload"
    assert content_type == "text/plain"
    assert mimetype == "text/plain"
    assert content == b"file contents"
    assert field == "v"
    assert keys == ["upload"]


def test_files_multiple_same_field(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        return [(f.filename, f.read()) for f in request.files.getlist("f")]

    data = {"f": [(io.BytesIO(b"1"), "a.bin"), (io.BytesIO(b"22"), "b.bin")]}
    result = probe(app, capture, fn, "/", method="POST", data=data)
    assert result == [("a.bin", b"1"), ("b.bin", b"22")]


def test_files_save(app: kolba.Kolba, capture: dict[str, Any], tmp_path: Any) -> None:
    target = tmp_path / "saved.txt"

    def fn() -> None:
        request.files["f"].save(str(target))

    probe(app, capture, fn, "/", method="POST", data={"f": (io.BytesIO(b"saved!"), "s.txt")})
    assert target.read_bytes() == b"saved!"


def test_files_empty_without_multipart(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    result = probe(app, capture, lambda: dict(request.files), "/", method="POST", data={"a": "b"})
    assert result == {}


def _missing_file_error(app: kolba.Kolba, **send: Any) -> BaseException:
    """What ``request.files["upload"]`` raises for a request sent with ``send``."""
    with app.test_request_context("/", method="POST", **send):
        with pytest.raises(KeyError) as info:
            request.files["upload"]
    return info.value


@pytest.mark.parametrize(
    ("send", "mimetype"),
    [
        ({"data": {"upload": "report.pdf"}}, "application/x-www-form-urlencoded"),
        (
            {"data": b"upload=report.pdf", "content_type": "application/x-www-form-urlencoded; charset=utf-8"},
            "application/x-www-form-urlencoded",
        ),
    ],
    ids=["urlencoded", "urlencoded-charset"],
)
def test_files_on_a_body_that_is_not_multipart_is_explained_in_debug(
    app: kolba.Kolba, send: dict[str, Any], mimetype: str
) -> None:
    from kolba.debughelpers import DebugFilesKeyError

    app.debug = True
    error = _missing_file_error(app, **send)
    assert isinstance(error, DebugFilesKeyError)
    assert f"The mimetype for the request is '{mimetype}'" in str(error)
    assert 'enctype="multipart/form-data"' in str(error)


def test_files_missing_from_a_multipart_body_is_not_explained(app: kolba.Kolba) -> None:
    # The form was multipart: the enctype is right, the field is just absent.
    from werkzeug.exceptions import BadRequestKeyError

    from kolba.debughelpers import DebugFilesKeyError

    app.debug = True
    data = {"other": (io.BytesIO(b"x"), "x.txt")}
    error = _missing_file_error(app, data=data)
    assert isinstance(error, BadRequestKeyError) and not isinstance(error, DebugFilesKeyError)


def test_files_without_debug_is_the_plain_bad_request(app: kolba.Kolba) -> None:
    from werkzeug.exceptions import BadRequestKeyError

    from kolba.debughelpers import DebugFilesKeyError

    error = _missing_file_error(app, data={"upload": "report.pdf"})
    assert isinstance(error, BadRequestKeyError) and not isinstance(error, DebugFilesKeyError)


def test_values_combines_args_and_form(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        return request.values.getlist("a"), request.values["b"], request.values["q"]

    result = probe(app, capture, fn, "/?a=arg&q=1", method="POST", data={"a": "form", "b": "2"})
    assert result == (["arg", "form"], "2", "1")


def test_values_get_ignores_form(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    result = probe(app, capture, lambda: request.values.to_dict(flat=False), "/?a=1")
    assert result == {"a": ["1"]}


# --- JSON ------------------------------------------------------------------------------


def test_get_json(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        return request.get_json(), request.json, request.is_json

    result = probe(app, capture, fn, "/", method="POST", json={"a": [1, 2], "b": None})
    assert result == ({"a": [1, 2], "b": None}, {"a": [1, 2], "b": None}, True)


def test_get_json_cached(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        first = request.get_json()
        second = request.get_json()
        return first is second

    assert probe(app, capture, fn, "/", method="POST", json=[1]) is True


def test_get_json_no_cache(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        request.get_data()  # keep the raw body so JSON can be parsed twice
        first = request.get_json(cache=False)
        second = request.get_json(cache=False)
        return first == second, first is second

    assert probe(app, capture, fn, "/", method="POST", json={"x": 1}) == (True, False)


def test_get_json_no_cache_consumes_body(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        first = request.get_json(cache=False)
        return first, request.get_json(silent=True), request.get_data()

    assert probe(app, capture, fn, "/", method="POST", json={"x": 1}) == ({"x": 1}, None, b"")


def test_get_json_json_suffix_mimetype(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        return request.is_json, request.get_json()

    result = probe(
        app, capture, fn, "/", method="POST", data='{"a": 1}',
        content_type="application/vnd.api+json",
    )
    assert result == (True, {"a": 1})


def test_get_json_wrong_content_type_is_415(app: kolba.Kolba, client: Any) -> None:
    @app.route("/j", methods=["POST"])
    def j() -> Any:
        return repr(request.get_json())

    resp = client.post("/j", data='{"a": 1}', content_type="text/plain")
    assert resp.status_code == 415
    assert resp.status == "415 UNSUPPORTED MEDIA TYPE"
    assert b"Did not attempt to load JSON data because the request Content-Type was not" in resp.data


def test_json_property_wrong_content_type_raises_415(app: kolba.Kolba) -> None:
    with app.test_request_context("/", method="POST", data="{}", content_type="text/plain"):
        assert request.is_json is False
        with pytest.raises(UnsupportedMediaType):
            request.json
        with pytest.raises(UnsupportedMediaType):
            request.get_json()


def test_get_json_force(app: kolba.Kolba) -> None:
    with app.test_request_context("/", method="POST", data='{"a": 1}', content_type="text/plain"):
        assert request.get_json(force=True) == {"a": 1}


def test_get_json_silent_wrong_type(app: kolba.Kolba) -> None:
    with app.test_request_context("/", method="POST", data='{"a": 1}', content_type="text/plain"):
        assert request.get_json(silent=True) is None


def test_get_json_silent_malformed(app: kolba.Kolba) -> None:
    with app.test_request_context("/", method="POST", data="{bad", content_type="application/json"):
        assert request.get_json(silent=True) is None


def test_get_json_malformed_is_400(app: kolba.Kolba, client: Any) -> None:
    @app.route("/j", methods=["POST"])
    def j() -> Any:
        return repr(request.get_json())

    resp = client.post("/j", data="{bad", content_type="application/json")
    assert resp.status_code == 400
    assert resp.data == (
        b"<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n"
        b"<h1>Bad Request</h1>\n<p>The browser (or proxy) sent a request that"
        b" this server could not understand.</p>\n"
    )


def test_get_json_malformed_debug_message(app: kolba.Kolba, client: Any) -> None:
    app.debug = True

    @app.route("/j", methods=["POST"])
    def j() -> Any:
        return repr(request.get_json())

    resp = client.post("/j", data="{bad", content_type="application/json")
    assert resp.status_code == 400
    assert b"<p>Failed to decode JSON object: Expecting property name enclosed in double quotes" in resp.data


def test_get_json_malformed_raises_bad_request(app: kolba.Kolba) -> None:
    with app.test_request_context("/", method="POST", data="[1,", content_type="application/json"):
        with pytest.raises(BadRequest):
            request.get_json()


def test_on_json_loading_failed_override(app: kolba.Kolba, client: Any) -> None:
    class MyRequest(kolba.Request):
        def on_json_loading_failed(self, e: ValueError | None) -> Any:
            return {"fallback": True}

    app.request_class = MyRequest

    @app.route("/j", methods=["POST"])
    def j() -> Any:
        return request.get_json()

    resp = client.post("/j", data="{bad", content_type="application/json")
    assert resp.status_code == 200
    assert resp.json == {"fallback": True}


def test_get_json_uses_app_json_provider(app: kolba.Kolba) -> None:
    seen: list[Any] = []

    class Provider(kolba.json.provider.DefaultJSONProvider):
        def loads(self, s: str | bytes, **kwargs: Any) -> Any:
            seen.append(s)
            return "provided"

    app.json = Provider(app)
    with app.test_request_context("/", method="POST", json={"a": 1}):
        assert request.get_json() == "provided"
    assert seen == [b'{"a": 1}']


def test_json_none_for_empty_get(app: kolba.Kolba) -> None:
    with app.test_request_context("/"):
        assert request.is_json is False
        assert request.get_json(silent=True) is None


# --- raw body -----------------------------------------------------------------------------


def test_data_and_get_data(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        return request.data, request.get_data(), request.get_data(as_text=True)

    result = probe(app, capture, fn, "/", method="POST", data="héllo".encode(), content_type="text/plain")
    assert result == ("héllo".encode(), "héllo".encode(), "héllo")


def test_get_data_form_body_consumed_by_form(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        form = dict(request.form)
        return form, request.get_data()

    result = probe(app, capture, fn, "/", method="POST", data={"a": "b"})
    assert result == ({"a": "b"}, b"")


def test_get_data_before_form_keeps_raw(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        raw = request.get_data()
        return raw, dict(request.form)

    result = probe(app, capture, fn, "/", method="POST", data={"a": "b"})
    assert result == (b"a=b", {"a": "b"})


def test_get_data_parse_form_data(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        raw = request.get_data(parse_form_data=True)
        return raw, dict(request.form)

    result = probe(app, capture, fn, "/", method="POST", data={"a": "b"})
    assert result == (b"", {"a": "b"})


def test_get_data_no_cache(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        return request.get_data(cache=False), request.get_data()

    result = probe(app, capture, fn, "/", method="POST", data=b"once", content_type="text/plain")
    assert result == (b"once", b"")


def test_stream(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        return request.stream.read(3), request.stream.read()

    result = probe(app, capture, fn, "/", method="POST", data=b"abcdef", content_type="text/plain")
    assert result == (b"abc", b"def")


def test_stream_after_data_is_empty(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        data = request.get_data()
        return data, request.stream.read()

    result = probe(app, capture, fn, "/", method="POST", data=b"xyz", content_type="text/plain")
    assert result == (b"xyz", b"")


def test_input_stream(app: kolba.Kolba) -> None:
    with app.test_request_context("/", method="POST", data=b"raw", content_type="text/plain"):
        assert request.input_stream.read() == b"raw"


def test_empty_body(req_ctx: Any) -> None:
    assert request.data == b""
    assert request.get_data(as_text=True) == ""
    assert request.content_length is None


# --- cookies and headers -------------------------------------------------------------------


def test_cookies(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        return dict(request.cookies), type(request.cookies)

    with app.test_request_context("/", headers={"Cookie": 'a=1; b="two words"; c=%C3%A9'}):
        cookies, ctype = fn()
    assert cookies == {"a": "1", "b": "two words", "c": "%C3%A9"}
    assert issubclass(ctype, ImmutableMultiDict)


def test_cookies_from_client_set_cookie(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    client = app.test_client()
    client.set_cookie("name", "value")
    capture["probe"] = lambda: request.cookies.get("name")
    client.get("/")
    assert capture["result"] == "value"


def test_headers_case_insensitive(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        h = request.headers
        return h["x-custom"], h["X-CUSTOM"], h.get("X-Custom"), h.get("missing"), "x-Custom" in h

    result = probe(app, capture, fn, "/", headers={"X-Custom": "val"})
    assert result == ("val", "val", "val", None, True)


def test_headers_multiple_values(app: kolba.Kolba) -> None:
    with app.test_request_context("/", headers=[("X-Multi", "a"), ("X-Multi", "b")]):
        assert request.headers.get("X-Multi") == "a, b"


def test_headers_missing_key_is_plain_key_error(req_ctx: Any) -> None:
    # Unlike args/form, EnvironHeaders raises a plain KeyError (not a 400).
    with pytest.raises(KeyError) as info:
        request.headers["X-Missing"]
    assert not isinstance(info.value, BadRequest)


def test_headers_include_content_type_and_host(app: kolba.Kolba) -> None:
    with app.test_request_context("/", method="POST", data=b"x", content_type="text/plain"):
        assert request.headers["Content-Type"] == "text/plain"
        assert request.headers["Content-Length"] == "1"
        assert request.headers["Host"] == "localhost"


# --- method, path, URLs ----------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
def test_method(app: kolba.Kolba, capture: dict[str, Any], method: str) -> None:
    assert probe(app, capture, lambda: request.method, "/", method=method) == method


def test_url_parts(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        r = request
        return {
            "path": r.path, "full_path": r.full_path, "script_root": r.script_root,
            "url": r.url, "base_url": r.base_url, "url_root": r.url_root,
            "host": r.host, "host_url": r.host_url, "scheme": r.scheme,
            "is_secure": r.is_secure, "query_string": r.query_string, "root_url": r.root_url,
        }

    result = probe(app, capture, fn, "/a/b?x=1&y=2")
    assert result == {
        "path": "/a/b",
        "full_path": "/a/b?x=1&y=2",
        "script_root": "",
        "url": "http://localhost/a/b?x=1&y=2",
        "base_url": "http://localhost/a/b",
        "url_root": "http://localhost/",
        "host": "localhost",
        "host_url": "http://localhost/",
        "scheme": "http",
        "is_secure": False,
        "query_string": b"x=1&y=2",
        "root_url": "http://localhost/",
    }


def test_full_path_without_query(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    assert probe(app, capture, lambda: request.full_path, "/p") == "/p?"


def test_url_parts_https_with_port_and_script_root(app: kolba.Kolba) -> None:
    with app.test_request_context("/a?q=1", base_url="https://example.com:8443/root"):
        assert request.scheme == "https"
        assert request.is_secure is True
        assert request.host == "example.com:8443"
        assert request.host_url == "https://example.com:8443/"
        assert request.script_root == "/root"
        assert request.path == "/a"
        assert request.full_path == "/a?q=1"
        assert request.url == "https://example.com:8443/root/a?q=1"
        assert request.base_url == "https://example.com:8443/root/a"
        assert request.url_root == "https://example.com:8443/root/"


def test_default_port_omitted_from_host(app: kolba.Kolba) -> None:
    with app.test_request_context("/", base_url="https://example.com:443"):
        assert request.host == "example.com"
    with app.test_request_context("/", base_url="http://example.com:80"):
        assert request.host == "example.com"


def test_unicode_path(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        return request.path, request.url

    path, url = probe(app, capture, fn, "/caf%C3%A9/x%20y")
    assert path == "/café/x y"
    # request.url is an IRI: non-ASCII stays readable, unsafe ASCII is quoted.
    assert url == "http://localhost/café/x%20y"


def test_remote_addr(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    assert probe(app, capture, lambda: request.remote_addr, "/") == "127.0.0.1"
    result = probe(
        app, capture, lambda: request.remote_addr, "/",
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert result == "10.1.2.3"


def test_access_route(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    result = probe(
        app, capture, lambda: list(request.access_route), "/",
        headers={"X-Forwarded-For": "1.1.1.1, 2.2.2.2"},
    )
    assert result == ["1.1.1.1", "2.2.2.2"]
    assert probe(app, capture, lambda: list(request.access_route), "/") == ["127.0.0.1"]


def test_remote_addr_ignores_forwarded_for(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    result = probe(
        app, capture, lambda: request.remote_addr, "/", headers={"X-Forwarded-For": "9.9.9.9"}
    )
    assert result == "127.0.0.1"


def test_user_agent(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        return request.user_agent.string, str(request.user_agent)

    ua = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"
    assert probe(app, capture, fn, "/", headers={"User-Agent": ua}) == (ua, ua)


def test_user_agent_default_from_test_client(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    result = probe(app, capture, lambda: request.user_agent.string, "/")
    assert result.startswith("Werkzeug/")


def test_authorization_basic(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        auth = request.authorization
        return auth.type, auth.username, auth.password

    result = probe(app, capture, fn, "/", auth=("ann", "pässword"))
    assert result == ("basic", "ann", "pässword")


def test_authorization_header_raw(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        auth = request.authorization
        return auth.type, auth["username"], auth["password"]

    result = probe(app, capture, fn, "/", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert result == ("basic", "user", "pass")


def test_authorization_bearer(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        auth = request.authorization
        return auth.type, auth.token

    assert probe(app, capture, fn, "/", headers={"Authorization": "Bearer abc.def"}) == (
        "bearer", "abc.def"
    )


def test_authorization_missing(req_ctx: Any) -> None:
    assert request.authorization is None


def test_accept_mimetypes(app: kolba.Kolba) -> None:
    with app.test_request_context(
        "/", headers={"Accept": "text/html, application/json;q=0.9, */*;q=0.1"}
    ):
        am = request.accept_mimetypes
        assert am.best == "text/html"
        assert am["application/json"] == 0.9
        assert am["image/png"] == 0.1
        assert am.best_match(["application/json", "text/plain"]) == "application/json"
        assert am.accept_html is True
        assert am.accept_json is True


def test_accept_mimetypes_empty(req_ctx: Any) -> None:
    assert request.accept_mimetypes.best is None
    assert bool(request.accept_mimetypes) is False
    assert request.accept_mimetypes.best_match(["text/plain"]) is None
    assert request.accept_mimetypes.best_match(["text/plain"], default="x/y") == "x/y"


def test_accept_languages_charsets_encodings(app: kolba.Kolba) -> None:
    headers = {
        "Accept-Language": "pl, en-US;q=0.8, en;q=0.5",
        "Accept-Charset": "utf-8, iso-8859-1;q=0.5",
        "Accept-Encoding": "gzip, deflate;q=0.5, br;q=0.9",
    }
    with app.test_request_context("/", headers=headers):
        assert request.accept_languages.best == "pl"
        assert request.accept_languages.best_match(["en", "de"]) == "en"
        assert request.accept_languages["en-US"] == 0.8
        assert request.accept_charsets.best == "utf-8"
        assert request.accept_charsets["iso-8859-1"] == 0.5
        assert [v for v, _ in request.accept_encodings] == ["gzip", "br", "deflate"]
        assert request.accept_encodings["br"] == 0.9


def test_content_type_mimetype_params(app: kolba.Kolba) -> None:
    with app.test_request_context(
        "/", method="POST", data=b"x", content_type="Text/Plain; charset=ISO-8859-1; format=flowed"
    ):
        assert request.content_type == "Text/Plain; charset=ISO-8859-1; format=flowed"
        assert request.mimetype == "text/plain"
        assert request.mimetype_params == {"charset": "ISO-8859-1", "format": "flowed"}
        assert request.content_length == 1


def test_content_length(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    assert probe(app, capture, lambda: request.content_length, "/", method="POST", data=b"12345") == 5


def test_content_type_missing(req_ctx: Any) -> None:
    assert request.content_type is None
    assert request.mimetype == ""
    assert request.mimetype_params == {}


def test_conditional_headers(app: kolba.Kolba) -> None:
    headers = {
        "If-Match": '"abc", W/"def"',
        "If-None-Match": '"xyz"',
        "If-Modified-Since": "Wed, 21 Oct 2015 07:28:00 GMT",
        "If-Unmodified-Since": "Thu, 22 Oct 2015 07:28:00 GMT",
    }
    with app.test_request_context("/", headers=headers):
        assert request.if_match.contains("abc")
        assert request.if_match.contains_weak("def")
        assert not request.if_match.contains("def")
        assert "xyz" in request.if_none_match
        assert request.if_modified_since == datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc)
        assert request.if_unmodified_since == datetime(2015, 10, 22, 7, 28, tzinfo=timezone.utc)


def test_conditional_headers_absent(req_ctx: Any) -> None:
    assert request.if_modified_since is None
    assert request.if_unmodified_since is None
    assert not request.if_match
    assert not request.if_none_match
    assert request.range is None


def test_range(app: kolba.Kolba) -> None:
    with app.test_request_context("/", headers={"Range": "bytes=0-99"}):
        assert request.range.units == "bytes"
        assert request.range.ranges == [(0, 100)]
        assert request.range.range_for_length(50) == (0, 50)


def test_is_json(app: kolba.Kolba) -> None:
    with app.test_request_context("/", content_type="application/json"):
        assert request.is_json is True
    with app.test_request_context("/", content_type="application/json; charset=utf-8"):
        assert request.is_json is True
    with app.test_request_context("/", content_type="text/json"):
        assert request.is_json is False


def test_environ(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    def fn() -> Any:
        env = request.environ
        return env["REQUEST_METHOD"], env["PATH_INFO"], env["QUERY_STRING"], env["wsgi.url_scheme"], env.get("kolba.custom")

    result = probe(
        app, capture, fn, "/e?z=1", method="PUT", environ_overrides={"kolba.custom": "mine"}
    )
    assert result == ("PUT", "/e", "z=1", "http", "mine")


def test_environ_request_backref(req_ctx: Any) -> None:
    assert request.environ["werkzeug.request"] is request._get_current_object()  # type: ignore[attr-defined]


# --- routing information ------------------------------------------------------------------


def test_endpoint_view_args_url_rule(app: kolba.Kolba, client: Any) -> None:
    seen: dict[str, Any] = {}

    @app.route("/items/<int:item_id>", methods=["GET", "POST"])
    def item(item_id: int) -> str:
        seen["endpoint"] = request.endpoint
        seen["view_args"] = request.view_args
        seen["rule"] = request.url_rule.rule
        seen["methods"] = request.url_rule.methods
        seen["rule_endpoint"] = request.url_rule.endpoint
        seen["blueprint"] = request.blueprint
        seen["blueprints"] = request.blueprints
        seen["routing_exception"] = request.routing_exception
        return "ok"

    client.get("/items/12")
    assert seen == {
        "endpoint": "item",
        "view_args": {"item_id": 12},
        "rule": "/items/<int:item_id>",
        "methods": {"GET", "HEAD", "POST", "OPTIONS"},
        "rule_endpoint": "item",
        "blueprint": None,
        "blueprints": [],
        "routing_exception": None,
    }


def test_routing_attributes_in_test_request_context(app: kolba.Kolba) -> None:
    @app.route("/u/<name>")
    def u(name: str) -> str:
        return name

    with app.test_request_context("/u/ann"):
        assert request.endpoint == "u"
        assert request.view_args == {"name": "ann"}
        assert request.url_rule.rule == "/u/<name>"


def test_routing_attributes_for_unmatched_url(app: kolba.Kolba) -> None:
    with app.test_request_context("/nowhere"):
        assert request.url_rule is None
        assert request.view_args is None
        assert request.endpoint is None
        assert request.blueprint is None
        assert isinstance(request.routing_exception, NotFound)


def test_routing_exception_404_in_before_request(app: kolba.Kolba, client: Any) -> None:
    seen: list[Any] = []

    @app.before_request
    def look() -> None:
        seen.append((request.routing_exception, request.url_rule, request.endpoint))

    resp = client.get("/missing")
    assert resp.status_code == 404
    exc, rule, endpoint = seen[0]
    assert isinstance(exc, NotFound)
    assert rule is None
    assert endpoint is None


def test_routing_exception_405_in_before_request(app: kolba.Kolba, client: Any) -> None:
    seen: list[Any] = []

    @app.route("/only-post", methods=["POST"])
    def only_post() -> str:
        return "x"

    @app.before_request
    def look() -> None:
        seen.append(request.routing_exception)

    resp = client.get("/only-post")
    assert resp.status_code == 405
    assert isinstance(seen[0], MethodNotAllowed)
    assert set(seen[0].valid_methods) == {"POST", "OPTIONS"}


def test_before_request_can_answer_unmatched_url(app: kolba.Kolba, client: Any) -> None:
    @app.before_request
    def short_circuit() -> Any:
        if request.routing_exception is not None:
            return "handled before routing error", 299
        return None

    resp = client.get("/missing")
    assert resp.status_code == 299
    assert resp.data == b"handled before routing error"


def test_routing_exception_redirect(app: kolba.Kolba, client: Any) -> None:
    from werkzeug.routing import RequestRedirect

    seen: list[Any] = []

    @app.route("/dir/")
    def d() -> str:
        return "d"

    @app.before_request
    def look() -> None:
        seen.append(request.routing_exception)

    resp = client.get("/dir")
    assert resp.status_code == 308
    assert isinstance(seen[0], RequestRedirect)
    assert seen[0].new_url == "http://localhost/dir/"


# --- limits ---------------------------------------------------------------------------------


def test_max_content_length_from_config(app: kolba.Kolba) -> None:
    with app.test_request_context("/"):
        assert request.max_content_length is None
    app.config["MAX_CONTENT_LENGTH"] = 100
    with app.test_request_context("/"):
        assert request.max_content_length == 100


def test_max_content_length_413_on_form(app: kolba.Kolba, client: Any) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.route("/f", methods=["POST"])
    def f() -> str:
        return repr(dict(request.form))

    resp = client.post("/f", data={"a": "x" * 20})
    assert resp.status_code == 413
    assert resp.status == "413 REQUEST ENTITY TOO LARGE"
    assert resp.data == (
        b"<!doctype html>\n<html lang=en>\n<title>413 Request Entity Too Large</title>\n"
        b"<h1>Request Entity Too Large</h1>\n<p>The data value transmitted exceeds"
        b" the capacity limit.</p>\n"
    )
    resp = client.post("/f", data={"a": "x"})
    assert resp.status_code == 200
    assert resp.data == b"{'a': 'x'}"


def test_max_content_length_413_on_get_data(app: kolba.Kolba, client: Any) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.route("/d", methods=["POST"])
    def d() -> Any:
        return request.get_data()

    assert client.post("/d", data=b"x" * 11).status_code == 413
    assert client.post("/d", data=b"x" * 10).data == b"x" * 10


def test_max_content_length_not_checked_if_body_unread(app: kolba.Kolba, client: Any) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.route("/d", methods=["POST"])
    def d() -> str:
        return "ignored body"

    resp = client.post("/d", data=b"x" * 100)
    assert resp.status_code == 200


def test_max_content_length_request_class_override(app: kolba.Kolba) -> None:
    class Limited(kolba.Request):
        max_content_length = 3

    app.request_class = Limited
    app.config["MAX_CONTENT_LENGTH"] = 1000
    with app.test_request_context("/"):
        assert request.max_content_length == 3


def test_max_form_memory_size(app: kolba.Kolba, client: Any) -> None:
    app.config["MAX_FORM_MEMORY_SIZE"] = 1000

    @app.route("/f", methods=["POST"])
    def f() -> str:
        return str(len(request.form["a"]))

    with app.test_request_context("/"):
        assert request.max_form_memory_size == 1000
    data = {"a": "x" * 2000, "f": (io.BytesIO(b"file"), "f.txt")}
    assert client.post("/f", data=data).status_code == 413
    data = {"a": "x" * 50, "f": (io.BytesIO(b"file"), "f.txt")}
    resp = client.post("/f", data=data)
    assert resp.status_code == 200
    assert resp.data == b"50"


def test_max_form_parts(app: kolba.Kolba, client: Any) -> None:
    app.config["MAX_FORM_PARTS"] = 2

    @app.route("/f", methods=["POST"])
    def f() -> str:
        return str(len(request.form))

    with app.test_request_context("/"):
        assert request.max_form_parts == 2
    many = {"a": "1", "b": "2", "c": "3", "f": (io.BytesIO(b"x"), "x.txt")}
    assert client.post("/f", data=many).status_code == 413
    few = {"a": "1", "f": (io.BytesIO(b"x"), "x.txt")}
    resp = client.post("/f", data=few)
    assert resp.status_code == 200
    assert resp.data == b"1"


def test_form_limits_defaults(req_ctx: Any) -> None:
    assert request.max_form_memory_size == 500_000
    assert request.max_form_parts == 1000


# --- trusted hosts -----------------------------------------------------------------------


def test_trusted_hosts_rejects_other_host(app: kolba.Kolba, client: Any) -> None:
    app.config["TRUSTED_HOSTS"] = ["good.example"]

    @app.route("/")
    def index() -> str:
        return request.host

    assert client.get("http://good.example/").data == b"good.example"
    resp = client.get("http://evil.example/")
    assert resp.status_code == 400
    assert b"<title>400 Bad Request</title>" in resp.data


def test_trusted_hosts_subdomain_wildcard(app: kolba.Kolba, client: Any) -> None:
    app.config["TRUSTED_HOSTS"] = [".example.org"]

    @app.route("/")
    def index() -> str:
        return request.host

    assert client.get("http://example.org/").data == b"example.org"
    assert client.get("http://a.example.org/").data == b"a.example.org"
    assert client.get("http://example.com/").status_code == 400


def test_no_trusted_hosts_accepts_any(app: kolba.Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> str:
        return request.host

    assert client.get("http://anything.test:81/").data == b"anything.test:81"


# --- misc ----------------------------------------------------------------------------------


def test_request_outside_context_raises() -> None:
    with pytest.raises(RuntimeError, match="Working outside of request context."):
        request.method


def test_has_request_context(app: kolba.Kolba) -> None:
    assert kolba.has_request_context() is False
    with app.test_request_context():
        assert kolba.has_request_context() is True


def test_test_request_context_arguments(app: kolba.Kolba) -> None:
    with app.test_request_context(
        "/x?a=b", method="PATCH", headers={"X-H": "1"}, data=b'{"k": 2}',
        content_type="application/json",
    ):
        assert request.method == "PATCH"
        assert request.args.to_dict() == {"a": "b"}
        assert request.headers["X-H"] == "1"
        assert request.get_json() == {"k": 2}


def test_request_repr(app: kolba.Kolba) -> None:
    with app.test_request_context("/r?x=1", method="POST"):
        assert repr(request) == "<Request 'http://localhost/r?x=1' [POST]>"


def test_json_module_roundtrip_in_request(app: kolba.Kolba, capture: dict[str, Any]) -> None:
    payload = {"nested": {"list": [1, 2.5, "ü", None, True]}}

    def fn() -> Any:
        return request.get_data(as_text=True)

    raw = probe(app, capture, fn, "/", method="POST", json=payload)
    assert json.loads(raw) == payload


@pytest.mark.kolba_only
@pytest.mark.planned_lane_only
@pytest.mark.parametrize(
    ("cookie", "after_hook", "reads_request", "built"),
    [
        (None, False, False, 0),
        (None, True, False, 0),
        ("theme=dark", True, False, 0),  # a cookie that cannot be the session's
        ("session=x", True, False, 1),  # may be the session: parsed to check
        (None, False, True, 1),
    ],
)
def test_request_object_is_built_only_when_needed(
    cookie: str | None, after_hook: bool, reads_request: bool, built: int
) -> None:
    created: list[object] = []

    class Counting(kolba.Request):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            created.append(self)
            super().__init__(*args, **kwargs)

    app = kolba.Kolba(__name__)
    app.secret_key = "k"
    app.request_class = Counting

    @app.route("/")
    def index() -> str:
        return request.path if reads_request else "plain"

    if after_hook:
        app.after_request(lambda response: response)
    client = app.test_client()
    if cookie:
        client.set_cookie(*cookie.split("="))
    response = client.get("/")
    assert response.status_code == 200
    assert len(created) == built


# --- request.cookies read before the request object exists --------------------


def test_cookies_read_first_stay_the_requests_cookies(app: kolba.Kolba) -> None:
    # Kolba answers a first read of the cookies without building the request
    # object; once something builds it, the cookies are still that object.
    seen: dict[str, Any] = {}

    @app.after_request
    def after(response: kolba.Response) -> kolba.Response:
        seen["after"] = kolba.request.cookies
        return response

    @app.route("/")
    def index() -> str:
        seen["first"] = kolba.request.cookies
        args = kolba.request.args  # builds the request object
        seen["again"] = kolba.request.cookies
        seen["context"] = kolba.globals.request_ctx.request.cookies
        return f"{seen['first'].get('theme')} {len(args)}"

    client = app.test_client()
    client.set_cookie("theme", "dark")
    client.get("/?a=1")  # the ``request`` proxy learns the name on its first read in a process
    assert client.get("/?a=1").get_data(as_text=True) == "dark 1"
    assert seen["first"] is seen["again"] is seen["context"] is seen["after"]
    assert isinstance(seen["first"], ImmutableMultiDict)
    assert seen["first"].to_dict() == {"theme": "dark"}


def test_a_request_class_of_its_own_computes_the_cookies(app: kolba.Kolba) -> None:
    class Special(kolba.Request):
        @property
        def cookies(self) -> Any:  # type: ignore[override]
            return {"from": "subclass"}

    app.request_class = Special

    @app.route("/")
    def index() -> str:
        return str(kolba.request.cookies["from"])

    client = app.test_client()
    client.set_cookie("from", "client")
    assert client.get("/").get_data(as_text=True) == "subclass"


@pytest.mark.kolba_only
@pytest.mark.planned_lane_only
def test_a_view_reading_only_cookies_builds_no_request_object(app: kolba.Kolba) -> None:
    made: list[Any] = []

    @app.route("/")
    def index() -> str:
        theme = kolba.request.cookies.get("theme", "light")
        made.append(kolba.globals.request_ctx._request)
        return str(theme)

    client = app.test_client()
    client.set_cookie("theme", "dark")
    client.get("/")  # the ``request`` proxy learns the name on its first read in a process
    assert client.get("/").get_data(as_text=True) == "dark"
    assert made[-1] is None


@pytest.mark.kolba_only
def test_cookies_read_first_honour_the_dict_storage_class_of_kolbas_request(
    app: kolba.Kolba, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Cookies(ImmutableMultiDict[str, str]):
        pass

    monkeypatch.setattr(kolba.Request, "dict_storage_class", Cookies)

    @app.route("/")
    def index() -> str:
        return type(kolba.request.cookies).__name__ + " " + kolba.request.cookies["theme"]

    client = app.test_client()
    client.set_cookie("theme", "dark")
    assert client.get("/").get_data(as_text=True) == "Cookies dark"
