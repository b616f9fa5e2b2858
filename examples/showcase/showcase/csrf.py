"""Cross-site request forgery protection for the HTML forms.

Each session gets one random token. Templates render it as a hidden field
with ``{{ csrf_field() }}``; a ``before_request`` hook rejects with 400 any
state-changing request whose form (or ``X-CSRF-Token`` header) does not
carry the same token. A cross-site page can make the browser send the
session cookie but cannot read the token, so it cannot forge the field.

Blueprints that speak only JSON (the API) are exempt: a browser cannot send
``application/json`` cross-site without a CORS preflight.
"""

from __future__ import annotations

import hmac
import secrets
import typing as t

from markupsafe import Markup, escape

from kolba import abort, request, session

if t.TYPE_CHECKING:
    from kolba import Blueprint, Kolba

SESSION_KEY = "_csrf_token"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_EXEMPT_KEY = "showcase.csrf_exempt"


def generate_csrf() -> str:
    """Return the session's token, creating it on the first form rendered."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def csrf_field() -> Markup:
    """The hidden ``<input>`` every POST form includes."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        FORM_FIELD, escape(generate_csrf())
    )


def _submitted_token() -> str:
    """The token the client sent, from the form or the header."""
    return request.form.get(FORM_FIELD) or request.headers.get(HEADER, "")


def _is_exempt(app: Kolba) -> bool:
    """Whether the request's blueprint was marked exempt."""
    exempt: set[str] = app.extensions[_EXEMPT_KEY]
    return any(name in exempt for name in request.blueprints)


def _make_check(app: Kolba) -> t.Callable[[], None]:
    """Build the hook; it closes over ``app`` to find the exempt list."""

    def check_csrf() -> None:
        # An unmatched URL answers 404/405 rather than a misleading 400.
        if request.routing_exception is not None:
            return
        if request.method in SAFE_METHODS or _is_exempt(app):
            return
        expected = session.get(SESSION_KEY)
        sent = _submitted_token()
        if not isinstance(expected, str) or not sent:
            abort(400, description="The CSRF token is missing. Reload the page and try again.")
        if not hmac.compare_digest(expected.encode(), sent.encode()):
            abort(400, description="The CSRF token is invalid. Reload the page and try again.")

    return check_csrf


def exempt(app: Kolba, blueprint: Blueprint) -> None:
    """Let ``blueprint``'s views accept unsafe methods without a token."""
    app.extensions[_EXEMPT_KEY].add(blueprint.name)


def init_app(app: Kolba) -> None:
    """Install the check and the ``csrf_token()``/``csrf_field()`` template globals."""
    app.extensions[_EXEMPT_KEY] = set()
    app.before_request(_make_check(app))
    app.add_template_global(generate_csrf, "csrf_token")
    app.add_template_global(csrf_field, "csrf_field")
