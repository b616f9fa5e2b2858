"""One module per framework for the typed-API section, each exposing ``app``.

Each app serves the same two endpoints its own idiomatic way, with the
validation library it documents first:

* ``POST /orders``: a body of ten fields (a nested address, a list of order
  lines, constrained numbers and strings) validated into a model and
  echoed back as a typed response;
* ``GET /items``: five query parameters (a constrained string and numbers,
  an enum, a list from repeated keys) validated and answered with a typed
  page object.

``payload.py`` holds what is sent and what must come back.
"""
