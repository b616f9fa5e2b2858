"""Functions a view calls: URLs, redirects, aborts, responses, flashing, files."""

from __future__ import annotations

import os
import typing as t
from functools import update_wrapper

from werkzeug.exceptions import abort as _wz_abort
from werkzeug.utils import redirect as _wz_redirect

from .globals import _cv_frame, current_app, request, request_ctx, session

if t.TYPE_CHECKING:
    from werkzeug.wrappers import Response as BaseResponse

    from .wrappers import Response

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])


def get_debug_flag() -> bool:
    """Debug mode as set by ``KOLBA_DEBUG`` (``FLASK_DEBUG`` too, under the Flask alias)."""
    from ._env_names import get_debug_flag as read_flag

    return read_flag()


def get_load_dotenv(default: bool = True) -> bool:
    """Whether to load env files; ``KOLBA_SKIP_DOTENV`` (or ``FLASK_SKIP_DOTENV``) says no."""
    from ._env_names import get_load_dotenv as read_flag

    return read_flag(default)


def url_for(
    endpoint: str,
    *,
    _anchor: str | None = None,
    _method: str | None = None,
    _scheme: str | None = None,
    _external: bool | None = None,
    **values: t.Any,
) -> str:
    """Build the URL for an endpoint with the given values.

    Unknown values become the query string; ``.name`` is relative to the
    current blueprint; outside a request ``SERVER_NAME`` must be configured.
    """
    return current_app.url_for(
        endpoint,
        _anchor=_anchor,
        _method=_method,
        _scheme=_scheme,
        _external=_external,
        **values,
    )


def redirect(
    location: str, code: int = 302, Response: type[BaseResponse] | None = None
) -> BaseResponse:
    """A redirect response; inside an app it uses the app's response class."""
    frame = _cv_frame.get(None)
    if frame is not None:
        return frame[0].app.redirect(location, code=code)
    return _wz_redirect(location, code=code, Response=Response)


def abort(code: int | BaseResponse, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Raise the HTTP exception for ``code`` (Werkzeug's classes, so it is catchable)."""
    frame = _cv_frame.get(None)
    if frame is not None:
        frame[0].app.aborter(code, *args, **kwargs)
    _wz_abort(code, *args, **kwargs)


def make_response(*args: t.Any) -> Response:
    """Turn view-style return values into a response, to add headers to it."""
    if not args:
        return current_app.response_class()
    if len(args) == 1:
        return current_app.make_response(args[0])
    return current_app.make_response(args)


def stream_with_context(
    generator_or_function: t.Iterator[t.AnyStr] | t.Callable[..., t.Iterator[t.AnyStr]],
) -> t.Iterator[t.AnyStr]:
    """Keep the request context alive while a streamed response is generated."""
    try:
        gen = iter(generator_or_function)  # type: ignore[arg-type]
    except TypeError:

        def decorator(*args: t.Any, **kwargs: t.Any) -> t.Any:
            return stream_with_context(generator_or_function(*args, **kwargs))  # type: ignore[operator]

        return update_wrapper(decorator, generator_or_function)  # type: ignore[arg-type, return-value]

    def generator() -> t.Iterator[t.AnyStr | None]:
        frame = _cv_frame.get(None)
        if frame is None or frame[1] is None:
            raise RuntimeError(
                "'stream_with_context' can only be used when a request"
                " context is active, such as in a view function."
            )
        with frame[1]:
            yield None  # primes the generator while the context is active
            try:
                yield from gen
            finally:
                close = getattr(gen, "close", None)
                if close is not None:
                    close()

    wrapped = generator()
    next(wrapped)
    return wrapped  # type: ignore[return-value]


def flash(message: str, category: str = "message") -> None:
    """Store a message in the session for the next page to show."""
    flashes = session.get("_flashes", [])
    flashes.append((category, message))
    session["_flashes"] = flashes
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app._send_signal("message_flashed", message=message, category=category)


def get_flashed_messages(
    with_categories: bool = False, category_filter: t.Iterable[str] = ()
) -> list[str] | list[tuple[str, str]]:
    """Pop the flashed messages; repeated calls in one request see the same list."""
    ctx = request_ctx._get_current_object()  # type: ignore[attr-defined]
    flashes = ctx.flashes
    if flashes is None:
        flashes = session.pop("_flashes") if "_flashes" in session else []
        ctx.flashes = flashes
    if category_filter:
        flashes = [f for f in flashes if f[0] in category_filter]
    if not with_categories:
        return [f[1] for f in flashes]
    return flashes  # type: ignore[no-any-return]


def _prepare_send_file_kwargs(**kwargs: t.Any) -> dict[str, t.Any]:
    if kwargs.get("max_age") is None:
        kwargs["max_age"] = current_app.get_send_file_max_age
    kwargs.update(
        environ=request.environ,
        use_x_sendfile=current_app.config["USE_X_SENDFILE"],
        response_class=current_app.response_class,
        _root_path=current_app.root_path,
    )
    return kwargs


def send_file(
    path_or_file: os.PathLike[t.AnyStr] | str | t.BinaryIO,
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: t.Any = None,
    max_age: None | int | t.Callable[[str | None], int | None] = None,
) -> Response:
    """Send a file or file-like object with caching and Range support."""
    from werkzeug.utils import send_file as _wz_send_file

    return _wz_send_file(  # type: ignore[return-value]
        **_prepare_send_file_kwargs(
            path_or_file=path_or_file,
            mimetype=mimetype,
            as_attachment=as_attachment,
            download_name=download_name,
            conditional=conditional,
            etag=etag,
            last_modified=last_modified,
            max_age=max_age,
        )
    )


def send_from_directory(
    directory: os.PathLike[str] | str,
    path: os.PathLike[str] | str,
    **kwargs: t.Any,
) -> Response:
    """Send a file from inside ``directory``; paths that escape it give 404."""
    from werkzeug.utils import send_from_directory as _wz_send_from_directory

    return _wz_send_from_directory(  # type: ignore[return-value]
        directory, path, **_prepare_send_file_kwargs(**kwargs)
    )


def get_template_attribute(template_name: str, attribute: str) -> t.Any:
    """Load a macro (or other attribute) a template exports, to call from Python."""
    from .templating import get_template_attribute as _get

    return _get(template_name, attribute)


def get_root_path(import_name: str) -> str:
    """The folder a module or package lives in."""
    from .scaffold import get_root_path as _get_root_path

    return _get_root_path(import_name)


def _split_blueprint_path(name: str) -> list[str]:
    """``"a.b.c"`` -> ``["a.b.c", "a.b", "a"]``: a blueprint and its parents."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]
