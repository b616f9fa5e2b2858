"""Testing support: a client that calls the app directly, and a CLI runner.

Werkzeug's test client does the HTTP work; Kolba adds what Flask users
expect on top: app-aware environ defaults, ``session_transaction``, JSON
through the app's provider, and the request context kept alive inside
``with client:``.
"""

from __future__ import annotations

import typing as t
from contextlib import ExitStack, contextmanager
from copy import copy
from urllib.parse import urlsplit

import werkzeug.test
from werkzeug.test import Client
from werkzeug.wrappers import Request as BaseRequest

if t.TYPE_CHECKING:
    from types import TracebackType

    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.test import TestResponse

    from .app import Kolba
    from .sessions import SessionMixin


def _werkzeug_version() -> str:
    from importlib.metadata import version

    return version("werkzeug")


class EnvironBuilder(werkzeug.test.EnvironBuilder):
    """An environ builder whose defaults come from the app's config.

    The host is ``SERVER_NAME`` (or ``localhost``), the scheme
    ``PREFERRED_URL_SCHEME`` and the script root ``APPLICATION_ROOT``.
    """

    def __init__(
        self,
        app: Kolba,
        path: str = "/",
        base_url: str | None = None,
        subdomain: str | None = None,
        url_scheme: str | None = None,
        *args: t.Any,
        **kwargs: t.Any,
    ) -> None:
        assert not (base_url or subdomain or url_scheme) or (base_url is not None) != bool(
            subdomain or url_scheme
        ), 'Cannot pass "subdomain" or "url_scheme" with "base_url".'
        if base_url is None:
            host = app.config.get("SERVER_NAME") or "localhost"
            if subdomain:
                host = f"{subdomain}.{host}"
            if url_scheme is None:
                url_scheme = app.config["PREFERRED_URL_SCHEME"]
            parts = urlsplit(path)
            app_root = app.config["APPLICATION_ROOT"].lstrip("/")
            base_url = f"{parts.scheme or url_scheme}://{parts.netloc or host}/{app_root}"
            path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.app = app
        super().__init__(path, base_url, *args, **kwargs)

    def json_dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Serialise a ``json=`` body with the app's JSON provider."""
        return self.app.json.dumps(obj, **kwargs)


class KolbaClient(Client):
    """The client ``app.test_client()`` returns."""

    application: Kolba

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.preserve_context = False
        self._new_contexts: list[t.ContextManager[t.Any]] = []
        self._context_stack = ExitStack()
        self.environ_base = {
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": f"Werkzeug/{_werkzeug_version()}",
        }

    @contextmanager
    def session_transaction(self, *args: t.Any, **kwargs: t.Any) -> t.Iterator[SessionMixin]:
        """Open the client's session to read or change it between requests."""
        if self._cookies is None:
            raise TypeError("Cookies are disabled. Create a client with 'use_cookies=True'.")
        app = self.application
        ctx = app.test_request_context(*args, **kwargs)
        self._add_cookies_to_wsgi(ctx.request.environ)
        interface = app.session_interface
        with ctx:
            sess = interface.open_session(app, ctx.request)
        if sess is None:
            raise RuntimeError("Session backend did not open a session.")
        yield sess
        if interface.is_null_session(sess):
            return
        resp = app.response_class()
        with ctx:
            interface.save_session(app, sess, resp)
        self._update_cookies_from_response(
            ctx.request.host.partition(":")[0],
            ctx.request.path,
            resp.headers.getlist("Set-Cookie"),
        )

    def _copy_environ(self, other: WSGIEnvironment) -> WSGIEnvironment:
        out = {**self.environ_base, **other}
        if self.preserve_context:
            out["werkzeug.debug.preserve_context"] = self._new_contexts.append
        return out

    def _request_from_builder_args(
        self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
    ) -> BaseRequest:
        kwargs["environ_base"] = self._copy_environ(kwargs.get("environ_base", {}))
        builder = EnvironBuilder(self.application, *args, **kwargs)
        try:
            return builder.get_request()
        finally:
            builder.close()

    def open(
        self,
        *args: t.Any,
        buffered: bool = False,
        follow_redirects: bool = False,
        **kwargs: t.Any,
    ) -> TestResponse:
        """Send a request to the app; arguments are ``EnvironBuilder``'s."""
        first = args[0] if args else None
        if isinstance(first, werkzeug.test.EnvironBuilder):
            builder = copy(first)
            builder.environ_base = self._copy_environ(builder.environ_base or {})  # type: ignore[arg-type]
            request = builder.get_request()
        elif isinstance(first, dict):
            request = EnvironBuilder.from_environ(
                first, app=self.application, environ_base=self._copy_environ({})
            ).get_request()
        elif isinstance(first, BaseRequest):
            request = copy(first)
            request.environ = self._copy_environ(request.environ)
        else:
            request = self._request_from_builder_args(args, kwargs)
        # A new request ends the contexts kept from the previous one.
        self._context_stack.close()
        response = super().open(request, buffered=buffered, follow_redirects=follow_redirects)
        response.json_module = self.application.json  # type: ignore[assignment]
        while self._new_contexts:
            self._context_stack.enter_context(self._new_contexts.pop())
        return response

    def __enter__(self) -> KolbaClient:
        if self.preserve_context:
            raise RuntimeError("Cannot nest client invocations")
        self.preserve_context = True
        return self

    def __exit__(
        self,
        exc_type: type | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.preserve_context = False
        self._context_stack.close()


def __getattr__(name: str) -> t.Any:
    """``KolbaCliRunner`` (also as ``FlaskCliRunner``), importing Click only when asked.

    The test client does not need Click; the CLI runner, built on
    ``click.testing``, lives in its own module.
    """
    if name in ("KolbaCliRunner", "FlaskCliRunner"):
        from ._cli_runner import KolbaCliRunner

        globals()[name] = KolbaCliRunner
        return KolbaCliRunner
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
