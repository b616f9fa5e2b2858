"""Tagged JSON: JSON that brings tuples, bytes, Markup, UUIDs and datetimes back intact.

The cookie session stores its data with :class:`TaggedJSONSerializer`.  A
value plain JSON cannot carry is written as an object with one key, the
*tag*, holding a JSON form of the value; loading turns every such object
back into the Python value.  A real dict that happens to have a tag as its
only key is wrapped in the ``" di"`` tag so it cannot be mistaken for one.

The tags and their JSON forms are Flask's, byte for byte, so a session
cookie written by a Flask app is read by a Kolba app with the same secret
key, and the other way round:

==========  ========  ==================================================
tag         type      JSON form
==========  ========  ==================================================
``" t"``    tuple     array of the (tagged) items
``" b"``    bytes     standard base64 text
``" m"``    Markup    the HTML text (anything with ``__html__`` is stored)
``" u"``    UUID      32 hex digits
``" d"``    datetime  HTTP date (UTC, whole seconds)
``" di"``   dict      ``{key + "__": value}`` for a dict shaped like a tag
==========  ========  ==================================================

More types are added by subclassing :class:`JSONTag` and registering the
class with :meth:`TaggedJSONSerializer.register`::

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
    "JSONTag", "PassDict", "PassList", "TagBytes", "TagDateTime", "TagDict",
    "TagMarkup", "TagTuple", "TagUUID", "TaggedJSONSerializer",
]


class JSONTag:
    """One kind of value the serializer knows: how to spot, write and rebuild it.

    A subclass sets :attr:`key` and implements :meth:`check`,
    :meth:`to_json` and :meth:`to_python`.  A tag whose key is empty never
    appears in the output: it only passes through a container so that the
    container's items can be tagged.
    """

    __slots__ = ("serializer",)

    #: The one key of the object the value is written as (``""``: none).
    key: str = ""

    def __init__(self, serializer: TaggedJSONSerializer) -> None:
        #: The serializer this tag belongs to, for tagging nested values.
        self.serializer = serializer

    def tag(self, value: t.Any) -> t.Any:
        """Write ``value`` as the one-key object ``{key: to_json(value)}``."""
        return {self.key: self.to_json(value)}

    def check(self, value: t.Any) -> bool:
        """Tell whether this tag handles ``value``."""
        raise NotImplementedError(f"{type(self).__name__} must implement check()")

    def to_python(self, value: t.Any) -> t.Any:
        """Rebuild the value from the data :meth:`to_json` wrote."""
        raise NotImplementedError(f"{type(self).__name__} must implement to_python()")

    def to_json(self, value: t.Any) -> t.Any:
        """Return JSON-ready data for ``value``, without the tag around it."""
        raise NotImplementedError(f"{type(self).__name__} must implement to_json()")


class _InstanceTag(JSONTag):
    """A tag for every instance of :attr:`python_type` (subclasses included)."""

    __slots__ = ()

    python_type: t.ClassVar[type[t.Any]]

    def check(self, value: t.Any) -> bool:
        """Match instances of ``python_type``."""
        return isinstance(value, self.python_type)


class _Container(_InstanceTag):
    """A dict or list stays itself in JSON; only the items inside get tagged."""

    __slots__ = ()

    def tag(self, value: t.Any) -> t.Any:
        """Write the container with tagged items, with no tag of its own."""
        return self.to_json(value)


class TagDict(JSONTag):
    """Protects a dict whose only key is a tag name, such as ``{" t": [1]}``.

    Left alone it would load as the tuple ``(1,)``.  Its key is written with
    ``"__"`` appended, inside a ``" di"`` object, and restored on loading.
    """

    __slots__ = ()
    key = " di"

    def check(self, value: t.Any) -> bool:
        """Match a dict with exactly one key, when that key is a known tag."""
        if not isinstance(value, dict) or len(value) != 1:
            return False
        return next(iter(value)) in self.serializer.tags

    def to_python(self, value: t.Any) -> t.Any:
        """Give the key back its original name."""
        [(name, item)] = value.items()
        return {name[: -len("__")]: item}

    def to_json(self, value: t.Any) -> t.Any:
        """Move the key out of the way of tag names."""
        [(name, item)] = value.items()
        return {f"{name}__": self.serializer.tag(item)}


class PassDict(_Container):
    """Dicts stay JSON objects; their values are tagged (keys are text anyway)."""

    __slots__ = ()
    python_type = dict

    def to_json(self, value: t.Any) -> t.Any:
        """Tag each value under its unchanged key."""
        tag = self.serializer.tag
        return {name: tag(item) for name, item in value.items()}


class TagTuple(_InstanceTag):
    """Tuples are arrays that load as tuples again, not as lists."""

    __slots__ = ()
    key = " t"
    python_type = tuple

    def to_python(self, value: t.Any) -> t.Any:
        """Turn the (already rebuilt) items into a tuple."""
        return tuple(value)

    def to_json(self, value: t.Any) -> t.Any:
        """List the tagged items."""
        return [self.serializer.tag(item) for item in value]


class PassList(_Container):
    """Lists stay JSON arrays; their items are tagged."""

    __slots__ = ()
    python_type = list

    def to_json(self, value: t.Any) -> t.Any:
        """List the tagged items."""
        return [self.serializer.tag(item) for item in value]


class TagBytes(_InstanceTag):
    """Bytes are written as standard base64 text."""

    __slots__ = ()
    key = " b"
    python_type = bytes

    def to_python(self, value: t.Any) -> t.Any:
        """Decode the base64 text."""
        return b64decode(value)

    def to_json(self, value: t.Any) -> t.Any:
        """Encode as base64 text."""
        return b64encode(value).decode("ascii")


class TagMarkup(JSONTag):
    """Objects with an ``__html__`` method are stored as HTML and load as ``Markup``.

    MarkupSafe is imported when such a value is loaded, not before.
    """

    __slots__ = ()
    key = " m"

    def check(self, value: t.Any) -> bool:
        """Match anything whose ``__html__`` can be called."""
        return callable(getattr(value, "__html__", None))

    def to_python(self, value: t.Any) -> t.Any:
        """Mark the stored HTML as safe again."""
        from markupsafe import Markup

        return Markup(value)

    def to_json(self, value: t.Any) -> t.Any:
        """Store the HTML text the object gives."""
        return str(value.__html__())


class TagUUID(_InstanceTag):
    """UUIDs are written as their 32 hex digits."""

    __slots__ = ()
    key = " u"
    python_type = UUID

    def to_python(self, value: t.Any) -> t.Any:
        """Read the hex digits back."""
        return UUID(value)

    def to_json(self, value: t.Any) -> t.Any:
        """Write the hex digits, without dashes."""
        return value.hex


class TagDateTime(_InstanceTag):
    """Datetimes are written as HTTP dates: in UTC, to the second."""

    __slots__ = ()
    key = " d"
    python_type = datetime

    def to_python(self, value: t.Any) -> t.Any:
        """Parse the HTTP date into an aware UTC datetime."""
        return parse_date(value)

    def to_json(self, value: t.Any) -> t.Any:
        """Format as an HTTP date (a naive datetime is taken to be UTC)."""
        return http_date(value)


class TaggedJSONSerializer:
    """Writes and reads tagged JSON; the session cookie's payload format.

    Each value is offered to the tags in :attr:`order`; the first whose
    ``check`` accepts it writes it.  On loading, :attr:`tags` maps each key
    found to the tag that rebuilds the value.
    """

    __slots__ = ("order", "tags", "_spaced_keys")

    #: The tag classes every new serializer starts with, in the order they
    #: are tried (a dict shaped like a tag must be caught before plain dicts).
    default_tags: t.ClassVar[list[type[JSONTag]]] = [
        TagDict, PassDict, TagTuple, PassList, TagBytes, TagMarkup, TagUUID, TagDateTime,
    ]

    def __init__(self) -> None:
        self.tags: dict[str, JSONTag] = {}
        self.order: list[JSONTag] = []
        #: Whether every key in :attr:`tags` starts with a space (see :meth:`loads`).
        self._spaced_keys = True
        for tag_class in self.default_tags:
            self.register(tag_class)

    def register(
        self, tag_class: type[JSONTag], force: bool = False, index: int | None = None
    ) -> None:
        """Add a tag; it is tried last unless ``index`` puts it earlier.

        :param force: Replace the tag registered under the same key.
        :raise KeyError: The key is taken and ``force`` is false.
        """
        tag = tag_class(self)
        if tag.key:
            if not force and tag.key in self.tags:
                raise KeyError(f"Tag '{tag.key}' is already registered.")
            self.tags[tag.key] = tag
            self._spaced_keys = all(key[:1] == " " for key in self.tags)
        self.order.insert(len(self.order) if index is None else index, tag)

    def tag(self, value: t.Any) -> t.Any:
        """Return ``value`` in its JSON-ready form, tagged where needed."""
        for candidate in self.order:
            if candidate.check(value):
                return candidate.tag(value)
        return value

    def untag(self, value: dict[str, t.Any]) -> t.Any:
        """Rebuild the value a tagged object stands for; return other dicts as they are."""
        if len(value) != 1:
            return value
        [(key, data)] = value.items()
        owner = self.tags.get(key)
        return value if owner is None else owner.to_python(data)

    def _rebuild(self, value: t.Any) -> t.Any:
        """Untag a parsed JSON tree from the leaves up.

        Inner values are rebuilt first, so a tag's ``to_python`` receives
        finished Python values (a tuple of bytes gets its bytes).
        """
        if isinstance(value, list):
            return [self._rebuild(item) for item in value]
        if isinstance(value, dict):
            return self.untag({key: self._rebuild(item) for key, item in value.items()})
        return value

    def dumps(self, value: t.Any) -> str:
        """Write ``value`` as compact tagged JSON (through the app's provider, if any)."""
        return _json.dumps(self.tag(value), separators=(",", ":"))

    def loads(self, value: str | bytes) -> t.Any:
        """Read tagged JSON text or bytes and rebuild the values it stands for.

        perf: text in which no string starts with a space (and nothing is
        escaped) can hold no tag, when every registered key starts with one,
        as the built-in keys do; its parsed value is already the answer,
        without walking it.
        """
        if self._spaced_keys and type(value) is str and '" ' not in value and "\\" not in value:
            return _json.loads(value)
        return self._rebuild(_json.loads(value))
