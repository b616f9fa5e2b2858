"""Typed JSON APIs: validation, serialization and OpenAPI from a view's type hints.

Plain Flask views are untouched.  A view becomes *typed* when a parameter
carries a source marker (:class:`Query`, :class:`Header`, :class:`Cookie`,
:class:`Body`, :class:`Form`, :class:`File`) or a model type (dataclass,
TypedDict, ``msgspec.Struct``, pydantic model), when its return type is a
model, or when its route declares ``response=`` or ``status=``::

    from typing import Annotated
    from kolba.api import Query

    @app.get("/items")
    def items(page: Annotated[int, Query(ge=1)] = 1) -> list[Item]: ...

Names are imported on first use, so ``import kolba.api`` stays cheap and
no validation library is loaded until a typed view needs one.
"""

from __future__ import annotations

import importlib
import typing as t

if t.TYPE_CHECKING:
    from .docs import API as API
    from .engines import Engine as Engine
    from .engines import FieldError as FieldError
    from .engines import MissingEngine as MissingEngine
    from .engines import register_engine as register_engine
    from .errors import BodyTooLarge as BodyTooLarge
    from .errors import MalformedBody as MalformedBody
    from .errors import Problem as Problem
    from .errors import ResponseValidationError as ResponseValidationError
    from .errors import UnsupportedBody as UnsupportedBody
    from .errors import ValidationError as ValidationError
    from .errors import problem_for as problem_for
    from .openapi import openapi_document as openapi_document
    from .params import Body as Body
    from .params import Cookie as Cookie
    from .params import File as File
    from .params import Form as Form
    from .params import Header as Header
    from .params import Query as Query
    from .security import APIKey as APIKey
    from .security import HTTPBearer as HTTPBearer
    from .security import SecurityScheme as SecurityScheme
    from .security import SessionCookie as SessionCookie
    from .security import secure as secure

_LAZY: dict[str, str] = {
    "API": "docs",
    "Engine": "engines", "FieldError": "engines", "MissingEngine": "engines",
    "register_engine": "engines",
    "BodyTooLarge": "errors", "MalformedBody": "errors", "Problem": "errors",
    "ResponseValidationError": "errors", "UnsupportedBody": "errors", "ValidationError": "errors",
    "problem_for": "errors",
    "openapi_document": "openapi",
    "Body": "params", "Cookie": "params", "File": "params", "Form": "params",
    "Header": "params", "Query": "params",
    "APIKey": "security", "HTTPBearer": "security", "SecurityScheme": "security",
    "SessionCookie": "security", "secure": "security",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> t.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
