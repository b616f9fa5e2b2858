"""Binding the URL map and building URLs: Flask's URL methods of the app."""

from __future__ import annotations

import sys
import typing as t
from urllib.parse import quote

from werkzeug.routing import BuildError

from .globals import _get_frame
from .plans import blueprint_scopes

if t.TYPE_CHECKING:
    from ._shape import AppShape
    from .app import Kolba
    from .routing import MapAdapter
    from .wrappers import Request

#: Characters an ``_anchor`` keeps unescaped (the fragment's own syntax).
_FRAGMENT_SAFE = "%!#$&'()*+,/:;=?@"

_NO_ADAPTER = (
    "Unable to build URLs outside an active request without 'SERVER_NAME'"
    " configured. Also configure 'APPLICATION_ROOT' and"
    " 'PREFERRED_URL_SCHEME' as needed."
)


class UrlBuilding:
    """``url_for`` and the adapter and hooks behind it."""

    def create_url_adapter(self: AppShape, request: Request | None) -> MapAdapter | None:
        """The URL map bound to a request, or to ``SERVER_NAME`` outside one.

        Outside a request, without ``SERVER_NAME``, there is nothing to bind
        to and the answer is None.
        """
        config = self.config
        if request is None:
            server_name = config["SERVER_NAME"]
            if server_name is None:
                return None
            return self.url_map.bind(
                server_name,
                script_name=config["APPLICATION_ROOT"],
                url_scheme=config["PREFERRED_URL_SCHEME"],
            )
        trusted = config["TRUSTED_HOSTS"]
        if trusted is not None:
            _check_trusted_host(request, trusted)
        if self.url_map.host_matching:
            return self.url_map.bind_to_environ(request.environ, server_name=None, subdomain=None)
        subdomain = None if self.subdomain_matching else (self.url_map.default_subdomain or "")
        return self.url_map.bind_to_environ(
            request.environ, server_name=config["SERVER_NAME"], subdomain=subdomain
        )

    def inject_url_defaults(self: AppShape, endpoint: str, values: dict[str, t.Any]) -> None:
        """Let the app's, then the endpoint's blueprints', ``url_defaults`` fill ``values``."""
        registered = self.url_default_functions
        for scope in (None, *reversed(blueprint_scopes(endpoint))):
            if scope in registered:
                for fill in registered[scope]:
                    fill(endpoint, values)

    def handle_url_build_error(
        self: AppShape, error: BuildError, endpoint: str, values: dict[str, t.Any]
    ) -> str:
        """Ask each ``url_build_error_handlers`` entry for a URL, else raise.

        A handler may return a URL, return None to pass, or raise a new
        ``BuildError`` that replaces the one given to the next handler.
        """
        for handler in self.url_build_error_handlers:
            try:
                url = handler(error, endpoint, values)
            except BuildError as replaced:
                error = replaced
                continue
            if url is not None:
                return url
        if sys.exc_info()[1] is error:
            raise  # noqa: PLE0704 - keep the traceback of the build attempt
        raise error

    def url_for(
        self: AppShape, /, endpoint: str, *, _anchor: str | None = None,
        _method: str | None = None, _scheme: str | None = None, _external: bool | None = None,
        **values: t.Any,
    ) -> str:
        """Build the URL of ``endpoint``; see :func:`kolba.url_for`."""
        frame = _get_frame(None)
        request_ctx = None if frame is None else frame[1]
        if request_ctx is not None:
            adapter = request_ctx.url_adapter
            if endpoint[:1] == ".":
                endpoint = _relative_endpoint(endpoint, request_ctx._matched_endpoint())
            external = _scheme is not None if _external is None else _external
        else:
            adapter = self.create_url_adapter(None) if frame is None else frame[0].url_adapter
            if adapter is None:
                raise RuntimeError(_NO_ADAPTER)
            external = True if _external is None else _external
        if _scheme is not None and not external:
            raise ValueError("When specifying '_scheme', '_external' must be True.")
        self.inject_url_defaults(endpoint, values)
        try:
            url: str = adapter.build(  # type: ignore[union-attr]
                endpoint, values, method=_method, url_scheme=_scheme, force_external=external
            )
        except BuildError as error:
            values["_anchor"], values["_method"] = _anchor, _method
            values["_scheme"], values["_external"] = _scheme, external
            return self.handle_url_build_error(error, endpoint, values)
        if _anchor is None:
            return url
        return f"{url}#{quote(_anchor, safe=_FRAGMENT_SAFE)}"


def _relative_endpoint(endpoint: str, current: str | None) -> str:
    """``.name`` resolved against the current request's blueprint."""
    blueprint = None if current is None else current.rpartition(".")[0]
    if blueprint:
        return blueprint + endpoint
    return endpoint[1:]


def _check_trusted_host(request: Request, trusted: list[str]) -> None:
    """Refuse a Host outside ``TRUSTED_HOSTS`` (Werkzeug raises the 400)."""
    from werkzeug.sansio.utils import get_host

    request.trusted_hosts = trusted
    request.host = get_host(
        request.scheme, request.headers.get("host"), request.server, trusted
    )
