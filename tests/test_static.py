"""Static files, send_file, send_from_directory, resources, path traversal."""

from __future__ import annotations

import datetime
import io
import os
import pathlib
from typing import Any

import pytest
from werkzeug.exceptions import NotFound

import kolba
from kolba import Blueprint, Kolba, send_file, send_from_directory, url_for

HERE = os.path.dirname(os.path.abspath(__file__))
STATIC = os.path.join(HERE, "static")
HELLO = os.path.join(STATIC, "hello.txt")
HELLO_BYTES = b"hello static\n"
SECRET = b"TOP-SECRET-6f1c"


def make_app(**kwargs: Any) -> Kolba:
    kwargs.setdefault("root_path", HERE)
    app = Kolba("static_app", **kwargs)
    app.config.update(TESTING=True)
    return app


# -- the app's static endpoint ------------------------------------------------------


def test_static_file_served(client: Any) -> None:
    response = client.get("/static/hello.txt")
    assert response.status_code == 200
    assert response.data == HELLO_BYTES
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Length"] == "13"
    assert response.headers["Content-Disposition"] == "inline; filename=hello.txt"
    assert response.headers["Accept-Ranges"] == "bytes"


def test_static_nested_file_and_mimetype(client: Any) -> None:
    assert client.get("/static/sub/nested.txt").data == b"nested file\n"
    css = client.get("/static/style.css")
    assert css.mimetype == "text/css"
    assert css.data == b"body { color: red; }\n"


def test_static_missing_file_is_404(client: Any) -> None:
    assert client.get("/static/nope.txt").status_code == 404


def test_static_directory_is_404(client: Any) -> None:
    assert client.get("/static/sub").status_code == 404
    assert client.get("/static/sub/").status_code == 404


def test_static_head_has_length_but_no_body(client: Any) -> None:
    response = client.head("/static/hello.txt")
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Content-Length"] == "13"


def test_static_post_not_allowed(client: Any) -> None:
    response = client.post("/static/hello.txt")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_static_url_for(app: Kolba) -> None:
    with app.test_request_context():
        assert url_for("static", filename="hello.txt") == "/static/hello.txt"
        assert url_for("static", filename="sub/nested.txt") == "/static/sub/nested.txt"
        assert url_for("static", filename="hello.txt", _external=True) == (
            "http://localhost/static/hello.txt"
        )


def test_static_default_cache_control_is_no_cache(client: Any) -> None:
    response = client.get("/static/hello.txt")
    assert response.headers["Cache-Control"] == "no-cache"
    assert "Expires" not in response.headers


def test_custom_static_url_path() -> None:
    app = make_app(static_url_path="/assets")
    client = app.test_client()
    assert client.get("/assets/hello.txt").data == HELLO_BYTES
    assert client.get("/static/hello.txt").status_code == 404
    with app.test_request_context():
        assert url_for("static", filename="hello.txt") == "/assets/hello.txt"


def test_custom_static_folder_relative_to_root() -> None:
    app = make_app(static_folder="bp_static")
    assert app.static_folder == os.path.join(HERE, "bp_static")
    assert app.static_url_path == "/bp_static"
    client = app.test_client()
    assert client.get("/bp_static/hello.txt").data == b"hello from blueprint\n"
    assert client.get("/static/hello.txt").status_code == 404


def test_custom_static_folder_and_url_path() -> None:
    app = make_app(static_folder="bp_static", static_url_path="/files")
    client = app.test_client()
    assert client.get("/files/img/logo.txt").data == b"blueprint css\n"


def test_absolute_static_folder(tmp_path: pathlib.Path) -> None:
    (tmp_path / "f.txt").write_bytes(b"absolute")
    app = make_app(static_folder=str(tmp_path), static_url_path="/abs")
    assert app.test_client().get("/abs/f.txt").data == b"absolute"


def test_static_folder_none_means_no_route(app: Kolba) -> None:
    app = make_app(static_folder=None)
    assert app.has_static_folder is False
    assert "static" not in app.view_functions
    assert [r.rule for r in app.url_map.iter_rules()] == []
    assert app.test_client().get("/static/hello.txt").status_code == 404
    with app.test_request_context():
        with pytest.raises(Exception) as exc:
            url_for("static", filename="hello.txt")
        assert type(exc.value).__name__ == "BuildError"


def test_send_static_file_without_folder_raises() -> None:
    app = make_app(static_folder=None)
    with app.test_request_context():
        with pytest.raises(RuntimeError) as exc:
            app.send_static_file("hello.txt")
    assert str(exc.value) == "'static_folder' must be set to serve static_files."


def test_send_static_file_directly(app: Kolba) -> None:
    with app.test_request_context():
        response = app.send_static_file("hello.txt")
        response.direct_passthrough = False
        assert response.status_code == 200
        assert response.get_data() == HELLO_BYTES
        assert response.mimetype == "text/plain"


def test_static_host_with_host_matching() -> None:
    app = make_app(host_matching=True, static_host="cdn.example.test")
    app.add_url_rule(
        "/", "index", lambda: url_for("static", filename="hello.txt"), host="www.example.test"
    )
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "static")
    assert rule.host == "cdn.example.test"
    client = app.test_client()
    assert client.get("/static/hello.txt", base_url="http://cdn.example.test/").data == HELLO_BYTES
    assert client.get("/static/hello.txt", base_url="http://www.example.test/").status_code == 404
    assert client.get("/", base_url="http://www.example.test/").data == (
        b"http://cdn.example.test/static/hello.txt"
    )


@pytest.mark.parametrize(
    "kwargs", [{"static_host": "cdn.example.test"}, {"host_matching": True}]
)
def test_static_host_needs_host_matching(kwargs: dict[str, Any]) -> None:
    with pytest.raises(AssertionError) as exc:
        make_app(**kwargs)
    assert str(exc.value) == "Invalid static_host/host_matching combination"


def test_host_matching_without_static_folder_is_allowed() -> None:
    app = make_app(host_matching=True, static_folder=None)
    assert app.url_map.host_matching is True


# -- max age -------------------------------------------------------------------------


def test_send_file_max_age_default_int(app: Kolba, client: Any) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    response = client.get("/static/hello.txt")
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.expires is not None
    assert response.date is not None
    assert (response.expires - response.date).total_seconds() == 3600


def test_send_file_max_age_default_timedelta(app: Kolba, client: Any) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = datetime.timedelta(hours=2)
    response = client.get("/static/hello.txt")
    assert response.headers["Cache-Control"] == "public, max-age=7200"


def test_get_send_file_max_age_reads_config(app: Kolba) -> None:
    with app.app_context():
        assert app.get_send_file_max_age("x.txt") is None
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = datetime.timedelta(minutes=5)
        assert app.get_send_file_max_age("x.txt") == 300
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 12
        assert app.get_send_file_max_age(None) == 12


def test_get_send_file_max_age_override_on_app() -> None:
    seen: list[str | None] = []

    class CachingApp(Kolba):
        def get_send_file_max_age(self, filename: str | None) -> int | None:
            seen.append(filename)
            if filename and filename.endswith(".css"):
                return 600
            return None

    app = CachingApp("caching", root_path=HERE)
    client = app.test_client()
    assert client.get("/static/style.css").headers["Cache-Control"] == "public, max-age=600"
    assert client.get("/static/hello.txt").headers["Cache-Control"] == "no-cache"
    # The static view asks with the name relative to the static folder.
    assert seen[0] == "style.css"
    assert "hello.txt" in seen


def test_send_file_max_age_argument(app: Kolba, client: Any) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    app.add_url_rule("/ma", "ma", lambda: send_file(HELLO, max_age=60))
    app.add_url_rule("/ma0", "ma0", lambda: send_file(HELLO, max_age=0))
    response = client.get("/ma")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert (response.expires - response.date).total_seconds() == 60
    assert client.get("/ma0").headers["Cache-Control"] == "no-cache, max-age=0"


def test_send_file_uses_config_max_age_for_file_objects(app: Kolba, client: Any) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 90
    app.add_url_rule(
        "/bio", "bio", lambda: send_file(io.BytesIO(b"x"), mimetype="text/plain")
    )
    assert client.get("/bio").headers["Cache-Control"] == "public, max-age=90"


# -- blueprint static folders ----------------------------------------------------------


def test_blueprint_static_folder(app: Kolba, client: Any) -> None:
    bp = Blueprint("admin", __name__, static_folder="bp_static", url_prefix="/admin")
    app.register_blueprint(bp)
    assert client.get("/admin/bp_static/hello.txt").data == b"hello from blueprint\n"
    assert client.get("/admin/bp_static/img/logo.txt").data == b"blueprint css\n"
    with app.test_request_context():
        assert url_for("admin.static", filename="hello.txt") == "/admin/bp_static/hello.txt"


def test_blueprint_static_url_path(app: Kolba, client: Any) -> None:
    bp = Blueprint(
        "admin", __name__, static_folder="bp_static", static_url_path="/assets", url_prefix="/admin"
    )

    @bp.route("/page")
    def page() -> str:
        return url_for(".static", filename="img/logo.txt")

    app.register_blueprint(bp)
    assert client.get("/admin/page").data == b"/admin/assets/img/logo.txt"
    assert client.get("/admin/assets/img/logo.txt").data == b"blueprint css\n"
    assert client.get("/admin/assets/missing.txt").status_code == 404


def test_blueprint_static_registered_under_each_name(app: Kolba, client: Any) -> None:
    bp = Blueprint("files", __name__, static_folder="bp_static")
    app.register_blueprint(bp, url_prefix="/one")
    app.register_blueprint(bp, url_prefix="/two", name="files2")
    assert client.get("/one/bp_static/hello.txt").status_code == 200
    assert client.get("/two/bp_static/hello.txt").status_code == 200
    with app.test_request_context():
        assert url_for("files2.static", filename="a") == "/two/bp_static/a"


def test_app_static_wins_over_blueprint_static_at_same_url(app: Kolba, client: Any) -> None:
    bp = Blueprint("shadow", __name__, static_folder="bp_static", static_url_path="/static")
    app.register_blueprint(bp)
    assert client.get("/static/hello.txt").data == HELLO_BYTES
    with app.test_request_context():
        assert url_for("shadow.static", filename="hello.txt") == "/static/hello.txt"


def test_blueprint_static_honours_config_max_age(app: Kolba, client: Any) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 30
    app.register_blueprint(Blueprint("bp", __name__, static_folder="bp_static", url_prefix="/bp"))
    assert client.get("/bp/bp_static/hello.txt").headers["Cache-Control"] == "public, max-age=30"


def test_blueprint_get_send_file_max_age_override(app: Kolba, client: Any) -> None:
    class CachedBlueprint(Blueprint):
        def get_send_file_max_age(self, filename: str | None) -> int | None:
            return 77

    app.register_blueprint(CachedBlueprint("bp", __name__, static_folder="bp_static"))
    response = client.get("/bp_static/hello.txt")
    assert response.headers["Cache-Control"] == "public, max-age=77"
    assert client.get("/static/hello.txt").headers["Cache-Control"] == "no-cache"


def test_blueprint_without_static_folder_has_no_static_route(app: Kolba) -> None:
    app.register_blueprint(Blueprint("bare", __name__, url_prefix="/bare"))
    assert "bare.static" not in app.view_functions
    with app.test_request_context():
        with pytest.raises(RuntimeError) as exc:
            Blueprint("other", __name__).send_static_file("x")
    assert str(exc.value) == "'static_folder' must be set to serve static_files."


# -- send_file -------------------------------------------------------------------------


def test_send_file_path(app: Kolba, client: Any) -> None:
    app.add_url_rule("/f", "f", lambda: send_file(HELLO))
    response = client.get("/f")
    assert response.data == HELLO_BYTES
    assert response.headers["Content-Disposition"] == "inline; filename=hello.txt"
    assert response.headers["Content-Length"] == "13"
    assert response.headers["ETag"].startswith('"')
    mtime = datetime.datetime.fromtimestamp(int(os.path.getmtime(HELLO)), datetime.timezone.utc)
    assert response.last_modified == mtime


def test_send_file_pathlib_path(app: Kolba, client: Any) -> None:
    app.add_url_rule("/p", "p", lambda: send_file(pathlib.Path(STATIC) / "style.css"))
    response = client.get("/p")
    assert response.data == b"body { color: red; }\n"
    assert response.mimetype == "text/css"


def test_send_file_relative_path_is_relative_to_root_path(app: Kolba, client: Any) -> None:
    app.add_url_rule("/rel", "rel", lambda: send_file("static/hello.txt"))
    assert client.get("/rel").data == HELLO_BYTES


def test_send_file_file_object(app: Kolba, client: Any) -> None:
    def view() -> Any:
        return send_file(open(HELLO, "rb"), mimetype="text/plain")  # noqa: SIM115

    app.add_url_rule("/fo", "fo", view)
    response = client.get("/fo")
    assert response.data == HELLO_BYTES
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "Content-Disposition" not in response.headers
    assert "ETag" not in response.headers


def test_send_file_bytesio_download_name_and_mimetype(app: Kolba, client: Any) -> None:
    app.add_url_rule(
        "/bio",
        "bio",
        lambda: send_file(io.BytesIO(b"0123456789"), download_name="nums.bin", mimetype="application/x-nums"),
    )
    response = client.get("/bio")
    assert response.data == b"0123456789"
    assert response.headers["Content-Type"] == "application/x-nums"
    assert response.headers["Content-Disposition"] == "inline; filename=nums.bin"
    assert response.headers["Content-Length"] == "10"


def test_send_file_mimetype_guessed_from_download_name(app: Kolba, client: Any) -> None:
    app.add_url_rule("/csv", "csv", lambda: send_file(io.BytesIO(b"a,b"), download_name="report.csv"))
    response = client.get("/csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "inline; filename=report.csv"


def test_send_file_object_without_name_or_mimetype_fails(app: Kolba) -> None:
    with app.test_request_context():
        with pytest.raises(TypeError) as exc:
            send_file(io.BytesIO(b"x"))
    assert "Unable to detect the MIME type" in str(exc.value)


def test_send_file_as_attachment_path(app: Kolba, client: Any) -> None:
    app.add_url_rule("/att", "att", lambda: send_file(HELLO, as_attachment=True))
    response = client.get("/att")
    assert response.headers["Content-Disposition"] == "attachment; filename=hello.txt"
    assert response.data == HELLO_BYTES


def test_send_file_attachment_quoted_name(app: Kolba, client: Any) -> None:
    app.add_url_rule(
        "/q", "q", lambda: send_file(io.BytesIO(b"x"), download_name="my report.txt", as_attachment=True)
    )
    assert client.get("/q").headers["Content-Disposition"] == 'attachment; filename="my report.txt"'


def test_send_file_attachment_non_ascii_name(app: Kolba, client: Any) -> None:
    app.add_url_rule(
        "/u",
        "u",
        lambda: send_file(io.BytesIO(b"x"), as_attachment=True, download_name="Ünïcödé € report.txt"),
    )
    response = client.get("/u")
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Unicode  report.txt\";"
        " filename*=UTF-8''%C3%9Cn%C3%AFc%C3%B6d%C3%A9%20%E2%82%AC%20report.txt"
    )
    assert response.mimetype == "text/plain"


def test_send_file_outside_request_context_fails(app: Kolba) -> None:
    with app.app_context():
        with pytest.raises(RuntimeError):
            send_file(HELLO)


def test_send_file_last_modified_argument(app: Kolba, client: Any) -> None:
    when = datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    app.add_url_rule(
        "/lm", "lm", lambda: send_file(io.BytesIO(b"x"), mimetype="text/plain", last_modified=when)
    )
    app.add_url_rule(
        "/lm2",
        "lm2",
        lambda: send_file(io.BytesIO(b"x"), mimetype="text/plain", last_modified=when.timestamp()),
    )
    assert client.get("/lm").headers["Last-Modified"] == "Thu, 02 Jan 2020 03:04:05 GMT"
    assert client.get("/lm2").headers["Last-Modified"] == "Thu, 02 Jan 2020 03:04:05 GMT"
    response = client.get("/lm", headers={"If-Modified-Since": "Thu, 02 Jan 2020 03:04:05 GMT"})
    assert response.status_code == 304


# -- conditional and range requests -----------------------------------------------------


def test_if_none_match_gives_304(client: Any) -> None:
    etag = client.get("/static/hello.txt").headers["ETag"]
    response = client.get("/static/hello.txt", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    assert "Content-Length" not in response.headers or response.headers["Content-Length"] == "0"


def test_if_none_match_other_etag_gives_200(client: Any) -> None:
    response = client.get("/static/hello.txt", headers={"If-None-Match": '"something-else"'})
    assert response.status_code == 200
    assert response.data == HELLO_BYTES


def test_if_modified_since_gives_304(client: Any) -> None:
    last_modified = client.get("/static/hello.txt").headers["Last-Modified"]
    response = client.get("/static/hello.txt", headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304
    assert response.data == b""


def test_if_modified_since_older_gives_200(client: Any) -> None:
    response = client.get(
        "/static/hello.txt", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
    )
    assert response.status_code == 200


def test_etag_disabled_and_custom(app: Kolba, client: Any) -> None:
    app.add_url_rule("/none", "none", lambda: send_file(HELLO, etag=False))
    app.add_url_rule("/custom", "custom", lambda: send_file(HELLO, etag="v1"))
    assert "ETag" not in client.get("/none").headers
    assert client.get("/custom").headers["ETag"] == '"v1"'
    assert client.get("/custom", headers={"If-None-Match": '"v1"'}).status_code == 304


def test_range_request_206(client: Any) -> None:
    response = client.get("/static/numbers.txt", headers={"Range": "bytes=2-4"})
    assert response.status_code == 206
    assert response.data == b"234"
    assert response.headers["Content-Range"] == "bytes 2-4/10"
    assert response.headers["Content-Length"] == "3"


def test_suffix_range_request(client: Any) -> None:
    response = client.get("/static/numbers.txt", headers={"Range": "bytes=-3"})
    assert response.status_code == 206
    assert response.data == b"789"
    assert response.headers["Content-Range"] == "bytes 7-9/10"


def test_open_ended_range_request(client: Any) -> None:
    response = client.get("/static/numbers.txt", headers={"Range": "bytes=6-"})
    assert response.status_code == 206
    assert response.data == b"6789"
    assert response.headers["Content-Range"] == "bytes 6-9/10"


def test_unsatisfiable_range_416(client: Any) -> None:
    response = client.get("/static/numbers.txt", headers={"Range": "bytes=20-"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == "bytes */10"
    assert b"0123456789" not in response.data


def test_range_on_bytesio(app: Kolba, client: Any) -> None:
    app.add_url_rule(
        "/bio", "bio", lambda: send_file(io.BytesIO(b"abcdefghij"), mimetype="text/plain")
    )
    response = client.get("/bio", headers={"Range": "bytes=0-1"})
    assert (response.status_code, response.data) == (206, b"ab")
    assert response.headers["Content-Range"] == "bytes 0-1/10"


def test_if_range_mismatch_sends_whole_file(client: Any) -> None:
    response = client.get(
        "/static/numbers.txt", headers={"Range": "bytes=0-1", "If-Range": '"stale"'}
    )
    assert response.status_code == 200
    assert response.data == b"0123456789"


def test_if_range_match_sends_range(client: Any) -> None:
    etag = client.get("/static/numbers.txt").headers["ETag"]
    response = client.get("/static/numbers.txt", headers={"Range": "bytes=0-1", "If-Range": etag})
    assert (response.status_code, response.data) == (206, b"01")


def test_conditional_false_ignores_range_and_etag_match(app: Kolba, client: Any) -> None:
    app.add_url_rule("/nc", "nc", lambda: send_file(HELLO, conditional=False))
    etag = client.get("/nc").headers["ETag"]
    response = client.get("/nc", headers={"Range": "bytes=0-1", "If-None-Match": etag})
    assert response.status_code == 200
    assert response.data == HELLO_BYTES
    assert "Accept-Ranges" not in response.headers


# -- send_from_directory and path traversal -------------------------------------------------


@pytest.fixture
def jail(tmp_path: pathlib.Path) -> tuple[Kolba, pathlib.Path]:
    """An app whose static folder has a secret file right next to it."""
    static = tmp_path / "static"
    (static / "sub").mkdir(parents=True)
    (static / "public.txt").write_bytes(b"public")
    (static / "sub" / "deep.txt").write_bytes(b"deep")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    app = make_app(root_path=str(tmp_path))

    @app.route("/dl/<path:name>")
    def download(name: str) -> Any:
        return send_from_directory(static, name)

    return app, tmp_path


def test_send_from_directory_serves_files(jail: tuple[Kolba, pathlib.Path]) -> None:
    client = jail[0].test_client()
    assert client.get("/dl/public.txt").data == b"public"
    assert client.get("/dl/sub/deep.txt").data == b"deep"
    assert client.get("/dl/missing.txt").status_code == 404
    assert client.get("/dl/sub").status_code == 404


def test_send_from_directory_inner_dotdot_stays_inside(jail: tuple[Kolba, pathlib.Path]) -> None:
    client = jail[0].test_client()
    assert client.get("/dl/sub/../public.txt").data == b"public"
    assert client.get("/static/sub/../public.txt").data == b"public"


TRAVERSALS = [
    "../secret.txt",
    "%2e%2e/secret.txt",
    "%2E%2E%2Fsecret.txt",
    "..%2fsecret.txt",
    "sub/../../secret.txt",
    "sub/%2e%2e/%2e%2e/secret.txt",
    "..\\secret.txt",
    "..%5csecret.txt",
    "%00../secret.txt",
    "public.txt%00",
    "../static/../secret.txt",
]


@pytest.mark.parametrize("prefix", ["/dl/", "/static/"])
@pytest.mark.parametrize("attempt", TRAVERSALS)
def test_traversal_attempts_are_404(
    jail: tuple[Kolba, pathlib.Path], prefix: str, attempt: str
) -> None:
    response = jail[0].test_client().get(prefix + attempt)
    assert response.status_code == 404
    assert SECRET not in response.data


@pytest.mark.parametrize("prefix", ["/dl/", "/static/"])
def test_absolute_path_never_leaks(jail: tuple[Kolba, pathlib.Path], prefix: str) -> None:
    app, root = jail
    client = app.test_client()
    secret_path = str(root / "secret.txt")
    for url in (prefix + "/" + secret_path.lstrip("/"), prefix + secret_path.replace("/", "%2F")):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 404
        assert SECRET not in response.data
        assert all(SECRET not in r.data for r in response.history)


def test_send_from_directory_absolute_and_parent_names_raise_not_found(
    jail: tuple[Kolba, pathlib.Path],
) -> None:
    app, root = jail
    static = root / "static"
    with app.test_request_context():
        for name in (str(root / "secret.txt"), "../secret.txt", "/etc/passwd", "sub/../../secret.txt"):
            with pytest.raises(NotFound):
                send_from_directory(static, name)
        response = send_from_directory(static, "sub/deep.txt")
        response.direct_passthrough = False
        assert response.get_data() == b"deep"


def test_fixture_app_static_does_not_leak_test_sources(client: Any) -> None:
    for url in ("/static/../conftest.py", "/static/%2e%2e/conftest.py", "/static/..%2fconftest.py"):
        response = client.get(url)
        assert response.status_code == 404
        assert b"pytest" not in response.data


# -- resources ---------------------------------------------------------------------------


def test_open_resource_binary_and_text(app: Kolba) -> None:
    with app.open_resource("static/hello.txt") as f:
        assert f.read() == HELLO_BYTES
    with app.open_resource("static/hello.txt", "r") as f:
        assert f.read() == "hello static\n"
    with app.open_resource("static/hello.txt", "rt", encoding="ascii") as f:
        assert f.read() == "hello static\n"


@pytest.mark.parametrize("mode", ["w", "wb", "a", "r+"])
def test_open_resource_rejects_writing(app: Kolba, mode: str) -> None:
    with pytest.raises(ValueError) as exc:
        app.open_resource("static/hello.txt", mode)
    assert str(exc.value) == "Resources can only be opened for reading."


def test_blueprint_open_resource_relative_to_blueprint_root() -> None:
    bp = Blueprint("res", __name__)
    with bp.open_resource("bp_static/hello.txt") as f:
        assert f.read() == b"hello from blueprint\n"
    with pytest.raises(ValueError):
        bp.open_resource("bp_static/hello.txt", "w")


def test_open_instance_resource_read_and_write(tmp_path: pathlib.Path) -> None:
    app = Kolba("inst", root_path=HERE, instance_path=str(tmp_path))
    with app.open_instance_resource("notes.txt", "w") as f:
        f.write("grüße")
    assert (tmp_path / "notes.txt").read_bytes() == "grüße".encode()
    with app.open_instance_resource("notes.txt") as f:
        assert f.read() == "grüße".encode()
    with app.open_instance_resource("notes.txt", "r") as f:
        assert f.read() == "grüße"
    with app.open_instance_resource("notes.txt", "r", encoding="latin-1") as f:
        assert f.read() == "grüße".encode().decode("latin-1")


def test_open_instance_resource_missing_file(tmp_path: pathlib.Path) -> None:
    app = Kolba("inst", root_path=HERE, instance_path=str(tmp_path))
    with pytest.raises(FileNotFoundError):
        app.open_instance_resource("nope.cfg")


def test_kolba_module_exposes_send_helpers() -> None:
    assert kolba.send_file is send_file
    assert kolba.send_from_directory is send_from_directory
