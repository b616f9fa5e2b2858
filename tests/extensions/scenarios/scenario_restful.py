"""Flask-RESTful: the seeds' ``HelloWorld`` plus a todo API with reqparse and errors."""

# The extensions ship no type hints, so their decorators are untyped.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import typing as t

from _harness import Report, choose_backend, header_summary

report = Report(choose_backend())

import flask  # noqa: E402
from flask import Blueprint, Flask, make_response, request  # noqa: E402
from flask.signals import got_request_exception  # noqa: E402
from flask_restful import Api, Resource, abort, fields, marshal_with, reqparse  # noqa: E402
from flask_restful.utils.cors import crossdomain  # noqa: E402

app = Flask(__name__)
app.config.update(PROPAGATE_EXCEPTIONS=False)



class Conflict(Exception):
    """An application error mapped through ``Api(errors=...)``."""


class Teapot(Exception):
    """An application error with a Flask ``errorhandler``."""


api = Api(app, errors={"Conflict": {"message": "already exists", "status": 409}})
exceptions: list[str] = []

TODOS: dict[str, dict[str, t.Any]] = {"todo1": {"task": "build an API"}}

# Flask-RESTful's default locations ("json", "values") read ``request.json``,
# which on Flask >= 2.3 answers a form post with 415; form posts need location="form".
json_parser = reqparse.RequestParser()
json_parser.add_argument("task", required=True, help="task is required")
json_parser.add_argument("priority", type=int, default=1)
form_parser = reqparse.RequestParser()
form_parser.add_argument("task", required=True, help="task is required", location="form")
form_parser.add_argument("priority", type=int, default=1, location="form")


class HelloWorld(Resource):  # type: ignore[misc]
    """The seeds' example, unchanged."""

    def get(self) -> t.Any:
        return {"message": "Hello, World!"}

    def post(self) -> t.Any:
        data = request.get_json()
        return {"message": "Data received", "data": data}, 201


class Todo(Resource):  # type: ignore[misc]
    """One todo: 404 through ``abort`` with a JSON message."""

    def get(self, todo_id: str) -> t.Any:
        if todo_id not in TODOS:
            abort(404, message=f"Todo {todo_id} doesn't exist")
        return TODOS[todo_id]

    def put(self, todo_id: str) -> t.Any:
        args = (json_parser if request.is_json else form_parser).parse_args()
        TODOS[todo_id] = {"task": args["task"], "priority": args["priority"]}
        return TODOS[todo_id], 201, {"X-Todo": todo_id}

    def delete(self, todo_id: str) -> t.Any:
        TODOS.pop(todo_id, None)
        return "", 204


class TodoList(Resource):  # type: ignore[misc]
    """The collection, marshalled."""

    @marshal_with({"id": fields.String, "task": fields.String, "uri": fields.Url("todo")})
    def get(self) -> t.Any:
        return [{"id": key, "todo_id": key, **value} for key, value in sorted(TODOS.items())]


class Broken(Resource):  # type: ignore[misc]
    """An unexpected error inside a resource."""

    def get(self) -> t.Any:
        return 1 // 0


api.add_resource(HelloWorld, "/api/hello")
api.add_resource(Todo, "/todos/<todo_id>")
api.add_resource(TodoList, "/todos")
api.add_resource(Broken, "/broken")


def require_token(func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """A ``method_decorators`` entry: 401 unless the header is present."""

    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if request.headers.get("X-Token") != "secret":
            abort(401, message="token required")
        return func(*args, **kwargs)

    return wrapper


class Secret(Resource):  # type: ignore[misc]
    """Guarded by ``method_decorators``."""

    method_decorators = [require_token]

    def get(self) -> t.Any:
        return {"secret": 42}


api.add_resource(Secret, "/secret")


class Failing(Resource):  # type: ignore[misc]
    """Application exceptions raised inside resources."""

    def get(self) -> t.Any:
        raise Conflict()

    def post(self) -> t.Any:
        raise Teapot()


api.add_resource(Failing, "/failing")


@app.errorhandler(Teapot)
def teapot(error: Teapot) -> t.Any:
    """A Flask error handler for an exception raised in a resource."""
    return {"teapot": True}, 418


class Shared(Resource):  # type: ignore[misc]
    """Flask-RESTful's own ``crossdomain`` decorator answers OPTIONS itself."""

    decorators = [crossdomain(origin="*", methods=["GET"])]

    def get(self) -> t.Any:
        return {"shared": True}


api.add_resource(Shared, "/shared")


@api.representation("text/csv")
def output_csv(data: t.Any, code: int, headers: t.Any = None) -> t.Any:
    """A second representation, chosen by the Accept header."""
    body = "\n".join(f"{key},{value}" for key, value in data.items())
    response = make_response(body, code)
    response.headers.extend(headers or {})
    response.headers["Content-Type"] = "text/csv"
    return response


# An Api bound to a blueprint with a prefix, registered after its resources.
bp = Blueprint("v2", __name__, url_prefix="/v2")
bp_api = Api(bp)
bp_api.add_resource(HelloWorld, "/hello", endpoint="hello2")
app.register_blueprint(bp)


@app.route("/plain")
def plain() -> t.Any:
    """A plain Flask route beside the API."""
    return "plain"


@got_request_exception.connect_via(app)
def on_exception(sender: t.Any, exception: BaseException, **extra: t.Any) -> None:
    """Flask-RESTful sends this itself for errors in its resources."""
    exceptions.append(type(exception).__name__)


client = app.test_client()


def answer(r: t.Any) -> list[t.Any]:
    """Status, mimetype and JSON body of a response."""
    return [r.status_code, r.mimetype, r.get_json(silent=True)]


@report.check("backend_module")
def _() -> t.Any:
    return flask.Flask.__module__.split(".")[0]


@report.check("seed_get")
def _() -> t.Any:
    return answer(client.get("/api/hello"))


@report.check("seed_post")
def _() -> t.Any:
    return answer(client.post("/api/hello", json={"a": 1}))


@report.check("get_todo")
def _() -> t.Any:
    return answer(client.get("/todos/todo1"))


@report.check("abort_404_json_message")
def _() -> t.Any:
    return answer(client.get("/todos/nope"))


@report.check("reqparse_form_put")
def _() -> t.Any:
    r = client.put("/todos/todo2", data={"task": "write tests", "priority": "3"})
    return answer(r) + [r.headers.get("X-Todo")]


@report.check("reqparse_json_put")
def _() -> t.Any:
    return answer(client.put("/todos/todo3", json={"task": "json task"}))


@report.check("reqparse_default_locations_form_post_415")
def _() -> t.Any:
    with app.test_request_context("/", method="POST", data={"task": "x"}):
        try:
            json_parser.parse_args()
        except Exception as exc:  # noqa: BLE001 - the type and code are the observation
            return [type(exc).__name__, getattr(exc, "code", None)]
    return "parsed"


@report.check("reqparse_missing_400")
def _() -> t.Any:
    return answer(client.put("/todos/todo4", data={}))


@report.check("reqparse_bad_type_400")
def _() -> t.Any:
    return answer(client.put("/todos/todo4", data={"task": "x", "priority": "high"}))


@report.check("delete_204")
def _() -> t.Any:
    r = client.delete("/todos/todo3")
    return [r.status_code, r.get_data(as_text=True)]


@report.check("marshal_with_url_field")
def _() -> t.Any:
    return answer(client.get("/todos"))


@report.check("method_not_allowed_json")
def _() -> t.Any:
    r = client.delete("/api/hello")
    return answer(r) + [sorted(r.headers.get("Allow", "").split(", "))]


@report.check("options_automatic")
def _() -> t.Any:
    r = client.options("/api/hello")
    return [r.status_code, sorted(r.headers.get("Allow", "").split(", "))]


@report.check("unknown_url_404")
def _() -> t.Any:
    r = client.get("/nowhere")
    return [r.status_code, r.mimetype]


@report.check("unexpected_error_500_json")
def _() -> t.Any:
    return answer(client.get("/broken"))


@report.check("got_request_exception_sent")
def _() -> t.Any:
    return list(exceptions)


@report.check("plain_route_untouched")
def _() -> t.Any:
    r = client.get("/plain")
    return [r.status_code, r.get_data(as_text=True)]


@report.check("api_url_for")
def _() -> t.Any:
    with app.test_request_context():
        return [api.url_for(Todo, todo_id="x"), flask.url_for("helloworld")]


@report.check("head_uses_get")
def _() -> t.Any:
    r = client.head("/api/hello")
    return [r.status_code, r.get_data(as_text=True), r.headers.get("Content-Type")]


@report.check("method_decorators_401")
def _() -> t.Any:
    denied = client.get("/secret")
    allowed = client.get("/secret", headers={"X-Token": "secret"})
    return [answer(denied), answer(allowed)]


@report.check("representation_by_accept")
def _() -> t.Any:
    r = client.get("/todos/todo1", headers={"Accept": "text/csv"})
    plain = client.get("/todos/todo1", headers={"Accept": "text/html"})
    return [r.status_code, r.mimetype, r.get_data(as_text=True), plain.mimetype]


@report.check("blueprint_api")
def _() -> t.Any:
    r = client.get("/v2/hello")
    with app.test_request_context():
        url = flask.url_for("v2.hello2")
    missing = client.get("/v2/nope")
    return answer(r) + [url, missing.status_code]


@report.check("errors_mapping_409")
def _() -> t.Any:
    return answer(client.get("/failing"))


@report.check("flask_errorhandler_in_resource")
def _() -> t.Any:
    return answer(client.post("/failing"))


@report.check("crossdomain_decorator")
def _() -> t.Any:
    got = client.get("/shared")
    opts = client.options("/shared")
    return [
        answer(got),
        got.headers.get("Access-Control-Allow-Origin"),
        opts.status_code,
        opts.headers.get("Access-Control-Allow-Methods"),
        sorted(opts.headers.get("Allow", "").split(", ")),
    ]


@report.check("response_headers")
def _() -> t.Any:
    return [header_summary(client.get("/api/hello")),
            header_summary(client.delete("/api/hello")),
            header_summary(client.get("/broken"))]


@report.check("catch_all_404s")
def _() -> t.Any:
    other = Flask("other")
    other_api = Api(other, catch_all_404s=True)
    other_api.add_resource(HelloWorld, "/hello")
    r = other.test_client().get("/hellp")
    return answer(r)


report.emit()
