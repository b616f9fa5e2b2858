"""One module per framework, each serving the same endpoints its own idiomatic way.

Every module exposes ``app`` (the plain endpoints plus 50 filler dynamic
routes), ``hooks_app`` and ``session_app`` (separate apps, because global
request hooks and a configured secret key, which makes Flask open a session
on every request, would otherwise tax every other scenario) and
``session_cookie()`` (the ``Cookie`` header value carrying ``{"user":
"alice"}`` in a session ``session_app`` accepts) and
``session_cookies(count)`` (that many distinct such cookies, each session
also carrying its own ``visit`` number).  The Flask and Kolba
modules also expose ``make_routing_app()`` for the routing-scale section.
"""
