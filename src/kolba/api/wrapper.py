"""The compiled wrapper a typed view is registered as.

Built once per view: it holds the readers for the sources the view uses
and the encoder for its return type.  Per request it runs the readers,
raises one 422 for every problem they found, calls the view with the
values, and encodes what the view returned into a JSON response.  An
``async def`` view gets an ``async def`` wrapper, so the serving core runs
it like any coroutine function.
"""

from __future__ import annotations

import functools
import typing as t

from ..concurrency import is_coroutine_function
from ..globals import _current_request_ctx
from .encode import Finisher
from .errors import ValidationError
from .readers import Reader

if t.TYPE_CHECKING:
    from .engines import FieldError

_View = t.Callable[..., t.Any]


def _read_all(readers: tuple[Reader, ...], ctx: t.Any, kwargs: dict[str, t.Any]) -> None:
    """Run every reader; raise one 422 with all their problems."""
    problems: list[FieldError] | None = None
    for read in readers:
        found = read(ctx, kwargs)
        if found:
            problems = found if problems is None else problems + found
    if problems:
        raise ValidationError(problems)


def _label(wrapper: _View, view: _View) -> _View:
    """Make the wrapper look like the view to Flask: name, docs, attributes."""
    functools.update_wrapper(wrapper, view)
    return wrapper


def wrap(view: _View, readers: tuple[Reader, ...], finish: Finisher | None) -> _View:
    """The function to register for one typed view."""
    read_all = _read_all
    current: t.Callable[[], t.Any] = _current_request_ctx

    if is_coroutine_function(view):

        async def typed_async(**kwargs: t.Any) -> t.Any:
            ctx = current()
            if readers:
                read_all(readers, ctx, kwargs)
            rv = await view(**kwargs)
            return rv if finish is None else finish(ctx, rv)

        return _label(typed_async, view)

    def typed(**kwargs: t.Any) -> t.Any:
        ctx = current()
        if readers:
            read_all(readers, ctx, kwargs)
        rv = view(**kwargs)
        return rv if finish is None else finish(ctx, rv)

    return _label(typed, view)


def wrap_methods(view: _View, by_method: dict[str, tuple[tuple[Reader, ...], Finisher | None]]) -> _View:
    """The function to register for a class-based view with typed handlers.

    The class's own function still makes the instance and picks the
    handler; this one reads the handler's inputs first and encodes what it
    returns.  Methods without a typed handler pass straight through.
    """
    read_all = _read_all
    current: t.Callable[[], t.Any] = _current_request_ctx
    if "GET" in by_method and "HEAD" not in by_method:
        by_method["HEAD"] = by_method["GET"]

    def typed_methods(**kwargs: t.Any) -> t.Any:
        ctx = current()
        compiled = by_method.get(str(ctx.environ.get("REQUEST_METHOD", "GET")).upper())
        if compiled is None:
            return view(**kwargs)
        readers, finish = compiled
        if readers:
            read_all(readers, ctx, kwargs)
        rv = view(**kwargs)
        return rv if finish is None else finish(ctx, rv)

    return _label(typed_methods, view)

