"""Types for what an application's functions return and accept.

The names are Flask's (``kolba.typing.ResponseReturnValue`` is
``flask.typing.ResponseReturnValue``), so annotations written for Flask keep
working.  They are built here from a few small pieces:

* a *body* is what may become a response on its own (text, bytes, data for
  JSON, a stream, or a response object);
* a *return value* is a body alone or in a tuple with a status and/or
  headers, or a WSGI application;
* every registered function may be ``async def``: its result may be awaited.

The ``T_*`` type variables are bound to the callable types.  A decorator that
takes and returns ``T_route`` (for example) refuses functions of the wrong
shape under ``mypy --strict`` and gives back the function's own type, so the
decorated function can still be called with its real signature::

    def route(rule: str) -> Callable[[T_route], T_route]: ...
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:  # pragma: no cover - names used only in annotations
    from _typeshed.wsgi import WSGIApplication
    from werkzeug.datastructures import Headers
    from werkzeug.sansio.response import Response

_R = t.TypeVar("_R")

#: ``_R``, or something that gives ``_R`` when awaited: the result of a
#: registered function that may be ``async def``.
_SyncOrAwaited = t.Union[_R, t.Awaitable[_R]]

# -- bodies ------------------------------------------------------------------

#: Text or bytes, sent as they are.
_Plain = t.Union[str, bytes]
#: Data sent as JSON (any mapping is accepted so a ``TypedDict`` fits).
_JSONData = t.Union[t.List[t.Any], t.Mapping[str, t.Any]]
#: A streamed body, produced piece by piece.
_Streamed = t.Union[
    t.Iterator[str], t.Iterator[bytes], t.AsyncIterable[str], t.AsyncIterable[bytes]
]

#: A body that becomes a response by itself, or a response object.
ResponseValue = t.Union["Response", _Plain, _JSONData, _Streamed]

# -- headers -----------------------------------------------------------------

#: The value of one header: a string, or several strings for repeated headers.
HeaderValue = t.Union[str, t.List[str], t.Tuple[str, ...]]

#: Headers given alongside a body: a ``Headers`` object, a mapping, or pairs.
HeadersValue = t.Union[
    "Headers", t.Mapping[str, HeaderValue], t.Sequence[t.Tuple[str, HeaderValue]]
]

# -- what views and handlers return -------------------------------------------

_BodyStatus = t.Tuple[ResponseValue, int]
_BodyHeaders = t.Tuple[ResponseValue, HeadersValue]
_BodyStatusHeaders = t.Tuple[ResponseValue, int, HeadersValue]

#: Anything a view, a ``before_request`` hook or an error handler may return.
ResponseReturnValue = t.Union[
    ResponseValue, _BodyStatus, _BodyHeaders, _BodyStatusHeaders, "WSGIApplication"
]

#: The response class an ``after_request`` function receives and returns.
ResponseClass = t.TypeVar("ResponseClass", bound="Response")

#: The key of app-wide (``None``) or blueprint-wide (its name) registrations.
AppOrBlueprintKey = t.Optional[str]

# -- registered functions ------------------------------------------------------

#: A view function: URL variables in, a return value (or awaitable) out.
RouteCallable = t.Callable[..., _SyncOrAwaited[ResponseReturnValue]]

#: ``errorhandler``: gets the exception, returns what a view would.
ErrorHandlerCallable = t.Callable[[t.Any], _SyncOrAwaited[ResponseReturnValue]]

#: ``before_request``: returns ``None`` to go on, or a value that ends the request.
BeforeRequestCallable = t.Callable[[], _SyncOrAwaited[t.Optional[ResponseReturnValue]]]

#: ``after_request``: gets the response, returns it (or a replacement).
AfterRequestCallable = t.Callable[[ResponseClass], _SyncOrAwaited[ResponseClass]]

#: Kept for code written against Flask 2.2; nothing in Kolba registers these.
BeforeFirstRequestCallable = t.Callable[[], _SyncOrAwaited[None]]

#: ``teardown_request`` / ``teardown_appcontext``: gets the unhandled error, if any.
TeardownCallable = t.Callable[[t.Optional[BaseException]], _SyncOrAwaited[None]]

#: ``url_defaults``: fills values in before a URL is built.
URLDefaultCallable = t.Callable[[str, t.Dict[str, t.Any]], None]

#: ``url_value_preprocessor``: reads or pops values after a URL is matched.
URLValuePreprocessorCallable = t.Callable[
    [t.Optional[str], t.Optional[t.Dict[str, t.Any]]], None
]

#: ``context_processor``: names to add to every template's context.
TemplateContextProcessorCallable = t.Callable[[], _SyncOrAwaited[t.Dict[str, t.Any]]]

#: ``template_filter``: any callable; Jinja passes the filtered value first.
TemplateFilterCallable = t.Callable[..., t.Any]

#: ``template_global``: any callable made available to templates.
TemplateGlobalCallable = t.Callable[..., t.Any]

#: ``template_test``: a callable answering yes or no.
TemplateTestCallable = t.Callable[..., bool]

#: ``shell_context_processor``: names to add to ``kolba shell``.
ShellContextProcessorCallable = t.Callable[[], t.Dict[str, t.Any]]

# -- type variables for decorators ----------------------------------------------
# A decorator ``def deco(f: T_x) -> T_x`` accepts only functions of the bound's
# shape and returns the function with its own, more precise type.

#: What ``route`` and its one-method shortcuts (``get``, ``post``, ...) accept.
T_route = t.TypeVar("T_route", bound=RouteCallable)
#: What ``errorhandler`` (and a blueprint's ``app_errorhandler``) accepts.
T_error_handler = t.TypeVar("T_error_handler", bound=ErrorHandlerCallable)
#: What ``before_request`` (and ``before_app_request``) accepts.
T_before_request = t.TypeVar("T_before_request", bound=BeforeRequestCallable)
#: What ``after_request`` (and ``after_app_request``) accepts.
T_after_request = t.TypeVar("T_after_request", bound=AfterRequestCallable[t.Any])
#: What ``teardown_request``, ``teardown_appcontext`` and ``teardown_app_request`` accept.
T_teardown = t.TypeVar("T_teardown", bound=TeardownCallable)
#: What ``url_defaults`` accepts.
T_url_defaults = t.TypeVar("T_url_defaults", bound=URLDefaultCallable)
#: What ``url_value_preprocessor`` accepts.
T_url_value_preprocessor = t.TypeVar(
    "T_url_value_preprocessor", bound=URLValuePreprocessorCallable
)
#: What ``context_processor`` accepts.
T_template_context_processor = t.TypeVar(
    "T_template_context_processor", bound=TemplateContextProcessorCallable
)
#: What ``template_filter`` accepts.
T_template_filter = t.TypeVar("T_template_filter", bound=TemplateFilterCallable)
#: What ``template_global`` accepts.
T_template_global = t.TypeVar("T_template_global", bound=TemplateGlobalCallable)
#: What ``template_test`` accepts.
T_template_test = t.TypeVar("T_template_test", bound=TemplateTestCallable)
#: What ``shell_context_processor`` accepts.
T_shell_context_processor = t.TypeVar(
    "T_shell_context_processor", bound=ShellContextProcessorCallable
)
