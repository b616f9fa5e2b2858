"""Flask-Caching: simple and filesystem caches, ``@cache.cached``, ``memoize``."""

# The extensions ship no type hints, so their decorators are untyped.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import typing as t

from _harness import Report, choose_backend, header_summary, scratch_folder

report = Report(choose_backend())

import flask  # noqa: E402
from flask import Blueprint, Flask, jsonify, render_template_string, request  # noqa: E402
from flask_caching import Cache  # noqa: E402

CACHE_DIR = scratch_folder("kolba-caching-")

calls: dict[str, int] = {}


def counted(name: str) -> int:
    """Count how often a body really ran; a cache hit does not reach it."""
    calls[name] = calls.get(name, 0) + 1
    return calls[name]


def create_app(cache_type: str) -> tuple[Flask, Cache]:
    """The same small catalogue app over one cache backend."""
    app = Flask(__name__)
    app.config.update(CACHE_TYPE=cache_type, CACHE_DEFAULT_TIMEOUT=300, CACHE_DIR=CACHE_DIR)
    cache = Cache(app)
    prefix = cache_type.lower()

    @app.route("/products")
    @cache.cached(timeout=60)
    def products() -> t.Any:
        return jsonify(run=counted(f"{prefix}:products"), products=["tea", "coffee"])

    @app.route("/search")
    @cache.cached(query_string=True)
    def search() -> t.Any:
        return f"{request.args.get('q')} #{counted(prefix + ':search')}"

    @app.route("/page/<name>")
    @cache.cached()
    def page(name: str) -> t.Any:
        return render_template_string(
            "<h1>{{ name }}</h1> #{{ n }}", name=name, n=counted(f"{prefix}:page:{name}")
        )

    @app.route("/fresh")
    @cache.cached(unless=lambda: request.args.get("nocache") == "1")
    def fresh() -> t.Any:
        return str(counted(f"{prefix}:fresh"))

    @app.route("/post-only", methods=["GET", "POST"])
    @cache.cached()
    def post_only() -> t.Any:
        return f"{request.method} {counted(prefix + ':post')}"

    @app.route("/teapot")
    @cache.cached()
    def teapot() -> t.Any:
        return f"short and stout {counted(prefix + ':teapot')}", 418

    @cache.memoize(timeout=60)
    def price(item: str, currency: str = "EUR") -> str:
        return f"{item}:{currency}:{counted(f'{prefix}:price:{item}:{currency}')}"

    @app.route("/price/<item>")
    def price_view(item: str) -> t.Any:
        return price(item, request.args.get("currency", "EUR"))

    @app.route("/forget/<item>")
    def forget(item: str) -> t.Any:
        cache.delete_memoized(price, item)
        return "forgotten"

    @app.route("/clear")
    def clear() -> t.Any:
        cache.delete("view//products")
        return "cleared"

    @app.route("/template-cache")
    def template_cache() -> t.Any:
        return render_template_string(
            "{% cache 60, 'sidebar' %}sidebar #{{ n() }}{% endcache %}",
            n=lambda: counted(f"{prefix}:sidebar"),
        )

    shop = Blueprint("shop", __name__, url_prefix="/shop")

    @shop.route("/offer")
    @cache.cached(key_prefix="shop-offer")
    def offer() -> t.Any:
        return f"offer {counted(prefix + ':offer')}"

    app.register_blueprint(shop)
    return app, cache


def run_twice(client: t.Any, path: str, **kwargs: t.Any) -> list[t.Any]:
    """Status and body of two identical requests; a hit repeats the first body."""
    out = []
    for _ in range(2):
        r = client.get(path, **kwargs)
        out.append([r.status_code, r.get_data(as_text=True)])
    return out


@report.check("backend_module")
def _() -> t.Any:
    return flask.Flask.__module__.split(".")[0]


for CACHE_TYPE in ("SimpleCache", "FileSystemCache"):
    app, cache = create_app(CACHE_TYPE)
    client = app.test_client()
    name = "simple" if CACHE_TYPE == "SimpleCache" else "filesystem"

    @report.check(f"{name}_cached_view")
    def _() -> t.Any:
        first, second = client.get("/products"), client.get("/products")
        return [first.get_json(), second.get_json(), header_summary(second)]

    @report.check(f"{name}_query_string_keys")
    def _() -> t.Any:
        return [run_twice(client, "/search?q=tea"), run_twice(client, "/search?q=mate")]

    @report.check(f"{name}_template_view")
    def _() -> t.Any:
        return run_twice(client, "/page/about") + run_twice(client, "/page/contact")

    @report.check(f"{name}_unless")
    def _() -> t.Any:
        return [run_twice(client, "/fresh?nocache=1"), run_twice(client, "/fresh")]

    @report.check(f"{name}_post_answered_from_get_cache")
    def _() -> t.Any:
        client.get("/post-only")
        return [client.post("/post-only").get_data(as_text=True),
                client.post("/post-only").get_data(as_text=True),
                client.get("/post-only").get_data(as_text=True)]

    @report.check(f"{name}_error_status_cached_too")
    def _() -> t.Any:
        return run_twice(client, "/teapot")

    @report.check(f"{name}_memoize")
    def _() -> t.Any:
        return [run_twice(client, "/price/tea"), run_twice(client, "/price/tea?currency=USD"),
                client.get("/forget/tea").get_data(as_text=True), run_twice(client, "/price/tea")]

    @report.check(f"{name}_delete_key")
    def _() -> t.Any:
        client.get("/clear")
        return client.get("/products").get_json()["run"]

    @report.check(f"{name}_jinja_cache_tag")
    def _() -> t.Any:
        return run_twice(client, "/template-cache")

    @report.check(f"{name}_blueprint_key_prefix")
    def _() -> t.Any:
        with app.app_context():
            before = cache.get("shop-offer")
        pages = run_twice(client, "/shop/offer")
        with app.app_context():
            stored = cache.get("shop-offer")
        return [before, pages, stored is not None]

    @report.check(f"{name}_direct_api_in_app_context")
    def _() -> t.Any:
        with app.app_context():
            cache.set("k", {"a": 1})
            cache.add("k", "ignored")
            got = cache.get("k")
            many = cache.get_many("k", "missing")
            cache.cache.inc("counter")
            cache.cache.inc("counter")
            return [got, many, cache.get("counter"), cache.has("k"), flask.current_app.name]


report.emit()
