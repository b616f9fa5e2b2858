"""The functions a view calls: URLs, redirects, aborting, responses, flashing, files.

Each one works on the current application and request.  Those are found
through the context variable :data:`kolba.globals._cv_frame`; outside a
context the functions that need one raise the usual "Working outside of
... context" error.
"""

from __future__ import annotations

import os
import sys
import typing as t
from functools import update_wrapper

from werkzeug.exceptions import abort as _werkzeug_abort
from werkzeug.utils import redirect as _werkzeug_redirect

from .globals import _get_frame, current_app, request, session

if t.TYPE_CHECKING:  # pragma: no cover
    from werkzeug.wrappers import Response as BaseResponse

    from .app import Kolba
    from .ctx import RequestContext
    from .wrappers import Response

_Chunks = t.TypeVar("_Chunks", bound=t.Iterator[t.Any])


def get_debug_flag() -> bool:
    """Debug mode as set by ``KOLBA_DEBUG`` (``FLASK_DEBUG`` too, under the Flask alias)."""
    from ._env_names import get_debug_flag as read_flag

    return read_flag()


def get_load_dotenv(default: bool = True) -> bool:
    """Whether to load env files; ``KOLBA_SKIP_DOTENV`` (or ``FLASK_SKIP_DOTENV``) says no."""
    from ._env_names import get_load_dotenv as read_flag

    return read_flag(default)


def _active_app() -> Kolba | None:
    """The application of the current context, or ``None`` outside one."""
    frame = _get_frame(None)
    return None if frame is None else frame[0].app


def _active_request_ctx() -> RequestContext:
    """The current request context; outside one, the standard ``RuntimeError``."""
    frame = _get_frame(None)
    if frame is None or frame[1] is None:
        request.environ  # noqa: B018 - with no request, the proxy raises the usual error
        raise RuntimeError("Working outside of request context.")  # pragma: no cover
    return frame[1]


# -- URLs, redirects and errors ---------------------------------------------------


def url_for(
    endpoint: str, *, _anchor: str | None = None, _method: str | None = None,
    _scheme: str | None = None, _external: bool | None = None, **values: t.Any,
) -> str:
    """Build the URL of ``endpoint``; see :meth:`Kolba.url_for`.

    Values that are not URL variables go to the query string, an endpoint
    starting with ``.`` is looked up in the current blueprint, and outside
    a request ``SERVER_NAME`` must be set to build a URL.
    """
    return current_app.url_for(
        endpoint, _external=_external, _scheme=_scheme, _method=_method, _anchor=_anchor, **values
    )


def redirect(
    location: str, code: int = 302, Response: type[BaseResponse] | None = None
) -> BaseResponse:
    """Return a response that redirects the client to ``location``.

    Inside an application context the app builds it (``app.redirect``), so
    it is of the app's response class; otherwise Werkzeug's, of
    ``Response`` if given.  Control characters in ``location`` (a user's
    "next" URL may carry a CR or LF) are percent-encoded, as a browser
    would, rather than refused with a 500.
    """
    if isinstance(location, str):
        from .wrappers import encode_control_characters

        location = encode_control_characters(location)
    app = _active_app()
    if app is None:
        return _werkzeug_redirect(location, code=code, Response=Response)
    return app.redirect(location, code=code)


def abort(code: int | BaseResponse, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Stop the request with the HTTP error for ``code`` (or with a given response).

    The app's ``aborter`` raises it when there is an app, so custom error
    classes registered on it apply; otherwise Werkzeug's ``abort`` does.
    """
    app = _active_app()
    if app is not None:
        app.aborter(code, *args, **kwargs)
    _werkzeug_abort(code, *args, **kwargs)


# -- responses -----------------------------------------------------------------------


def make_response(*args: t.Any) -> Response:
    """Turn what a view would return into a response object, to change it first.

    No arguments give an empty response; one argument is converted like a
    view's return value; several are taken as a tuple (body, status, headers).
    """
    if not args:
        return current_app.response_class()
    return current_app.make_response(args if len(args) > 1 else args[0])


@t.overload
def stream_with_context(generator_or_function: _Chunks) -> _Chunks: ...


@t.overload
def stream_with_context(
    generator_or_function: t.Callable[..., _Chunks],
) -> t.Callable[..., _Chunks]: ...


def stream_with_context(generator_or_function: t.Any) -> t.Any:
    """Keep the request context active while a streamed body is produced.

    A streamed body is read after the view has returned and its context has
    ended; wrapped in this, the generator can still use ``request`` and
    ``session``.  Applied to a generator function, it wraps each generator
    the function makes.
    """
    try:
        chunks = iter(generator_or_function)
    except TypeError:
        return _streaming_function(generator_or_function)
    return _inside_request(chunks)


def _streaming_function(func: t.Callable[..., t.Iterator[t.Any]]) -> t.Callable[..., t.Any]:
    """Wrap a generator function so every generator it returns keeps the context."""

    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Iterator[t.Any]:
        return _inside_request(iter(func(*args, **kwargs)))

    return update_wrapper(wrapper, func)


def _inside_request(chunks: t.Iterator[t.Any]) -> t.Iterator[t.Any]:
    """Return a generator that yields ``chunks`` with the current request pushed.

    The generator is started at once, while the view still runs, so it
    holds the request context before the app lets go of it.
    """
    frame = _get_frame(None)
    if frame is None or frame[1] is None:
        raise RuntimeError(
            "'stream_with_context' can only be used when a request context is"
            " active, such as in a view function."
        )
    relay = _relay_within(frame[1], chunks)
    next(relay)
    return relay


def _relay_within(ctx: RequestContext, chunks: t.Iterator[t.Any]) -> t.Iterator[t.Any]:
    """Yield a priming ``None``, then ``chunks``, all with ``ctx`` pushed."""
    with ctx:
        yield None
        try:
            yield from chunks
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()


# -- flashed messages --------------------------------------------------------------------


def flash(message: str, category: str = "message") -> None:
    """Queue ``message`` in the session, for the next page to show.

    ``category`` is free text such as ``"error"`` or ``"info"``; templates
    may filter on it.  The ``message_flashed`` signal is sent.
    """
    queued = session.get("_flashes", [])
    session["_flashes"] = [*queued, (category, message)]
    _announce_flash(message, category)


def _announce_flash(message: str, category: str) -> None:
    """Send ``message_flashed`` if the signals module has been imported.

    A receiver can only be connected after importing ``kolba.signals``, so
    until then there is nobody to tell, and Blinker is not imported.
    """
    signals = sys.modules.get(f"{__package__}.signals")
    if signals is None:
        return
    app = _get_frame()[0].app
    signals.message_flashed.send(
        app, _async_wrapper=app.ensure_sync, message=message, category=category
    )


def get_flashed_messages(
    with_categories: bool = False, category_filter: t.Iterable[str] = ()
) -> list[str] | list[tuple[str, str]]:
    """Take the flashed messages out of the session and return them.

    The first call in a request removes them from the session; later calls
    in the same request return the same messages.

    :param with_categories: Return ``(category, message)`` pairs.
    :param category_filter: Return only messages of these categories.
    """
    pairs = _request_flashes(_active_request_ctx())
    if category_filter:
        pairs = [pair for pair in pairs if pair[0] in category_filter]
    if with_categories:
        return pairs
    return [text for _, text in pairs]


def _request_flashes(ctx: RequestContext) -> list[tuple[str, str]]:
    """The request's flashed messages, moved out of the session on first use."""
    if ctx.flashes is None:
        sess = ctx.session
        ctx.flashes = sess.pop("_flashes") if "_flashes" in sess else []
    return ctx.flashes


# -- files ---------------------------------------------------------------------------------


def send_file(
    path_or_file: os.PathLike[t.AnyStr] | str | t.BinaryIO, mimetype: str | None = None,
    as_attachment: bool = False, download_name: str | None = None,
    conditional: bool = True, etag: bool | str = True, last_modified: t.Any = None,
    max_age: None | int | t.Callable[[str | None], int | None] = None,
) -> Response:
    """Send a file's contents, with caching headers and ``Range`` support.

    Werkzeug's ``send_file`` with the app's settings: a relative path is
    taken from the app's ``root_path``, ``USE_X_SENDFILE`` is honoured, and
    without ``max_age`` the app's ``get_send_file_max_age`` decides.
    """
    from werkzeug.utils import send_file as _werkzeug_send_file

    if isinstance(path_or_file, (str, os.PathLike)):
        path_or_file = os.path.join(current_app.root_path, t.cast(str, path_or_file))
    return _werkzeug_send_file(  # type: ignore[return-value]
        path_or_file, mimetype=mimetype, as_attachment=as_attachment,
        download_name=download_name, conditional=conditional, etag=etag,
        last_modified=last_modified, **_app_file_settings(max_age),
    )


def send_from_directory(
    directory: os.PathLike[str] | str, path: os.PathLike[str] | str, **kwargs: t.Any
) -> Response:
    """Send the file at ``path`` inside ``directory``, refusing to leave it.

    ``path`` usually comes from the URL, so a path that would escape
    ``directory``, or a file that is not there, gives ``404 Not Found``.  A
    relative ``directory`` is taken from the app's ``root_path``.  Other
    keyword arguments are those of :func:`send_file`.
    """
    from werkzeug.utils import send_from_directory as _werkzeug_send_from_directory

    folder = os.path.join(current_app.root_path, directory)
    kwargs.update(_app_file_settings(kwargs.pop("max_age", None)))
    return _werkzeug_send_from_directory(folder, path, **kwargs)  # type: ignore[return-value]


def _app_file_settings(max_age: t.Any) -> dict[str, t.Any]:
    """The arguments of Werkzeug's file sending that come from the app and request."""
    app = current_app
    return {
        "environ": request.environ,
        "max_age": app.get_send_file_max_age if max_age is None else max_age,
        "response_class": app.response_class,
        "use_x_sendfile": app.config["USE_X_SENDFILE"],
    }


# -- elsewhere -------------------------------------------------------------------------------


def get_template_attribute(template_name: str, attribute: str) -> t.Any:
    """Return a macro or variable a template exports, to call it from Python."""
    from .templating import get_template_attribute as _from_template

    return _from_template(template_name, attribute)


def get_root_path(import_name: str) -> str:
    """Return the folder of the module or package called ``import_name``."""
    from .scaffold import get_root_path as _root_of

    return _root_of(import_name)


def _split_blueprint_path(name: str) -> list[str]:
    """List a dotted blueprint name and its parents, most specific first.

    ``"shop.cart.api"`` gives ``["shop.cart.api", "shop.cart", "shop"]``.
    """
    names = [name]
    while "." in name:
        name = name.rpartition(".")[0]
        names.append(name)
    return names
