"""JSON providers: how one application turns data into JSON and back.

An application owns one provider, ``app.json``.  Everything JSON in Kolba goes
through it: returned dicts and lists, ``jsonify``, ``request.get_json``, the
``tojson`` filter, the session cookie and ``kolba.json.*`` inside a context.

* :class:`JSONProvider` is the interface: ``dumps`` and ``loads``, with
  ``dump``, ``load`` and ``response`` built on them.
* :class:`DefaultJSONProvider` uses the standard library.  Its output is the
  text Flask's default provider writes, but it prepares its encoders once
  instead of on every call, and tells the app (``dumps_for_response``,
  ``fast_response_mimetype``) how to write a body without first building a
  response object.
* :class:`OrJSONProvider` lets ``orjson`` do the work wherever orjson gives
  the same text, and falls back to the standard library elsewhere.
"""

from __future__ import annotations

import json
import re
import sys
import typing as t
import weakref
from datetime import date
from json import encoder as _std_encoder

from werkzeug.http import http_date

from .parsing import parse
from .. import wrappers as _wrappers  # a module object: wrappers imports kolba.json in turn

if t.TYPE_CHECKING:  # pragma: no cover
    from ..wrappers import Response

__all__ = ["DefaultJSONProvider", "JSONProvider", "OrJSONProvider"]


class _AppLike(t.Protocol):
    """The parts of the application a provider uses."""

    @property
    def debug(self) -> bool: ...

    @property
    def response_class(self) -> type[Response]: ...


# -- the interface -------------------------------------------------------------


class JSONProvider:
    """The JSON operations of one application; subclass it to use another library.

    A subclass supplies :meth:`dumps` and :meth:`loads`.  Install it by
    assigning an instance to ``app.json``, or by naming the class in the app
    class's ``json_provider_class``.

    :param app: The application.  Only a weak proxy to it is kept, as
        ``self._app``, so the provider never keeps its app alive.
    """

    def __init__(self, app: _AppLike) -> None:
        self._app: _AppLike = weakref.proxy(app)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Parse JSON given as text or UTF-8 bytes."""
        raise NotImplementedError

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Write ``obj`` as JSON text."""
        raise NotImplementedError

    def load(self, fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
        """Parse the whole content of a text or binary file."""
        return self.loads(fp.read(), **kwargs)

    def dump(self, obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
        """Write ``obj`` as JSON text into a text file."""
        fp.write(self.dumps(obj, **kwargs))

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Return an ``application/json`` response holding the arguments.

        What is serialized follows :meth:`_prepare_response_obj`.
        """
        data = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self.dumps(data), mimetype="application/json")

    def _prepare_response_obj(
        self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
    ) -> t.Any:
        """Choose the one value that ``response(*args, **kwargs)`` serializes.

        Keyword arguments make an object, a single positional argument is
        itself, several make an array, and nothing at all is ``null``.
        Positional and keyword arguments together are ambiguous.
        """
        if kwargs:
            if args:
                raise TypeError("app.json.response() takes either args or kwargs, not both")
            return kwargs
        if len(args) == 1:
            return args[0]
        return args if args else None

    def dumps_for_response(self, obj: t.Any, debug: bool | None = None) -> str:
        """Return the body text that ``response(obj)`` would send.

        ``debug`` is the app's debug mode when the caller knows it already
        (this provider's layout does not depend on it).
        """
        return self.dumps(obj)

    def fast_response_mimetype(self) -> str | None:
        """Return the mimetype ``response()`` sets, or ``None`` if it is customised.

        The app writes a JSON body without building a response object only
        when this is not ``None``: ``dumps_for_response`` and this mimetype
        are then exactly what ``response()`` would give.
        """
        if type(self).response is JSONProvider.response:
            return "application/json"
        return None


# -- the types beyond JSON's own ------------------------------------------------------


def _is_decimal_or_uuid(o: t.Any) -> bool:
    """Tell whether ``o`` is a ``decimal.Decimal`` or a ``uuid.UUID``.

    The modules are looked up, not imported, so ``import kolba`` does not
    load them: if one was never imported, none of its objects can exist.
    """
    decimal = sys.modules.get("decimal")
    if decimal is not None and isinstance(o, decimal.Decimal):
        return True
    uuid = sys.modules.get("uuid")
    return uuid is not None and isinstance(o, uuid.UUID)


def _is_dataclass(o: t.Any) -> bool:
    """Tell whether ``o`` is a dataclass (looked up like ``_is_decimal_or_uuid``)."""
    dataclasses = sys.modules.get("dataclasses")
    return dataclasses is not None and dataclasses.is_dataclass(o)


def _as_dict(o: t.Any) -> t.Any:
    return sys.modules["dataclasses"].asdict(o)


def _html_text(o: t.Any) -> str:
    return str(o.__html__())


#: ``(recognise, convert)`` for each extra type, tried in this order.
_EXTRA_TYPES: tuple[tuple[t.Callable[[t.Any], bool], t.Callable[[t.Any], t.Any]], ...] = (
    (lambda o: isinstance(o, date), http_date),  # dates and datetimes: HTTP dates
    (_is_decimal_or_uuid, str),
    (_is_dataclass, _as_dict),
    (lambda o: hasattr(o, "__html__"), _html_text),  # Markup and the like
)


def _default(o: t.Any) -> t.Any:
    """Give a JSON-ready form of a value the encoder does not know.

    Dates and datetimes become HTTP date strings, decimals and UUIDs
    strings, dataclasses dicts, and objects with ``__html__`` their HTML.
    Anything else is a ``TypeError``, as ``json`` itself would raise.
    """
    for recognise, convert in _EXTRA_TYPES:
        if recognise(o):
            return convert(o)
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


# -- prepared encoders ------------------------------------------------------------------

# The three whitespace layouts Kolba itself asks for. ``dumps`` recognises the
# keyword arguments that select them and reuses a prepared encoder.
_PLAIN = 0  # json.dumps's own separators: ", " and ": "
_COMPACT = 1  # separators=(",", ":"): responses out of debug mode
_INDENT = 2  # indent=2: responses in debug mode

_LAYOUT_KWARGS: tuple[dict[str, t.Any], ...] = (
    {},
    {"separators": (",", ":")},
    {"indent": 2},
)

_Encode = t.Callable[[t.Any], str]


def _layout_of(kwargs: dict[str, t.Any]) -> int | None:
    """Return the layout the keyword arguments select, or None if they do more."""
    if not kwargs:
        return _PLAIN
    if kwargs == _LAYOUT_KWARGS[_COMPACT]:
        return _COMPACT
    if kwargs == _LAYOUT_KWARGS[_INDENT]:
        return _INDENT
    return None


def _checked_encoder(
    layout: int, default: t.Callable[[t.Any], t.Any], ensure_ascii: bool, sort_keys: bool
) -> json.JSONEncoder:
    """Build the encoder ``json.dumps`` would build for these settings."""
    return json.JSONEncoder(
        default=default,
        ensure_ascii=ensure_ascii,
        sort_keys=sort_keys,
        **_LAYOUT_KWARGS[layout],
    )


def _c_encoder(checked: json.JSONEncoder) -> t.Callable[[t.Any, int], t.Iterable[str]] | None:
    """Return a reusable C encoder that writes what ``checked`` writes, if possible.

    ``JSONEncoder.encode`` builds a fresh C encoder (with a fresh set of
    "seen" containers) on every call. Built once without that set, the C
    encoder can be shared by all threads; a circular structure then ends in
    ``RecursionError``, and the caller re-runs the checked encoder to raise
    the standard "Circular reference detected" error instead.  It is called
    as ``run(obj, 0)`` and gives the text in pieces.
    """
    make = getattr(_std_encoder, "c_make_encoder", None)
    if make is None or checked.indent is not None:
        return None
    escape = (
        _std_encoder.encode_basestring_ascii
        if checked.ensure_ascii
        else _std_encoder.encode_basestring
    )
    try:
        run = make(
            None, checked.default, escape, None, checked.key_separator,
            checked.item_separator, checked.sort_keys, checked.skipkeys,
            checked.allow_nan,
        )
    except Exception:  # pragma: no cover - a Python whose C encoder differs
        return None
    return run if _agrees(lambda obj: "".join(run(obj, 0)), checked) else None


_PROBE: t.Any = {"b": [1, 2.5, None, True, "\u00e9\n"], "a": {"x": "y"}, "c": []}


def _agrees(encode: _Encode, checked: json.JSONEncoder) -> bool:
    """Check the shortcut against the real encoder before trusting it."""
    try:
        return encode(_PROBE) == checked.encode(_PROBE)
    except Exception:  # pragma: no cover - a Python whose C encoder differs
        return False


def _build_encode(
    layout: int, default: t.Callable[[t.Any], t.Any], ensure_ascii: bool, sort_keys: bool
) -> _Encode:
    """Return the fastest function giving ``json.dumps``'s output for these settings."""
    checked = _checked_encoder(layout, default, ensure_ascii, sort_keys)
    run = _c_encoder(checked)
    if run is None:
        return checked.encode

    def encode(obj: t.Any) -> str:
        # perf: the C encoder's pieces joined here, not in a function of their own
        try:
            return "".join(run(obj, 0))
        except RecursionError:
            return checked.encode(obj)

    return encode


class DefaultJSONProvider(JSONProvider):
    """JSON through the standard library's :mod:`json`, with a few more types.

    Dates and datetimes are written as HTTP date strings, ``Decimal`` and
    ``UUID`` as strings, dataclasses as objects and anything with
    ``__html__`` (such as ``Markup``) as its HTML.  The settings below may
    be changed on a subclass or on ``app.json``; a change applies at once.
    """

    #: The mimetype of ``response()`` (and so of ``jsonify``).
    mimetype = "application/json"

    #: Layout of ``response()`` bodies: ``True`` compact, ``False`` indented
    #: by two spaces, ``None`` indented in debug mode only.
    compact: bool | None = None

    #: Sort the keys of objects, so equal data always gives equal text.
    sort_keys = True

    #: Write non-ASCII characters as ``\uXXXX`` escapes.
    ensure_ascii = True

    #: Converts what the encoder does not know into JSON-ready data, or
    #: raises ``TypeError``.
    default: t.Callable[[t.Any], t.Any] = staticmethod(_default)

    _encoders: dict[tuple[t.Any, ...], _Encode]

    #: Whether ``dumps`` is this class's own, so ``response()`` may use the
    #: prepared encoders; False for subclasses that replace it.
    _own_dumps = True

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._own_dumps = cls.dumps is DefaultJSONProvider.dumps

    def _encoder(self, layout: int) -> _Encode:
        """Return the cached encoder for a layout and the current settings."""
        key = (layout, self.default, self.ensure_ascii, self.sort_keys)
        try:
            cache = self._encoders
        except AttributeError:  # a subclass ``__init__`` may not call ours
            cache = self._encoders = {}
        try:
            return cache[key]
        except KeyError:
            encode = cache[key] = self._make_encoder(layout)
            return encode
        except TypeError:  # an unhashable ``default``: build, don't cache
            return self._make_encoder(layout)

    def _make_encoder(self, layout: int) -> _Encode:
        """Build the encoder for a layout with the provider's current settings."""
        return _build_encode(layout, self.default, self.ensure_ascii, self.sort_keys)

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Write ``obj`` as :func:`json.dumps` would with the provider's settings.

        ``default``, ``ensure_ascii`` and ``sort_keys`` are the provider's
        unless given; other keyword arguments are ``json.dumps``'s.  The
        layouts Kolba uses itself go through an encoder prepared in advance.
        """
        layout = _layout_of(kwargs)
        if layout is not None:
            return self._encoder(layout)(obj)
        settings = {
            "default": self.default, "ensure_ascii": self.ensure_ascii,
            "sort_keys": self.sort_keys,
        }
        return json.dumps(obj, **{**settings, **kwargs})

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Parse with :func:`json.loads` (without options, through ``kolba.json.parsing.parse``)."""
        if kwargs:
            return json.loads(s, **kwargs)
        return parse(s)

    def dumps_for_response(self, obj: t.Any, debug: bool | None = None) -> str:
        """Return the body text ``response(obj)`` would send.

        It is indented in debug mode unless ``compact`` says otherwise.
        ``debug`` is the app's debug mode when the caller knows it already;
        None reads ``self._app.debug``.  perf: the app's own callers read
        its config, which saves a property call through the weak proxy.
        """
        compact = self.compact
        indent = compact is False or (compact is None and (self._app.debug if debug is None else debug))
        layout = _INDENT if indent else _COMPACT
        if not self._own_dumps:
            return f"{self.dumps(obj, **_LAYOUT_KWARGS[layout])}\n"
        # perf: ``_encoder``'s cache lookup, inline.
        try:
            encode = self._encoders[(layout, self.default, self.ensure_ascii, self.sort_keys)]
        except (AttributeError, KeyError, TypeError):
            encode = self._encoder(layout)
        return f"{encode(obj)}\n"

    def fast_response_mimetype(self) -> str | None:
        """Return ``mimetype`` unless a subclass customises ``response()``."""
        if type(self).response is DefaultJSONProvider.response:
            return self.mimetype
        return None

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Return a response of type ``mimetype`` holding the arguments.

        The body follows ``compact`` (see above) and ends with a newline.
        """
        body = self.dumps_for_response(kwargs if kwargs and not args else self._prepare_response_obj(args, kwargs))
        return _wrappers.text_response(self._app.response_class, body, self.mimetype)


class OrJSONProvider(DefaultJSONProvider):
    """``DefaultJSONProvider`` with the work done by ``orjson`` where it agrees.

    Whenever ``orjson`` cannot give the standard library's exact text it is
    not used for that call: plain ``dumps()`` (``json``'s ``", "`` and
    ``": "`` separators), other keyword arguments, integers beyond 64 bits,
    non-string keys, floats written with an exponent below 1e-4, circular
    data and failures of ``default`` all go to ``DefaultJSONProvider``. With
    ``ensure_ascii`` the output is escaped exactly as :mod:`json` escapes it.

    Known differences: NaN and infinities become ``null`` (``json`` writes
    the non-standard ``NaN``/``Infinity``), and ``enum.Enum`` members are
    written as their value (``json`` rejects them). ``loads`` falls back to
    :mod:`json` on anything ``orjson`` rejects, so errors and the values it
    accepts are the standard library's.

    Needs ``orjson``; constructing one without it raises ``ImportError``.
    """

    def __init__(self, app: _AppLike) -> None:
        import orjson

        super().__init__(app)
        self._orjson = orjson

    def _make_encoder(self, layout: int) -> _Encode:
        """Build an orjson encoder for the compact and indented layouts."""
        standard = super()._make_encoder(layout)
        if layout == _PLAIN:
            return standard
        return _orjson_encode(self._orjson, layout, self.default, self.ensure_ascii,
                              self.sort_keys, standard)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Parse with ``orjson`` when it would give :func:`json.loads`'s result."""
        if kwargs or not isinstance(s, (str, bytes)) or _long_number(s):
            return json.loads(s, **kwargs)
        try:
            return self._orjson.loads(s)
        except self._orjson.JSONDecodeError:
            return json.loads(s)


_NUMBER_RUN_STR = re.compile(r"[0-9]{19}")
_NUMBER_RUN_BYTES = re.compile(rb"[0-9]{19}")


def _long_number(s: str | bytes) -> bool:
    """Spot digit runs that orjson would read as a float instead of an int."""
    if isinstance(s, str):
        return _NUMBER_RUN_STR.search(s) is not None
    return _NUMBER_RUN_BYTES.search(s) is not None


# orjson writes floats in [1e-9, 1e-4) differently from ``repr``: "0.00001"
# for 1e-05 and "1e-7" for 1e-07. Only those shapes can differ; a string that
# happens to contain them just costs a fallback. The substring tests run
# first because they are much cheaper than a regular expression.
_SHORT_EXPONENT = re.compile(r"e-[0-9](?![0-9])")
_NON_ASCII = re.compile(r"[^\x00-\x7e]")


def _float_may_differ(text: str) -> bool:
    """Tell whether orjson's number formatting may differ from ``json``'s."""
    if "0.0000" in text:
        return True
    return "-" in text and "e-" in text and _SHORT_EXPONENT.search(text) is not None


def _escape_char(match: re.Match[str]) -> str:
    """Write one character the way ``json``'s ``ensure_ascii`` does."""
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"


def _to_ascii(text: str) -> str:
    """Escape non-ASCII characters (and DEL) like ``json.dumps(ensure_ascii=True)``.

    JSON output can only hold such characters inside strings, so escaping
    them in the whole text is the same as escaping them in each string.
    """
    if text.isascii() and "\x7f" not in text:
        return text
    return _NON_ASCII.sub(_escape_char, text)


def _orjson_encode(
    orjson: t.Any,
    layout: int,
    default: t.Callable[[t.Any], t.Any],
    ensure_ascii: bool,
    sort_keys: bool,
    standard: _Encode,
) -> _Encode:
    """Build an encoder that tries orjson and falls back to ``standard``."""
    option = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
    if sort_keys:
        option |= orjson.OPT_SORT_KEYS
    if layout == _INDENT:
        option |= orjson.OPT_INDENT_2
    dumps = orjson.dumps
    failure = orjson.JSONEncodeError

    def encode(obj: t.Any) -> str:
        try:
            text: str = dumps(obj, default=default, option=option).decode()
        except failure:
            return standard(obj)
        if _float_may_differ(text):
            return standard(obj)
        return _to_ascii(text) if ensure_ascii else text

    return encode
