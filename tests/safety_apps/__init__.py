"""A realistic application for the malformed-input tests in ``test_safety``.

It reads every part of the request a typical app reads (converters, query,
form, files, JSON, cookies, headers, session, static and downloaded files)
and registers before/after hooks but no error handlers, so whatever status
a bad request gets comes from the framework itself.
"""

from __future__ import annotations

import os
import typing as t

if t.TYPE_CHECKING:
    import kolba

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, "files")
#: Served by no route; a traversal that reaches it is a leak.
SECRET_TEXT = b"secret\n"


def build_app(**config: t.Any) -> kolba.Kolba:
    """Create the application; ``config`` overrides its settings."""
    import kolba
    from kolba import request, session

    app = kolba.Kolba("safety_app", root_path=HERE, static_folder="static")
    app.config.update(TESTING=True, SECRET_KEY="safety secret key")
    app.config.update(config)

    @app.before_request
    def touch_request() -> None:
        # A hook that reads the request, as logging or auth hooks do.
        kolba.g.seen = (request.method, request.path, request.endpoint)

    @app.after_request
    def stamp(response: t.Any) -> t.Any:
        response.headers["X-Safety"] = "1"
        return response

    _add_converter_routes(app)
    _add_input_routes(app, request)
    _add_session_routes(app, session)

    @app.route("/pid")
    def pid() -> dict[str, t.Any]:
        # Which worker answered: the bad-input suite checks it never changes.
        return {"pid": os.getpid()}

    @app.route("/remember")
    def remember() -> t.Any:
        # A user value put into a response header (a cookie), as "remember
        # my choice" features do.
        response = kolba.make_response("remembered")
        response.set_cookie("choice", request.args.get("v", ""))
        return response

    @app.route("/download/<path:name>")
    def download(name: str) -> t.Any:
        return kolba.send_from_directory(FILES, name)

    return app


def _add_converter_routes(app: kolba.Kolba) -> None:
    """One route per converter, each echoing what it received."""

    @app.route("/")
    def index() -> str:
        return "index"

    @app.route("/item/<int:item_id>")
    def item(item_id: int) -> dict[str, t.Any]:
        return {"item": item_id % 1000}

    @app.route("/signed/<int(signed=True):n>")
    def signed(n: int) -> dict[str, t.Any]:
        return {"n": n}

    @app.route("/bounded/<int(min=1, max=99):n>")
    def bounded(n: int) -> dict[str, t.Any]:
        return {"n": n}

    @app.route("/price/<float:value>")
    def price(value: float) -> dict[str, t.Any]:
        return {"price": value}

    @app.route("/thing/<uuid:uid>")
    def thing(uid: t.Any) -> dict[str, t.Any]:
        return {"uid": str(uid)}

    @app.route("/name/<name>")
    def name(name: str) -> dict[str, t.Any]:
        return {"name": name}

    @app.route("/code/<string(length=3):code>")
    def code(code: str) -> dict[str, t.Any]:
        return {"code": code}

    @app.route("/kind/<any(book, film):kind>")
    def kind(kind: str) -> dict[str, t.Any]:
        return {"kind": kind}

    @app.route("/wiki/<path:page>")
    def wiki(page: str) -> dict[str, t.Any]:
        return {"page": page}

    @app.route("/folder/")
    def folder() -> str:
        return "folder"

    @app.route("/next")
    def next_page() -> t.Any:
        # The "redirect back to where you were" pattern, with a user value.
        from kolba import redirect, request

        return redirect(request.args.get("to", "/"))

    @app.route("/post-only", methods=["POST"])
    def post_only() -> str:
        return "posted"


def _add_input_routes(app: kolba.Kolba, request: t.Any) -> None:
    """Views that read the query, body, cookies and headers."""

    @app.route("/args")
    def args() -> dict[str, t.Any]:
        return {"args": request.args.to_dict(flat=False)}

    @app.route("/arg")
    def arg() -> dict[str, t.Any]:
        # ``args["q"]`` raises BadRequestKeyError (400) when q is missing.
        return {"q": request.args["q"], "n": request.args.get("n", type=int)}

    @app.route("/form", methods=["POST", "PUT"])
    def form() -> dict[str, t.Any]:
        files = {k: len(f.read()) for k, f in request.files.items()}
        return {"form": request.form.to_dict(flat=False), "files": files}

    @app.route("/field", methods=["POST"])
    def field() -> dict[str, t.Any]:
        return {"name": request.form["name"]}

    @app.route("/upload", methods=["POST"])
    def upload() -> dict[str, t.Any]:
        f = request.files["file"]
        return {"filename": f.filename, "size": len(f.read())}

    @app.route("/data", methods=["POST", "PUT"])
    def data() -> dict[str, t.Any]:
        return {"size": len(request.get_data())}

    @app.route("/stream", methods=["POST"])
    def stream() -> dict[str, t.Any]:
        return {"size": len(request.stream.read())}

    @app.route("/json", methods=["POST"])
    def json_view() -> dict[str, t.Any]:
        payload = request.get_json()
        return {"type": type(payload).__name__}

    @app.route("/json-object", methods=["POST"])
    def json_object() -> dict[str, t.Any]:
        payload = request.json
        if not isinstance(payload, dict):
            kolba_abort(400)
        return {"keys": sorted(payload)}

    @app.route("/json-silent", methods=["POST"])
    def json_silent() -> dict[str, t.Any]:
        return {"payload": request.get_json(silent=True)}

    @app.route("/json-force", methods=["POST"])
    def json_force() -> dict[str, t.Any]:
        return {"type": type(request.get_json(force=True)).__name__}

    @app.route("/cookies")
    def cookies() -> dict[str, t.Any]:
        return {"cookies": dict(request.cookies)}

    @app.route("/headers")
    def headers() -> dict[str, t.Any]:
        return _describe_headers(request)

    @app.route("/url")
    def url() -> dict[str, t.Any]:
        return {
            "url": request.url,
            "host": request.host,
            "host_url": request.host_url,
            "path": request.path,
            "full_path": request.full_path,
        }


def _describe_headers(request: t.Any) -> dict[str, t.Any]:
    """Read every parsed header property Werkzeug offers."""
    auth = request.authorization
    return {
        "auth": None if auth is None else auth.type,
        "accept": request.accept_mimetypes.best,
        "json_ok": request.accept_mimetypes.accept_json,
        "lang": request.accept_languages.best,
        "charset": request.accept_charsets.best,
        "encoding": request.accept_encodings.best,
        "ims": str(request.if_modified_since),
        "ius": str(request.if_unmodified_since),
        "inm": request.if_none_match.to_header(),
        "im": request.if_match.to_header(),
        "if_range": request.if_range.to_header(),
        "range": None if request.range is None else request.range.to_header(),
        "cache": request.cache_control.to_header(),
        "pragma": request.pragma.to_header(),
        "date": str(request.date),
        "ua": request.user_agent.string,
        "content_length": request.content_length,
        "mimetype": request.mimetype,
        "params": request.mimetype_params,
        "route": list(request.access_route),
        "origin": request.origin,
        "referrer": request.referrer,
        "max_forwards": request.max_forwards,
        "content_md5": request.content_md5,
        "secure": request.is_secure,
    }


def kolba_abort(code: int) -> t.NoReturn:
    """``abort`` through whatever module ``kolba`` is in this run."""
    import kolba

    kolba.abort(code)
    raise AssertionError("abort returned")  # pragma: no cover


def _add_session_routes(app: kolba.Kolba, session: t.Any) -> None:
    """Read and write the signed cookie session."""

    @app.route("/session/set/<value>")
    def session_set(value: str) -> str:
        session["value"] = value
        return "set"

    @app.route("/session/get")
    def session_get() -> dict[str, t.Any]:
        return {"value": session.get("value"), "keys": sorted(session.keys())}
