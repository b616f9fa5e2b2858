"""The members of the app that its mixins use, as a protocol for type checking.

:class:`~kolba.Kolba` is assembled from mixins (:mod:`kolba.dispatch`,
:mod:`kolba.errors`, :mod:`kolba.urls`, :mod:`kolba.wsgi`) that call each
other's methods through ``self``.  Each mixin method annotates ``self`` with
:class:`AppShape`, which names what it may rely on; mypy checks that
``Kolba`` provides all of it.  Nothing here runs.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from werkzeug.exceptions import HTTPException
    from werkzeug.routing import BuildError

    from .config import Config
    from .core import Core
    from .json.provider import JSONProvider
    from .routing import Map, MapAdapter
    from .sessions import SessionInterface
    from .wrappers import Request, Response

_Hooks = dict[t.Optional[str], list[t.Any]]


class AppShape(t.Protocol):
    """What the app's mixins may use of the app."""

    _core: Core
    _got_first_request: bool
    _path_only_routing: bool
    config: Config
    error_handler_spec: dict[t.Optional[str], dict[t.Optional[int], dict[type[BaseException], t.Any]]]
    view_functions: dict[str, t.Any]
    url_map: Map
    subdomain_matching: bool
    url_build_error_handlers: list[t.Callable[[Exception, str, dict[str, t.Any]], str]]
    url_default_functions: _Hooks
    url_value_preprocessors: _Hooks
    before_request_funcs: _Hooks
    after_request_funcs: _Hooks
    teardown_request_funcs: _Hooks
    teardown_appcontext_funcs: list[t.Any]
    response_class: type[Response]
    json: JSONProvider

    @property
    def debug(self) -> bool: ...
    @property
    def testing(self) -> bool: ...
    @property
    def logger(self) -> t.Any: ...
    @property
    def session_interface(self) -> SessionInterface: ...

    def ensure_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]: ...
    def create_url_adapter(self, request: Request | None) -> MapAdapter | None: ...
    def inject_url_defaults(self, endpoint: str, values: dict[str, t.Any]) -> None: ...
    def handle_url_build_error(
        self, error: BuildError, endpoint: str, values: dict[str, t.Any]
    ) -> str: ...
    def preprocess_request(self) -> t.Any: ...
    def dispatch_request(self) -> t.Any: ...
    def raise_routing_exception(self, request: Request) -> t.NoReturn: ...
    def make_default_options_response(self) -> Response: ...
    def make_response(self, rv: t.Any) -> Response: ...
    def process_response(self, response: Response) -> Response: ...
    def finalize_request(self, rv: t.Any, from_error_handler: bool = False) -> Response: ...
    def _find_error_handler(
        self, e: Exception, blueprints: t.Sequence[str]
    ) -> t.Callable[[t.Any], t.Any] | None: ...
    def trap_http_exception(self, e: Exception) -> bool: ...
    def handle_http_exception(self, e: HTTPException) -> t.Any: ...
    def handle_user_exception(self, e: Exception) -> t.Any: ...
    def log_exception(self, exc_info: t.Any) -> None: ...
    def _log_finalize_failure(self) -> None: ...
    def _answer_or_handled_error(self) -> t.Any: ...
    def _processed_and_announced(self, response: Response) -> Response: ...
    def wsgi_app(self, environ: t.Any, start_response: t.Any) -> t.Iterable[bytes]: ...
