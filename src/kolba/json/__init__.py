"""JSON functions that follow the current application's provider.

Inside an application context each function hands its work to ``app.json``
(see :mod:`kolba.json.provider`), so an app's choice of JSON library or
settings holds everywhere.  Outside a context they are the standard
library's functions, with the provider's extra types understood (dates,
decimals, UUIDs, dataclasses, HTML strings).
"""

from __future__ import annotations

import json as _stdlib_json
import typing as t

from ..globals import _get_frame, current_app
from .parsing import parse
from ..wrappers import Response as _Response
from ..wrappers import _fill
from ..wrappers import text_response as _text_response
from .provider import DefaultJSONProvider, _default

#: The provider's own ``response``, which :func:`jsonify` may stand in for.
_default_response = DefaultJSONProvider.response
_new_object = object.__new__

if t.TYPE_CHECKING:  # pragma: no cover
    from ..wrappers import Response
    from .provider import JSONProvider

__all__ = ["dump", "dumps", "jsonify", "load", "loads"]

#: ``dumps(obj)`` without an app and without options: prepared once, since
#: ``json.dumps`` would build the same encoder on every call.
_plain_encoder = _stdlib_json.JSONEncoder(default=_default)


def _provider() -> JSONProvider | None:
    """The current application's provider; ``None`` outside an app context."""
    frame = _get_frame(None)
    return None if frame is None else frame[0].app.json


def dumps(obj: t.Any, **kwargs: t.Any) -> str:
    """Write ``obj`` as JSON text, through the app's provider if there is one."""
    provider = _provider()
    if provider is not None:
        return provider.dumps(obj, **kwargs)
    if kwargs:
        return _stdlib_json.dumps(obj, **{"default": _default, **kwargs})
    return _plain_encoder.encode(obj)


def dump(obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
    """Write ``obj`` as JSON into a text file, through the app's provider if there is one."""
    provider = _provider()
    if provider is None:
        _stdlib_json.dump(obj, fp, **{"default": _default, **kwargs})
    else:
        provider.dump(obj, fp, **kwargs)


def loads(s: str | bytes, **kwargs: t.Any) -> t.Any:
    """Parse JSON text or UTF-8 bytes, through the app's provider if there is one."""
    provider = _provider()
    if provider is None:
        return _stdlib_json.loads(s, **kwargs) if kwargs else parse(s)
    return provider.loads(s, **kwargs)


def load(fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
    """Parse the JSON in a file, through the app's provider if there is one."""
    provider = _provider()
    if provider is None:
        return _stdlib_json.load(fp, **kwargs)
    return provider.load(fp, **kwargs)


def jsonify(*args: t.Any, **kwargs: t.Any) -> Response:
    """Return an ``application/json`` response for the arguments.

    It is ``current_app.json.response(...)``, so it needs an application
    context.  One positional argument is serialized as itself, several as
    an array, keyword arguments as an object and nothing as ``null``; both
    kinds together raise ``TypeError``.  The body is indented in debug mode.
    """
    frame = _get_frame(None)
    # Outside a context the proxy raises the usual "outside of application
    # context" error.
    app: t.Any = current_app if frame is None else frame[0].app
    provider = app.json
    if kwargs and not args and type(provider).response is _default_response:
        # perf: DefaultJSONProvider.response(**kwargs), inline (a call
        # that packs the arguments again, less)
        # perf: the debug mode from the config, when ``debug`` is the config's
        text = provider.dumps_for_response(kwargs, app.config["DEBUG"] if app._debug_is_config else app.debug)
        cls = app.response_class  # provider._app's, without the weak proxy
        if cls is not _Response:
            return _text_response(cls, text, provider.mimetype)
        made: Response = _new_object(_Response)  # perf: text_response for Kolba's own class, inline
        _fill(made, text.encode(), provider.mimetype or _Response.default_mimetype)
        return made
    response: Response = provider.response(*args, **kwargs)
    return response
