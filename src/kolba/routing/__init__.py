"""Kolba's URL routing: Werkzeug's ``Map``, ``Rule``, ``MapAdapter`` and converters.

``Map``, ``Rule`` and ``MapAdapter`` subclass Werkzeug's classes, and the
converters are Werkzeug's own, so tools inspecting a Flask URL map work
unchanged. Kolba adds a compiled matcher for the request path
(``Map.match_fast``) and a prepared URL builder (``MapAdapter.build``); both
give Werkzeug's answers. Exceptions and rule factories (``Submount``,
``Subdomain``, ``EndpointPrefix``, ``RuleTemplate``) are Werkzeug's.
"""

from __future__ import annotations

from werkzeug.routing import BuildError
from werkzeug.routing import EndpointPrefix
from werkzeug.routing import RequestRedirect
from werkzeug.routing import RoutingException
from werkzeug.routing import RuleFactory
from werkzeug.routing import RuleTemplate
from werkzeug.routing import Subdomain
from werkzeug.routing import Submount
from werkzeug.routing import WebsocketMismatch

from .converters import DEFAULT_CONVERTERS
from .converters import AnyConverter
from .converters import BaseConverter
from .converters import FloatConverter
from .converters import IntegerConverter
from .converters import NumberConverter
from .converters import PathConverter
from .converters import UnicodeConverter
from .converters import UUIDConverter
from .converters import ValidationError
from .converters import parse_converter_args
from .map import Map
from .map import MapAdapter
from .rules import Rule
from .rules import RulePart

__all__ = [
    "AnyConverter",
    "BaseConverter",
    "BuildError",
    "DEFAULT_CONVERTERS",
    "EndpointPrefix",
    "FloatConverter",
    "IntegerConverter",
    "Map",
    "MapAdapter",
    "NumberConverter",
    "PathConverter",
    "RequestRedirect",
    "RoutingException",
    "Rule",
    "RuleFactory",
    "RulePart",
    "RuleTemplate",
    "Subdomain",
    "Submount",
    "UUIDConverter",
    "UnicodeConverter",
    "ValidationError",
    "WebsocketMismatch",
    "parse_converter_args",
]
