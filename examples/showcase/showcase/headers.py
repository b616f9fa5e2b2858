"""Security headers on every response, added by one ``after_request`` hook.

- ``X-Content-Type-Options: nosniff``: browsers believe our Content-Type
  instead of guessing, so a note's text can never be run as a script.
- ``Referrer-Policy: same-origin``: our URLs (which may carry ids or
  ``?next=`` paths) are not sent to other sites.
- ``Content-Security-Policy``: pages load scripts, styles, images, fonts and
  form targets only from this site and may not be framed. The templates have
  no inline ``<script>``, ``<style>`` or ``style=``, so nothing breaks; a
  script injected despite Jinja's escaping would not run. Other responses
  (JSON, CSS) get a policy that allows nothing, as they are never documents.

A view can set its own value for any of them; the hook only fills gaps.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from werkzeug.sansio.response import Response

    from kolba import Kolba

PAGE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"


def add_security_headers(response: Response) -> Response:
    """Fill in the headers every response should carry."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    policy = PAGE_POLICY if response.mimetype == "text/html" else OTHER_POLICY
    headers.setdefault("Content-Security-Policy", policy)
    return response


def init_app(app: Kolba) -> None:
    """Run the hook after every request, errors included."""
    app.after_request(add_security_headers)
