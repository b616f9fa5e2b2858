"""The URL converters: Werkzeug's own classes, re-exported.

Every map starts with ``Map.default_converters``, which is Werkzeug's
mapping, so ``app.url_map.converters["int"] is werkzeug.routing.IntegerConverter``
and schema tools that look converters up by class find them.
"""

from __future__ import annotations

import typing as t

from werkzeug.routing import AnyConverter
from werkzeug.routing import BaseConverter
from werkzeug.routing import FloatConverter
from werkzeug.routing import IntegerConverter
from werkzeug.routing import Map as _WerkzeugMap
from werkzeug.routing import PathConverter
from werkzeug.routing import UnicodeConverter
from werkzeug.routing import UUIDConverter
from werkzeug.routing import ValidationError
from werkzeug.routing import parse_converter_args
from werkzeug.routing.converters import NumberConverter

__all__ = [
    "AnyConverter", "BaseConverter", "DEFAULT_CONVERTERS", "FloatConverter",
    "IntegerConverter", "NumberConverter", "PathConverter", "UUIDConverter",
    "UnicodeConverter", "ValidationError", "parse_converter_args",
]

#: The converters every map starts with (Werkzeug's ``Map.default_converters``).
DEFAULT_CONVERTERS: t.Mapping[str, type[BaseConverter]] = _WerkzeugMap.default_converters
