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
  The API docs page (``/docs``, Swagger UI) starts with a short inline
  script: its policy allows that script alone, by its SHA-256 digest.

A view can set its own value for any of them; the hook only fills gaps.
"""

from __future__ import annotations

import base64
import hashlib
import re
import typing as t

from kolba import request

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
#: The endpoint of ``kolba.api``'s docs page, the one page with an inline script.
DOCS_ENDPOINT = "openapi_docs.page"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def docs_page_policy(page: str) -> str:
    """``PAGE_POLICY`` that also runs the inline scripts of ``page``, named by their digests."""
    digests = [
        "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"
        for code in _INLINE_SCRIPT.findall(page)
    ]
    return PAGE_POLICY.replace("script-src 'self'", " ".join(["script-src 'self'", *digests]))


def add_security_headers(response: Response) -> Response:
    """Fill in the headers every response should carry."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype != "text/html":
        policy = OTHER_POLICY
    elif request.endpoint == DOCS_ENDPOINT and response.status_code == 200:
        policy = docs_page_policy(response.get_data(as_text=True))
    else:
        policy = PAGE_POLICY
    headers.setdefault("Content-Security-Policy", policy)
    return response


def init_app(app: Kolba) -> None:
    """Run the hook after every request, errors included."""
    app.after_request(add_security_headers)
