"""Security schemes for the OpenAPI document: bearer tokens, API keys, session cookies.

Declaring a scheme documents how clients authenticate; checking the
credentials stays the app's job (a ``before_request`` hook, a decorator),
as in any Flask app.  :func:`secure` declares schemes on the app or on a
blueprint, and every operation in that scope then lists them (as
alternatives: any one of them is enough).  A route's ``security=`` option
overrides the scope: ``security=[]`` marks a public route.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from ..scaffold import Scaffold

__all__ = ["APIKey", "HTTPBearer", "SecurityScheme", "SessionCookie", "declared_schemes", "requirements", "secure"]

#: The attributes of an app or blueprint that hold its declared schemes.
ATTRIBUTE = "_api_security"
OPTIONAL_ATTRIBUTE = "_api_security_optional"


class SecurityScheme:
    """A way clients prove who they are, as an OpenAPI security scheme object."""

    def __init__(self, description: str | None = None) -> None:
        self.description = description

    def openapi(self, config: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        """The scheme object; ``config`` is the app's, for defaults such as cookie names."""
        raise NotImplementedError

    def _described(self, scheme: dict[str, t.Any]) -> dict[str, t.Any]:
        if self.description:
            scheme["description"] = self.description
        return scheme

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class HTTPBearer(SecurityScheme):
    """``Authorization: Bearer <token>``; ``bearer_format`` hints at the token (``"JWT"``)."""

    def __init__(self, bearer_format: str | None = None, description: str | None = None) -> None:
        super().__init__(description)
        self.bearer_format = bearer_format

    def openapi(self, config: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        scheme: dict[str, t.Any] = {"type": "http", "scheme": "bearer"}
        if self.bearer_format:
            scheme["bearerFormat"] = self.bearer_format
        return self._described(scheme)


class APIKey(SecurityScheme):
    """A key sent in a header (the default), a query parameter or a cookie."""

    def __init__(self, name: str, location: str = "header", description: str | None = None) -> None:
        if location not in ("header", "query", "cookie"):
            raise ValueError("An API key is sent in a 'header', a 'query' parameter or a 'cookie'.")
        super().__init__(description)
        self.name = name
        self.location = location

    def openapi(self, config: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        return self._described({"type": "apiKey", "name": self.name, "in": self.location})


class SessionCookie(SecurityScheme):
    """The app's session cookie (``SESSION_COOKIE_NAME`` unless ``name`` is given)."""

    def __init__(self, name: str | None = None, description: str | None = None) -> None:
        super().__init__(description)
        self.name = name

    def openapi(self, config: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        name = self.name or config.get("SESSION_COOKIE_NAME") or "session"
        return self._described({"type": "apiKey", "name": name, "in": "cookie"})


def secure(scope: Scaffold, *, optional: bool = False, **schemes: SecurityScheme) -> None:
    """Declare ``schemes`` (by name) on an app or blueprint; its operations require one of them.

    ``optional=True`` documents credentials that are used when sent but not
    required (the operations also accept anonymous requests).
    """
    for name, scheme in schemes.items():
        if not isinstance(scheme, SecurityScheme):
            raise TypeError(f"{name!r} must be a SecurityScheme such as HTTPBearer(), not {scheme!r}.")
    declared = scope.__dict__.get(ATTRIBUTE)
    if declared is None:
        declared = {}
        setattr(scope, ATTRIBUTE, declared)
    declared.update(schemes)
    setattr(scope, OPTIONAL_ATTRIBUTE, optional)


def declared_schemes(scope: object) -> dict[str, SecurityScheme]:
    """The schemes declared on an app or blueprint (empty when none)."""
    return getattr(scope, ATTRIBUTE, None) or {}


def requirements(scope: object) -> list[dict[str, list[str]]]:
    """The security requirement objects of a scope's operations (any one scheme will do)."""
    found: list[dict[str, list[str]]] = [{name: []} for name in declared_schemes(scope)]
    if found and getattr(scope, OPTIONAL_ATTRIBUTE, False):
        found.insert(0, {})
    return found
