"""JSON helpers that follow the current application's provider.

Inside an application context they delegate to ``current_app.json`` so an
app's custom provider applies everywhere; outside one they behave like the
standard library with Kolba's extra types (dates, decimals, UUIDs,
dataclasses, HTML strings) understood.
"""

from __future__ import annotations

import json as _json
import typing as t

from ..globals import _cv_frame, current_app
from .provider import _default

if t.TYPE_CHECKING:  # pragma: no cover
    from ..wrappers import Response

    from .provider import JSONProvider

__all__ = ["dumps", "dump", "loads", "load", "jsonify"]

#: What ``dumps(obj)`` uses without an app: ``json.dumps(obj, default=...)``.
_fallback_encoder = _json.JSONEncoder(default=_default)


def _app_provider() -> JSONProvider | None:
    """Return the active application's provider, or None outside a context."""
    frame = _cv_frame.get(None)
    if frame is None:
        return None
    provider: JSONProvider = frame[0].app.json
    return provider


def dumps(obj: t.Any, **kwargs: t.Any) -> str:
    """Serialize ``obj`` to a JSON string.

    Uses ``current_app.json.dumps`` when an app is active, else
    :func:`json.dumps` with Kolba's extra types.
    """
    provider = _app_provider()
    if provider is not None:
        return provider.dumps(obj, **kwargs)
    if not kwargs:
        return _fallback_encoder.encode(obj)
    kwargs.setdefault("default", _default)
    return _json.dumps(obj, **kwargs)


def dump(obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
    """Serialize ``obj`` as JSON and write it to a text file.

    Uses ``current_app.json.dump`` when an app is active, else
    :func:`json.dump` with Kolba's extra types.
    """
    provider = _app_provider()
    if provider is not None:
        provider.dump(obj, fp, **kwargs)
        return
    kwargs.setdefault("default", _default)
    _json.dump(obj, fp, **kwargs)


def loads(s: str | bytes, **kwargs: t.Any) -> t.Any:
    """Parse JSON text or UTF-8 bytes.

    Uses ``current_app.json.loads`` when an app is active, else
    :func:`json.loads`.
    """
    provider = _app_provider()
    if provider is not None:
        return provider.loads(s, **kwargs)
    return _json.loads(s, **kwargs)


def load(fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
    """Parse JSON read from a file.

    Uses ``current_app.json.load`` when an app is active, else
    :func:`json.load`.
    """
    provider = _app_provider()
    if provider is not None:
        return provider.load(fp, **kwargs)
    return _json.load(fp, **kwargs)


def jsonify(*args: t.Any, **kwargs: t.Any) -> Response:
    """Return an ``application/json`` response for the arguments.

    Needs an active application (it calls ``current_app.json.response``).
    One positional argument is serialized as itself, several as a list,
    keyword arguments as an object, nothing as ``null``; mixing positional
    and keyword arguments is a ``TypeError``. In debug mode the output is
    indented.
    """
    frame = _cv_frame.get(None)
    app: t.Any = current_app if frame is None else frame[0].app
    response: Response = app.json.response(*args, **kwargs)
    return response
