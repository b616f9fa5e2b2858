"""The test client, the CLI runner and the app-aware EnvironBuilder."""

from __future__ import annotations

import importlib.metadata
import io
from typing import Any

import click
import pytest
from werkzeug.test import Client

import kolba
from kolba import (
    current_app,
    has_app_context,
    has_request_context,
    make_response,
    redirect,
    request,
    session,
    url_for,
)
from kolba.sessions import SecureCookieSessionInterface, SessionInterface
from kolba.testing import EnvironBuilder, KolbaCliRunner, KolbaClient

WERKZEUG_UA = f"Werkzeug/{importlib.metadata.version('werkzeug')}"


@pytest.fixture
def echo_app(app: kolba.Kolba) -> kolba.Kolba:
    """An app whose views report what they saw of the request."""

    @app.route("/echo", methods=["GET", "POST", "PUT"])
    def echo() -> dict[str, Any]:
        return {
            "method": request.method,
            "path": request.path,
            "args": request.args.to_dict(flat=False),
            "form": request.form.to_dict(flat=False),
            "json": request.get_json(silent=True),
            "files": {k: [f.filename, f.read().decode()] for k, f in request.files.items()},
            "headers": {k: v for k, v in request.headers.items() if k.startswith("X-")},
            "remote_addr": request.remote_addr,
            "user_agent": request.user_agent.string,
            "url": request.url,
            "script_root": request.script_root,
        }

    return app


# --- client basics -------------------------------------------------------------------------


def test_test_client_type(app: kolba.Kolba, client: Any) -> None:
    assert isinstance(client, KolbaClient)
    assert isinstance(client, Client)
    assert client.application is app


def test_client_class_default_is_none(app: kolba.Kolba) -> None:
    assert app.test_client_class is None
    assert app.test_cli_runner_class is None


def test_custom_test_client_class(app: kolba.Kolba) -> None:
    class MyClient(KolbaClient):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.marker = kwargs.pop("marker", None)
            super().__init__(*args, **kwargs)

    app.test_client_class = MyClient

    @app.route("/")
    def index() -> str:
        return "hi"

    client = app.test_client(marker="m")
    assert isinstance(client, MyClient)
    assert client.marker == "m"
    assert client.get("/").data == b"hi"


def test_default_environ(echo_app: kolba.Kolba, client: Any) -> None:
    data = client.get("/echo").json
    assert data["remote_addr"] == "127.0.0.1"
    assert data["user_agent"] == WERKZEUG_UA
    assert data["url"] == "http://localhost/echo"
    assert client.environ_base == {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": WERKZEUG_UA}


def test_environ_base_attribute_applies_to_later_requests(
    echo_app: kolba.Kolba, client: Any
) -> None:
    client.environ_base["HTTP_X_TOKEN"] = "secret"
    client.environ_base["REMOTE_ADDR"] = "10.1.1.1"
    data = client.get("/echo").json
    assert data["headers"] == {"X-Token": "secret"}
    assert data["remote_addr"] == "10.1.1.1"


def test_environ_base_argument(echo_app: kolba.Kolba, client: Any) -> None:
    data = client.get("/echo", environ_base={"REMOTE_ADDR": "192.0.2.1"}).json
    assert data["remote_addr"] == "192.0.2.1"
    assert data["user_agent"] == WERKZEUG_UA
    assert client.get("/echo").json["remote_addr"] == "127.0.0.1"


def test_environ_overrides(echo_app: kolba.Kolba, client: Any) -> None:
    data = client.get(
        "/echo", environ_overrides={"REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": "bot/1"}
    ).json
    assert data["remote_addr"] == "203.0.113.9"
    assert data["user_agent"] == "bot/1"


def test_headers_argument(echo_app: kolba.Kolba, client: Any) -> None:
    data = client.get("/echo", headers={"X-One": "1", "X-Two": "2"}).json
    assert data["headers"] == {"X-One": "1", "X-Two": "2"}
    data = client.get("/echo", headers=[("X-List", "a")]).json
    assert data["headers"] == {"X-List": "a"}


def test_query_string_argument(echo_app: kolba.Kolba, client: Any) -> None:
    assert client.get("/echo", query_string={"a": "1", "b": ["2", "3"]}).json["args"] == {
        "a": ["1"],
        "b": ["2", "3"],
    }
    assert client.get("/echo", query_string="x=y").json["args"] == {"x": ["y"]}
    assert client.get("/echo?q=1").json["args"] == {"q": ["1"]}


def test_base_url_argument(echo_app: kolba.Kolba, client: Any) -> None:
    data = client.get("/echo", base_url="https://example.com/prefix").json
    assert data["url"] == "https://example.com/prefix/echo"
    assert data["script_root"] == "/prefix"
    assert data["path"] == "/echo"


def test_full_url_path(echo_app: kolba.Kolba, client: Any) -> None:
    data = client.get("https://api.example.org/echo?k=v").json
    assert data["url"] == "https://api.example.org/echo?k=v"
    assert data["args"] == {"k": ["v"]}


def test_json_body_and_response_json(echo_app: kolba.Kolba, client: Any) -> None:
    rv = client.post("/echo", json={"name": "kolba", "n": [1, 2]})
    assert rv.status_code == 200
    assert rv.is_json
    assert rv.json["json"] == {"name": "kolba", "n": [1, 2]}
    assert rv.get_json()["method"] == "POST"


def test_json_body_sets_content_type(app: kolba.Kolba, client: Any) -> None:
    @app.route("/ct", methods=["POST"])
    def ct() -> str:
        return request.content_type or ""

    assert client.post("/ct", json=[1]).data == b"application/json"


def test_response_json_uses_app_provider(app: kolba.Kolba, client: Any) -> None:
    @app.route("/j")
    def j() -> dict[str, Any]:
        return {"b": 1, "a": 2}

    rv = client.get("/j")
    assert rv.data == b'{"a":2,"b":1}\n'
    assert rv.json == {"a": 2, "b": 1}


def test_form_data_dict(echo_app: kolba.Kolba, client: Any) -> None:
    rv = client.post("/echo", data={"a": "1", "multi": ["x", "y"]})
    assert rv.json["form"] == {"a": ["1"], "multi": ["x", "y"]}
    assert rv.json["files"] == {}


def test_file_upload(echo_app: kolba.Kolba, client: Any) -> None:
    rv = client.post(
        "/echo",
        data={"field": "v", "upload": (io.BytesIO(b"file body"), "notes.txt")},
        content_type="multipart/form-data",
    )
    assert rv.json["form"] == {"field": ["v"]}
    assert rv.json["files"] == {"upload": ["notes.txt", "file body"]}


def test_raw_data_body(app: kolba.Kolba, client: Any) -> None:
    @app.route("/raw", methods=["PUT"])
    def raw() -> bytes:
        return request.get_data()[::-1]

    assert client.put("/raw", data=b"abc", content_type="application/octet-stream").data == b"cba"


def test_open_with_environ_builder(echo_app: kolba.Kolba, client: Any) -> None:
    builder = EnvironBuilder(echo_app, "/echo", method="PUT", query_string={"z": "1"})
    rv = client.open(builder)
    assert rv.json["method"] == "PUT"
    assert rv.json["args"] == {"z": ["1"]}
    assert rv.json["remote_addr"] == "127.0.0.1"


def test_method_helpers(app: kolba.Kolba, client: Any) -> None:
    @app.route("/m", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def m() -> str:
        return request.method

    assert client.get("/m").data == b"GET"
    assert client.post("/m").data == b"POST"
    assert client.put("/m").data == b"PUT"
    assert client.patch("/m").data == b"PATCH"
    assert client.delete("/m").data == b"DELETE"
    assert client.head("/m").data == b""
    assert client.head("/m").status_code == 200
    assert client.open("/m", method="POST").data == b"POST"


# --- cookies ----------------------------------------------------------------------------------


@pytest.fixture
def cookie_app(app: kolba.Kolba) -> kolba.Kolba:
    @app.route("/set/<value>")
    def set_value(value: str) -> Any:
        response = make_response("set")
        response.set_cookie("flavor", value)
        return response

    @app.route("/read")
    def read() -> str:
        return request.cookies.get("flavor", "none")

    return app


def test_cookies_kept_across_requests(cookie_app: kolba.Kolba) -> None:
    client = cookie_app.test_client()
    assert client.get("/read").data == b"none"
    client.get("/set/oat")
    assert client.get("/read").data == b"oat"
    client.get("/set/rye")
    assert client.get("/read").data == b"rye"


def test_get_cookie(cookie_app: kolba.Kolba) -> None:
    client = cookie_app.test_client()
    assert client.get_cookie("flavor") is None
    client.get("/set/oat")
    cookie = client.get_cookie("flavor")
    assert cookie is not None
    assert cookie.key == "flavor"
    assert cookie.value == "oat"
    assert cookie.domain == "localhost"
    assert cookie.path == "/"


def test_set_cookie(cookie_app: kolba.Kolba) -> None:
    client = cookie_app.test_client()
    client.set_cookie("flavor", "spelt")
    assert client.get("/read").data == b"spelt"
    cookie = client.get_cookie("flavor")
    assert cookie is not None and cookie.value == "spelt"


def test_delete_cookie(cookie_app: kolba.Kolba) -> None:
    client = cookie_app.test_client()
    client.get("/set/oat")
    client.delete_cookie("flavor")
    assert client.get_cookie("flavor") is None
    assert client.get("/read").data == b"none"


def test_use_cookies_false(cookie_app: kolba.Kolba) -> None:
    client = cookie_app.test_client(use_cookies=False)
    client.get("/set/oat")
    assert client.get("/read").data == b"none"


def test_separate_clients_have_separate_cookies(cookie_app: kolba.Kolba) -> None:
    first = cookie_app.test_client()
    second = cookie_app.test_client()
    first.get("/set/oat")
    assert second.get("/read").data == b"none"


# --- redirects --------------------------------------------------------------------------------


@pytest.fixture
def redirect_app(app: kolba.Kolba) -> kolba.Kolba:
    @app.route("/start")
    def start() -> Any:
        return redirect("/middle?step=1")

    @app.route("/middle")
    def middle() -> Any:
        return redirect(url_for("end"))

    @app.route("/end")
    def end() -> str:
        return "arrived"

    return app


def test_follow_redirects(redirect_app: kolba.Kolba) -> None:
    rv = redirect_app.test_client().get("/start", follow_redirects=True)
    assert rv.status_code == 200
    assert rv.data == b"arrived"
    assert rv.request.path == "/end"
    assert len(rv.history) == 2
    assert [r.status_code for r in rv.history] == [302, 302]
    assert [r.request.path for r in rv.history] == ["/start", "/middle"]
    assert rv.history[0].headers["Location"] == "/middle?step=1"


def test_without_follow_redirects(redirect_app: kolba.Kolba) -> None:
    rv = redirect_app.test_client().get("/start")
    assert rv.status_code == 302
    assert rv.headers["Location"] == "/middle?step=1"
    assert rv.history == ()


def test_follow_redirects_preserved_request_is_last(redirect_app: kolba.Kolba) -> None:
    client = redirect_app.test_client()
    with client:
        client.get("/start", follow_redirects=True)
        assert request.path == "/end"
        assert request.args.to_dict() == {}


# --- preserved context ----------------------------------------------------------------------


def test_with_client_preserves_request_context(app: kolba.Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> str:
        session["seen"] = True
        return "ok"

    with client:
        assert not has_request_context()
        client.get("/?q=search")
        assert has_request_context()
        assert request.args["q"] == "search"
        assert request.path == "/"
        assert session["seen"] is True
        assert current_app._get_current_object() is app
    assert not has_request_context()
    assert not has_app_context()


def test_with_client_keeps_only_last_request(app: kolba.Kolba, client: Any) -> None:
    @app.route("/<name>")
    def named(name: str) -> str:
        return name

    with client:
        client.get("/first")
        client.get("/second")
        assert request.path == "/second"
    assert not has_request_context()


def test_without_with_no_context_after_request(app: kolba.Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> str:
        return ""

    client.get("/")
    assert not has_request_context()
    assert not has_app_context()


def test_nested_with_client_raises(client: Any) -> None:
    with client:
        with pytest.raises(RuntimeError, match="Cannot nest client invocations"):
            with client:
                pass
    with client:
        pass


def test_with_client_returns_client(client: Any) -> None:
    with client as entered:
        assert entered is client


def test_with_client_preserves_context_after_unhandled_error(app: kolba.Kolba) -> None:
    app.testing = False

    @app.route("/fail")
    def fail() -> str:
        raise ValueError()

    client = app.test_client()
    with client:
        assert client.get("/fail?a=b").status_code == 500
        assert request.args["a"] == "b"


def test_with_client_one_redirect_keeps_the_target_request(app: kolba.Kolba) -> None:
    @app.route("/from")
    def moved() -> Any:
        kolba.g.seen = "from"
        return redirect("/to")

    @app.route("/to")
    def target() -> str:
        kolba.g.seen = "to"
        return "arrived"

    client = app.test_client()
    with client:
        response = client.get("/from", follow_redirects=True)
        assert [r.request.path for r in response.history] == ["/from"]
        assert request.path == "/to"
        assert kolba.g.seen == "to"
    assert not has_request_context()
    assert not has_app_context()


def test_with_client_request_after_propagated_error_is_kept(app: kolba.Kolba) -> None:
    @app.route("/boom")
    def boom() -> str:
        raise ValueError("boom")

    @app.route("/ok")
    def ok() -> str:
        return "ok"

    client = app.test_client()
    with client:
        with pytest.raises(ValueError):
            client.get("/boom")
        assert not has_request_context()
        client.get("/ok")
        assert request.path == "/ok"
    assert not has_request_context()
    assert not has_app_context()


def test_with_client_keeps_no_context_for_redirect_chain_outside_with(
    redirect_app: kolba.Kolba,
) -> None:
    client = redirect_app.test_client()
    client.get("/start", follow_redirects=True)
    assert not has_request_context()
    with client:
        pass
    assert not has_request_context()


# --- session_transaction ------------------------------------------------------------------


def test_session_transaction_modifies_session(app: kolba.Kolba, client: Any) -> None:
    @app.route("/")
    def index() -> str:
        return str(session.get("user"))

    with client.session_transaction() as sess:
        assert dict(sess) == {}
        sess["user"] = "alice"
    assert client.get("/").data == b"alice"
    assert client.get_cookie("session") is not None


def test_session_transaction_reads_session_set_by_view(app: kolba.Kolba, client: Any) -> None:
    @app.route("/login")
    def login() -> str:
        session["user"] = "bob"
        session["roles"] = ["admin"]
        return ""

    client.get("/login")
    with client.session_transaction() as sess:
        assert sess["user"] == "bob"
        assert sess["roles"] == ["admin"]
        sess["user"] = "carol"
    with client.session_transaction() as sess:
        assert sess["user"] == "carol"


def test_session_transaction_without_changes_keeps_cookie(app: kolba.Kolba, client: Any) -> None:
    with client.session_transaction() as sess:
        sess["k"] = 1
    cookie = client.get_cookie("session")
    with client.session_transaction() as sess:
        assert sess["k"] == 1
    assert client.get_cookie("session") == cookie


def test_session_transaction_without_secret_key(app: kolba.Kolba) -> None:
    app.secret_key = None
    client = app.test_client()
    with pytest.raises(RuntimeError, match="Session backend did not open a session"):
        with client.session_transaction():
            pass


def test_session_transaction_with_cookies_disabled(app: kolba.Kolba) -> None:
    client = app.test_client(use_cookies=False)
    with pytest.raises(TypeError, match="Cookies are disabled"):
        with client.session_transaction():
            pass


def test_session_transaction_null_session_is_read_only(app: kolba.Kolba) -> None:
    class NullOnly(SessionInterface):
        def open_session(self, app: Any, request: Any) -> Any:
            return self.make_null_session(app)

        def save_session(self, app: Any, session: Any, response: Any) -> None:
            raise AssertionError("a null session is never saved")

    app.session_interface = NullOnly()
    client = app.test_client()
    with client.session_transaction() as sess:
        assert app.session_interface.is_null_session(sess)
        assert sess.get("x") is None
        with pytest.raises(RuntimeError, match="secret key"):
            sess["x"] = 1


def test_session_transaction_does_not_push_a_context(app: kolba.Kolba, client: Any) -> None:
    with client.session_transaction() as sess:
        assert not has_request_context()
        assert not has_app_context()
        sess["user"] = "ada"
    assert client.get_cookie("session") is not None


def test_session_transaction_saves_nothing_when_the_block_raises(app: kolba.Kolba) -> None:
    client = app.test_client()
    with pytest.raises(KeyError):
        with client.session_transaction() as sess:
            sess["user"] = "ada"
            raise KeyError("abandoned")
    assert client.get_cookie("session") is None


def test_session_transaction_uses_cookies_for_the_given_path(app: kolba.Kolba) -> None:
    app.config["SESSION_COOKIE_PATH"] = "/shop"

    @app.route("/shop/cart")
    def cart() -> str:
        return str(session.get("items"))

    client = app.test_client()
    with client.session_transaction("/shop/cart") as sess:
        sess["items"] = 3
    assert client.get_cookie("session", path="/shop") is not None
    assert client.get("/shop/cart").text == "3"
    with client.session_transaction("/shop/cart") as sess:
        assert sess["items"] == 3
    with client.session_transaction("/") as sess:
        assert "items" not in sess


def test_session_transaction_default_interface(app: kolba.Kolba) -> None:
    assert isinstance(app.session_interface, SecureCookieSessionInterface)


# --- CLI runner ------------------------------------------------------------------------------


@pytest.fixture
def cli_app(app: kolba.Kolba) -> kolba.Kolba:
    @app.cli.command("hello")
    @click.option("--name", default="World")
    def hello(name: str) -> None:
        click.echo(f"Hello, {name} from {current_app.name}")

    @app.cli.command("fail")
    def fail() -> None:
        raise click.exceptions.Exit(3)

    @app.cli.command("crash")
    def crash() -> None:
        raise ValueError("crashed")

    @app.cli.command("noctx", with_appcontext=False)
    def noctx() -> None:
        click.echo(f"has_app_context={has_app_context()}")

    return app


def test_cli_runner_type(cli_app: kolba.Kolba) -> None:
    runner = cli_app.test_cli_runner()
    assert isinstance(runner, KolbaCliRunner)
    assert runner.app is cli_app


def test_cli_runner_invokes_command_by_name(cli_app: kolba.Kolba) -> None:
    result = cli_app.test_cli_runner().invoke(args=["hello", "--name", "Kolba"])
    assert result.exit_code == 0
    assert result.output == "Hello, Kolba from kolba_test\n"


def test_cli_runner_default_option(cli_app: kolba.Kolba) -> None:
    result = cli_app.test_cli_runner().invoke(args=["hello"])
    assert result.output == "Hello, World from kolba_test\n"


def test_cli_runner_invokes_command_object(cli_app: kolba.Kolba) -> None:
    command = cli_app.cli.get_command(click.Context(cli_app.cli), "hello")
    assert command is not None
    result = cli_app.test_cli_runner().invoke(command, ["--name", "obj"])
    assert result.exit_code == 0
    assert result.output == "Hello, obj from kolba_test\n"


def test_cli_runner_exit_code(cli_app: kolba.Kolba) -> None:
    result = cli_app.test_cli_runner().invoke(args=["fail"])
    assert result.exit_code == 3


def test_cli_runner_captures_exception(cli_app: kolba.Kolba) -> None:
    result = cli_app.test_cli_runner().invoke(args=["crash"])
    assert result.exit_code == 1
    assert isinstance(result.exception, ValueError)
    assert str(result.exception) == "crashed"


def test_cli_runner_unknown_command(cli_app: kolba.Kolba) -> None:
    result = cli_app.test_cli_runner().invoke(args=["nope"])
    assert result.exit_code == 2
    assert "No such command 'nope'" in result.output


def test_cli_command_without_app_context(cli_app: kolba.Kolba) -> None:
    result = cli_app.test_cli_runner().invoke(args=["noctx"])
    assert result.output == "has_app_context=False\n"


def test_cli_command_registered_in_group(cli_app: kolba.Kolba) -> None:
    assert set(cli_app.cli.list_commands(click.Context(cli_app.cli))) >= {
        "hello",
        "fail",
        "crash",
        "noctx",
    }
    assert cli_app.cli.name == cli_app.name


def test_custom_cli_runner_class(cli_app: kolba.Kolba) -> None:
    class MyRunner(KolbaCliRunner):
        pass

    cli_app.test_cli_runner_class = MyRunner
    runner = cli_app.test_cli_runner()
    assert isinstance(runner, MyRunner)
    assert runner.invoke(args=["hello"]).exit_code == 0


def test_cli_context_is_popped_after_command(cli_app: kolba.Kolba) -> None:
    cli_app.test_cli_runner().invoke(args=["hello"])
    assert not has_app_context()


# --- EnvironBuilder --------------------------------------------------------------------------


def test_environ_builder_defaults(app: kolba.Kolba) -> None:
    builder = EnvironBuilder(app, "/x")
    try:
        assert builder.base_url == "http://localhost/"
        environ = builder.get_environ()
    finally:
        builder.close()
    assert environ["HTTP_HOST"] == "localhost"
    assert environ["PATH_INFO"] == "/x"
    assert environ["SCRIPT_NAME"] == ""
    assert environ["wsgi.url_scheme"] == "http"


def test_environ_builder_uses_app_config(app: kolba.Kolba) -> None:
    app.config.update(
        SERVER_NAME="example.com", APPLICATION_ROOT="/app", PREFERRED_URL_SCHEME="https"
    )
    builder = EnvironBuilder(app, "/x?y=1")
    try:
        assert builder.base_url == "https://example.com/app/"
        environ = builder.get_environ()
    finally:
        builder.close()
    assert environ["HTTP_HOST"] == "example.com"
    assert environ["SCRIPT_NAME"] == "/app"
    assert environ["PATH_INFO"] == "/x"
    assert environ["QUERY_STRING"] == "y=1"
    assert environ["wsgi.url_scheme"] == "https"


def test_environ_builder_subdomain_and_scheme(app: kolba.Kolba) -> None:
    app.config["SERVER_NAME"] = "example.com"
    builder = EnvironBuilder(app, subdomain="api", url_scheme="ftp")
    try:
        assert builder.base_url == "ftp://api.example.com/"
    finally:
        builder.close()


def test_environ_builder_absolute_url_path(app: kolba.Kolba) -> None:
    app.config["SERVER_NAME"] = "example.com"
    builder = EnvironBuilder(app, "https://other.org/p?q=1")
    try:
        assert builder.base_url == "https://other.org/"
        assert builder.path == "/p"
        assert builder.query_string == "q=1"
    finally:
        builder.close()


def test_environ_builder_rejects_base_url_with_subdomain(app: kolba.Kolba) -> None:
    with pytest.raises(AssertionError, match="Cannot pass"):
        EnvironBuilder(app, base_url="http://x/", subdomain="a")


def test_environ_builder_json_uses_app_json(app: kolba.Kolba) -> None:
    builder = EnvironBuilder(app, json={"b": 1, "a": 2})
    try:
        assert builder.content_type == "application/json"
        request_obj = builder.get_request()
        assert request_obj.get_data() == b'{"a": 2, "b": 1}'
    finally:
        builder.close()
    assert builder.json_dumps({"z": 0, "y": 1}) == app.json.dumps({"z": 0, "y": 1})


def test_client_and_test_request_context_use_app_config(app: kolba.Kolba) -> None:
    app.config.update(
        SERVER_NAME="example.com", APPLICATION_ROOT="/app", PREFERRED_URL_SCHEME="https"
    )

    @app.route("/where")
    def where() -> str:
        return request.url

    with app.test_request_context("/where"):
        assert request.url == "https://example.com/app/where"
        assert url_for("where") == "/app/where"
    assert app.test_client().get("/where").data == b"https://example.com/app/where"


@pytest.mark.kolba_only
def test_test_client_does_not_import_click() -> None:
    import subprocess
    import sys

    code = (
        "import sys, kolba\n"
        "app = kolba.Kolba('x')\n"
        "app.route('/')(lambda: 'hi')\n"
        "assert app.test_client().get('/').text == 'hi'\n"
        "print('click' in sys.modules)\n"
        "from kolba.testing import KolbaCliRunner, FlaskCliRunner\n"
        "assert KolbaCliRunner is FlaskCliRunner\n"
        "print(type(app.test_cli_runner()).__name__)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "KolbaCliRunner"]


# --- the Werkzeug internals session_transaction relies on ---------------------------------
# ``werkzeug.test.Client._add_cookies_to_wsgi`` and ``_update_cookies_from_response``
# are private (``:meta private:``).  These tests pin the behaviour Kolba uses, so a
# Werkzeug release that changes them fails here, not in users' tests.


def test_werkzeug_update_cookies_from_response_fills_the_jar() -> None:
    jar = Client(lambda environ, start_response: [])
    jar._update_cookies_from_response("localhost", "/", ["a=1; Path=/", "c=3; Path=/sub"])
    cookie = jar.get_cookie("a")
    assert cookie is not None and cookie.value == "1"
    sub = jar.get_cookie("c", path="/sub")
    assert sub is not None and sub.value == "3"


def test_werkzeug_add_cookies_to_wsgi_matches_host_and_path() -> None:
    jar = Client(lambda environ, start_response: [])
    jar.set_cookie("a", "1")
    jar.set_cookie("c", "3", path="/sub")
    jar.set_cookie("o", "9", domain="other.test")
    for path, header in (("/", "a=1"), ("/sub/page", "a=1; c=3")):
        environ = werkzeug_environ(path)
        jar._add_cookies_to_wsgi(environ)
        assert environ["HTTP_COOKIE"] == header
    elsewhere = werkzeug_environ("/", base_url="http://example.org/")
    jar._add_cookies_to_wsgi(elsewhere)
    assert "HTTP_COOKIE" not in elsewhere


def test_werkzeug_cookie_methods_do_nothing_without_cookies() -> None:
    jar = Client(lambda environ, start_response: [], use_cookies=False)
    jar._update_cookies_from_response("localhost", "/", ["a=1"])
    environ = werkzeug_environ("/")
    jar._add_cookies_to_wsgi(environ)
    assert "HTTP_COOKIE" not in environ


def werkzeug_environ(path: str, **kwargs: Any) -> dict[str, Any]:
    from werkzeug.test import EnvironBuilder as WerkzeugEnvironBuilder

    return WerkzeugEnvironBuilder(path=path, **kwargs).get_environ()


# --- the forms open() accepts ----------------------------------------------------------------


def test_open_with_environ_dict_and_request_use_client_defaults(
    echo_app: kolba.Kolba, client: Any
) -> None:
    from werkzeug.test import EnvironBuilder as WerkzeugEnvironBuilder
    from werkzeug.wrappers import Request as WerkzeugRequest

    client.environ_base["REMOTE_ADDR"] = "10.0.0.1"
    environ = WerkzeugEnvironBuilder(path="/echo", base_url="http://other.test/").get_environ()
    environ.pop("REMOTE_ADDR", None)
    from_dict = client.open(environ).get_json()
    assert from_dict["remote_addr"] == "10.0.0.1"
    assert from_dict["url"] == "http://other.test/echo"
    from_request = client.open(WerkzeugRequest(environ)).get_json()
    assert from_request["remote_addr"] == "10.0.0.1"
    own = WerkzeugEnvironBuilder(path="/echo", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert client.open(own).get_json()["remote_addr"] == "10.9.9.9"


def test_open_does_not_change_the_callers_arguments(echo_app: kolba.Kolba, client: Any) -> None:
    environ_base = {"REMOTE_ADDR": "10.0.0.2"}
    client.get("/echo", environ_base=environ_base)
    assert environ_base == {"REMOTE_ADDR": "10.0.0.2"}
    builder = EnvironBuilder(echo_app, "/echo")
    client.open(builder)
    assert builder.environ_base is None
