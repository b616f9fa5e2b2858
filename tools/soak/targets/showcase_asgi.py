"""The showcase behind its ASGI door, for ASGI servers.

``create_app()`` builds the WSGI application; ASGI servers need an ASGI
callable, which every Kolba app carries as ``app.asgi``. Serve it with::

    uvicorn showcase_asgi:app.asgi
    granian --interface asgi showcase_asgi:app.asgi
    hypercorn showcase_asgi:app.asgi

(with this directory and ``examples/showcase`` on ``PYTHONPATH``, and the
production variables of docs/showcase.md set).
"""

from __future__ import annotations

from showcase import create_app

app = create_app()
