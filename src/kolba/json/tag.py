"""Tagged JSON: lossless JSON for the few non-JSON types sessions store.

Session data must survive a trip through a cookie with its Python types
intact, and cookies written by Flask must stay readable by Kolba (and the
other way round).  So the wire format is Flask's: a value JSON cannot express
is written as a one-key object whose key is a short *tag* (``" t"`` for a
tuple, ``" b"`` for bytes, ...) and whose value is a JSON form of the data.
A real dict that happens to look like a tag is itself wrapped in ``" di"``.

New types are supported by subclassing :class:`JSONTag` and calling
:meth:`TaggedJSONSerializer.register`, exactly as with Flask::

    class TagFrozenset(JSONTag):
        __slots__ = ()
        key = " fs"

        def check(self, value):
            return isinstance(value, frozenset)

        def to_json(self, value):
            return [self.serializer.tag(item) for item in value]

        def to_python(self, value):
            return frozenset(value)

    app.session_interface.serializer.register(TagFrozenset)
"""

from __future__ import annotations

import typing as t
from base64 import b64decode, b64encode
from datetime import datetime
from uuid import UUID

from werkzeug.http import http_date, parse_date

from .. import json as _json  # the package is fully imported before this module

__all__ = [
    "JSONTag",
    "PassDict",
    "PassList",
    "TagBytes",
    "TagDateTime",
    "TagDict",
    "TagMarkup",
    "TagTuple",
    "TagUUID",
    "TaggedJSONSerializer",
]


class JSONTag:
    """One convertible type: how to spot it, encode it and rebuild it.

    A tag with an empty :attr:`key` is a pass-through step (used for plain
    dicts and lists, whose items may need tagging) and is never written out.
    """

    __slots__ = ("serializer",)

    #: The marker written as the single key around the converted value.
    key: str = ""

    def __init__(self, serializer: TaggedJSONSerializer) -> None:
        """Bind the tag to its serializer so it can tag nested values."""
        self.serializer = serializer

    def check(self, value: t.Any) -> bool:
        """Tell whether this tag is responsible for ``value``."""
        raise NotImplementedError

    def to_json(self, value: t.Any) -> t.Any:
        """Turn ``value`` into JSON-compatible data (the tag is added later)."""
        raise NotImplementedError

    def to_python(self, value: t.Any) -> t.Any:
        """Rebuild the Python object from its JSON form (tag already removed)."""
        raise NotImplementedError

    def tag(self, value: t.Any) -> t.Any:
        """Wrap the converted value in a one-key object named by the tag."""
        return {self.key: self.to_json(value)}


class TagDict(JSONTag):
    """Protect a real one-key dict whose key collides with a tag name.

    Without this, ``{" t": [1]}`` would come back as the tuple ``(1,)``.  The
    key gets a ``__`` suffix inside a ``" di"`` wrapper, removed on loading.
    """

    __slots__ = ()
    key = " di"

    def check(self, value: t.Any) -> bool:
        """Match dicts of exactly one key that is a registered tag name."""
        if not isinstance(value, dict) or len(value) != 1:
            return False
        return next(iter(value)) in self.serializer.tags

    def to_json(self, value: t.Any) -> t.Any:
        """Suffix the colliding key so it no longer reads as a tag."""
        ((name, item),) = value.items()
        return {name + "__": self.serializer.tag(item)}

    def to_python(self, value: t.Any) -> t.Any:
        """Strip the ``__`` suffix to restore the original key."""
        name = next(iter(value))
        return {name[:-2]: value[name]}


class PassDict(JSONTag):
    """Keep dicts as JSON objects while tagging their values."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        """Match any dict (keys are strings in JSON, so only values matter)."""
        return isinstance(value, dict)

    def to_json(self, value: t.Any) -> t.Any:
        """Tag every value, leaving the keys alone."""
        tag = self.serializer.tag
        return {name: tag(item) for name, item in value.items()}

    def tag(self, value: t.Any) -> t.Any:
        """Emit the object itself: a plain dict needs no wrapper."""
        return self.to_json(value)


class TagTuple(JSONTag):
    """Tuples become tagged JSON arrays so they do not come back as lists."""

    __slots__ = ()
    key = " t"

    def check(self, value: t.Any) -> bool:
        """Match tuples, including named tuples."""
        return isinstance(value, tuple)

    def to_json(self, value: t.Any) -> t.Any:
        """Tag every item into a JSON array."""
        tag = self.serializer.tag
        return [tag(item) for item in value]

    def to_python(self, value: t.Any) -> t.Any:
        """Freeze the (already restored) items back into a tuple."""
        return tuple(value)


class PassList(JSONTag):
    """Keep lists as JSON arrays while tagging their items."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        """Match lists."""
        return isinstance(value, list)

    def to_json(self, value: t.Any) -> t.Any:
        """Tag every item."""
        tag = self.serializer.tag
        return [tag(item) for item in value]

    def tag(self, value: t.Any) -> t.Any:
        """Emit the array itself: a plain list needs no wrapper."""
        return self.to_json(value)


class TagBytes(JSONTag):
    """Bytes travel as standard base64 text."""

    __slots__ = ()
    key = " b"

    def check(self, value: t.Any) -> bool:
        """Match ``bytes`` objects."""
        return isinstance(value, bytes)

    def to_json(self, value: t.Any) -> t.Any:
        """Encode to base64 text."""
        return b64encode(value).decode("ascii")

    def to_python(self, value: t.Any) -> t.Any:
        """Decode the base64 text."""
        return b64decode(value)


class TagMarkup(JSONTag):
    """Anything with ``__html__`` is stored as its HTML and loads as Markup.

    MarkupSafe is imported only when such a value is loaded, so sessions
    without Markup never pay for the import.
    """

    __slots__ = ()
    key = " m"

    def check(self, value: t.Any) -> bool:
        """Match objects following the ``__html__`` protocol."""
        return callable(getattr(value, "__html__", None))

    def to_json(self, value: t.Any) -> t.Any:
        """Store the object's safe HTML string."""
        return str(value.__html__())

    def to_python(self, value: t.Any) -> t.Any:
        """Mark the stored HTML safe again."""
        from markupsafe import Markup

        return Markup(value)


class TagUUID(JSONTag):
    """UUIDs are stored as their 32-digit hex form."""

    __slots__ = ()
    key = " u"

    def check(self, value: t.Any) -> bool:
        """Match :class:`uuid.UUID` objects."""
        return isinstance(value, UUID)

    def to_json(self, value: t.Any) -> t.Any:
        """Write the compact hex digits."""
        return value.hex

    def to_python(self, value: t.Any) -> t.Any:
        """Parse the hex digits back into a UUID."""
        return UUID(value)


class TagDateTime(JSONTag):
    """Datetimes are stored as HTTP dates (UTC, whole seconds)."""

    __slots__ = ()
    key = " d"

    def check(self, value: t.Any) -> bool:
        """Match :class:`datetime.datetime` objects."""
        return isinstance(value, datetime)

    def to_json(self, value: t.Any) -> t.Any:
        """Format as an HTTP date; naive values are taken as UTC."""
        return http_date(value)

    def to_python(self, value: t.Any) -> t.Any:
        """Parse the HTTP date into an aware UTC datetime."""
        return parse_date(value)


class TaggedJSONSerializer:
    """Dump and load JSON that keeps tuples, bytes, Markup, UUIDs and datetimes.

    It is the payload serializer handed to :mod:`itsdangerous` for session
    cookies.  Tags are tried in :attr:`order`; the first whose ``check``
    accepts a value converts it.  :attr:`tags` maps written keys to tags for
    loading.
    """

    __slots__ = ("tags", "order")

    #: Tag classes bound to every new serializer, in checking order.
    default_tags: t.ClassVar[list[type[JSONTag]]] = [
        TagDict,
        PassDict,
        TagTuple,
        PassList,
        TagBytes,
        TagMarkup,
        TagUUID,
        TagDateTime,
    ]

    def __init__(self) -> None:
        """Bind an instance of each default tag."""
        self.tags: dict[str, JSONTag] = {}
        self.order: list[JSONTag] = []
        for tag_class in self.default_tags:
            self.register(tag_class)

    def register(
        self,
        tag_class: type[JSONTag],
        force: bool = False,
        index: int | None = None,
    ) -> None:
        """Add a tag; ``index`` places it earlier when it must win over another.

        :raise KeyError: the tag's key is taken and ``force`` is false.
        """
        tag = tag_class(self)
        if tag.key:
            if tag.key in self.tags and not force:
                raise KeyError(f"Tag '{tag.key}' is already registered.")
            self.tags[tag.key] = tag
        if index is None:
            self.order.append(tag)
        else:
            self.order.insert(index, tag)

    def tag(self, value: t.Any) -> t.Any:
        """Return ``value`` converted to taggable JSON data (or unchanged)."""
        for candidate in self.order:
            if candidate.check(value):
                return candidate.tag(value)
        return value

    def untag(self, value: dict[str, t.Any]) -> t.Any:
        """Rebuild the object a one-key tagged dict stands for, else return it."""
        if len(value) != 1:
            return value
        name = next(iter(value))
        found = self.tags.get(name)
        if found is None:
            return value
        return found.to_python(value[name])

    def _restore(self, value: t.Any) -> t.Any:
        """Untag a loaded JSON tree bottom-up, so wrappers see rebuilt items."""
        if isinstance(value, list):
            return [self._restore(item) for item in value]
        if isinstance(value, dict):
            return self.untag({name: self._restore(item) for name, item in value.items()})
        return value

    def dumps(self, value: t.Any) -> str:
        """Tag ``value`` and write it as compact JSON through the app's provider."""
        return _json.dumps(self.tag(value), separators=(",", ":"))

    def loads(self, value: str | bytes) -> t.Any:
        """Parse JSON text and rebuild every tagged object inside it."""
        return self._restore(_json.loads(value))
