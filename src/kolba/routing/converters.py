"""URL converters and the parser for their arguments in rule strings.

The classes subclass Werkzeug's ``BaseConverter`` so that ``isinstance``
checks and converters written for Werkzeug keep working; their regexes,
weights and conversions reproduce Werkzeug 3.1's so that a rule matches
exactly the same URLs under Kolba as under Werkzeug.
"""

from __future__ import annotations

import re
import typing as t
import uuid
from urllib.parse import quote
from urllib.parse import quote_plus

from werkzeug.routing import BaseConverter
from werkzeug.routing import ValidationError

__all__ = [
    "AnyConverter",
    "BaseConverter",
    "DEFAULT_CONVERTERS",
    "FloatConverter",
    "IntegerConverter",
    "NumberConverter",
    "PathConverter",
    "UUIDConverter",
    "UnicodeConverter",
    "ValidationError",
    "parse_converter_args",
]

#: Characters left unescaped in a path segment (WHATWG path-segment set),
#: the same set Werkzeug uses so built URLs are byte-identical.
PATH_SAFE = "!$&'()*+,/:;=@"


class UnicodeConverter(BaseConverter):
    """One path segment of bounded length; the default converter."""

    def __init__(
        self,
        map: t.Any,
        minlength: int = 1,
        maxlength: int | None = None,
        length: int | None = None,
    ) -> None:
        super().__init__(map)
        if length is not None:
            bounds = f"{int(length)}"
        else:
            upper = "" if maxlength is None else str(int(maxlength))
            bounds = f"{int(minlength)},{upper}"
        self.regex = "[^/]{" + bounds + "}"


class AnyConverter(BaseConverter):
    """Exactly one of a fixed set of words; building checks the value too."""

    def __init__(self, map: t.Any, *items: str) -> None:
        super().__init__(map)
        self.items = set(items)
        alternatives = "|".join(re.escape(item) for item in items)
        self.regex = f"(?:{alternatives})"

    def to_url(self, value: t.Any) -> str:
        """Refuse values outside the set so no unmatchable URL is built."""
        if value in self.items:
            return str(value)
        choices = ", ".join(f"'{item}'" for item in sorted(self.items))
        raise ValueError(f"'{value}' is not one of {choices}")


class PathConverter(BaseConverter):
    """Like the default converter but spans slashes (a wiki page path)."""

    regex = "[^/].*?"
    weight = 200
    part_isolating = False


class NumberConverter(BaseConverter):
    """Shared logic of the int and float converters.

    Numbers weigh less than strings so ``/<int:id>`` is tried before
    ``/<name>`` at the same position.
    """

    weight = 50
    num_convert: t.Callable[[t.Any], t.Any] = int

    def __init__(
        self,
        map: t.Any,
        fixed_digits: int = 0,
        min: int | float | None = None,
        max: int | float | None = None,
        signed: bool = False,
    ) -> None:
        if signed:
            self.regex = "-?" + type(self).regex
        super().__init__(map)
        self.fixed_digits = fixed_digits
        self.min = min
        self.max = max
        self.signed = signed

    def to_python(self, value: str) -> t.Any:
        """Convert and range-check; a failed check lets other rules match."""
        if self.fixed_digits and len(value) != self.fixed_digits:
            raise ValidationError()
        try:
            number = self.num_convert(value)
        except ValueError as e:
            raise ValidationError() from e
        low, high = self.min, self.max
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValidationError()
        return number

    def to_url(self, value: t.Any) -> str:
        """Render the number, zero-padded when digits are fixed."""
        text = str(self.num_convert(value))
        if self.fixed_digits:
            return text.zfill(self.fixed_digits)
        return text


class IntegerConverter(NumberConverter):
    """Unsigned (or, with ``signed=True``, signed) integers."""

    regex = r"\d+"


class FloatConverter(NumberConverter):
    """Decimal numbers written with a dot, e.g. ``1.5``."""

    regex = r"\d+\.\d+"
    num_convert = float

    def __init__(
        self,
        map: t.Any,
        min: float | None = None,
        max: float | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(map, min=min, max=max, signed=signed)


class UUIDConverter(BaseConverter):
    """Canonical hyphenated UUIDs, returned as ``uuid.UUID``."""

    regex = (
        r"[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-"
        r"[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}"
    )

    def to_python(self, value: str) -> uuid.UUID:
        """Parse the matched text."""
        return uuid.UUID(value)

    def to_url(self, value: uuid.UUID) -> str:
        """Render the canonical form."""
        return str(value)


#: The converters every map starts with.
DEFAULT_CONVERTERS: t.Mapping[str, type[BaseConverter]] = {
    "default": UnicodeConverter,
    "string": UnicodeConverter,
    "any": AnyConverter,
    "path": PathConverter,
    "int": IntegerConverter,
    "float": FloatConverter,
    "uuid": UUIDConverter,
}


def is_identity_to_python(converter: BaseConverter) -> bool:
    """Tell whether ``to_python`` returns its input, so matching can skip it."""
    return type(converter).to_python is BaseConverter.to_python


def default_to_url(value: t.Any) -> str:
    """Quote a value the way ``BaseConverter.to_url`` does."""
    return quote(str(value), safe=PATH_SAFE)


# One argument of a converter call such as ``int(4, signed=True)``. The
# accepted language is Werkzeug's (including its leniency: a digit run may be
# followed by any one character, and trailing junk after the last comma-
# terminated argument is ignored), because rule strings must mean the same.
_ARGUMENT = re.compile(
    r"""\s*
    (?:(?P<key>\w+)\s*=\s*)?
    (?P<raw>
        True | False
      | \d+.\d+ | \d+. | \d+
      | [\w.]+
      | [urUR]?(?P<quoted>"[^"]*?"|'[^']*')
    )
    \s*,""",
    re.VERBOSE,
)

_CONSTANTS: dict[str, t.Any] = {"None": None, "True": True, "False": False}


def _literal(text: str) -> t.Any:
    """Turn one argument's source text into a Python value."""
    if text in _CONSTANTS:
        return _CONSTANTS[text]
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        pass
    if text[0] in "\"'" and text[-1] == text[0]:
        return text[1:-1]
    return text


def parse_converter_args(source: str) -> tuple[tuple[t.Any, ...], dict[str, t.Any]]:
    """Parse the text between the parentheses of ``<conv(...):name>``."""
    text = source + ","
    positional: list[t.Any] = []
    named: dict[str, t.Any] = {}
    pos = 0
    while True:
        found = _ARGUMENT.match(text, pos)
        if found is None:
            later = _ARGUMENT.search(text, pos)
            if later is None:
                break
            raise ValueError(
                f"Cannot parse converter argument '{text[pos : later.start()]}'"
            )
        raw = found.group("quoted") or found.group("raw")
        value = _literal(raw)
        key = found.group("key")
        if key:
            named[key] = value
        else:
            positional.append(value)
        pos = found.end()
    return tuple(positional), named


#: Characters left unescaped in a query string (WHATWG percent-encode set).
QUERY_SAFE = "!$'()*,/:;?@"


def _query_quote(item: t.Any) -> str:
    """Quote one key or value like ``urlencode`` does, skipping plain words."""
    if isinstance(item, bytes):
        return quote_plus(item, QUERY_SAFE)
    text = str(item)
    if text.isascii() and text.isalnum():
        return text
    return quote_plus(text, QUERY_SAFE)


def encode_query(pairs: t.Iterable[tuple[t.Any, t.Any]]) -> str:
    """``urlencode`` of (key, value) pairs, dropping None values."""
    return "&".join(
        f"{_query_quote(key)}={_query_quote(value)}"
        for key, value in pairs
        if value is not None
    )
