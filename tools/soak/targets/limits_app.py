"""A small app whose body limits come from the environment, for ``python -m tools.soak bodies``.

``LIMITS_MAX_CONTENT_LENGTH``, ``LIMITS_MAX_FORM_MEMORY_SIZE`` and
``LIMITS_MAX_FORM_PARTS`` set the keys of the same names (``none`` for no
limit); unset keys keep Kolba's defaults.
"""

from __future__ import annotations

import os

from kolba import Kolba, request

app = Kolba(__name__)
for key in ("MAX_CONTENT_LENGTH", "MAX_FORM_MEMORY_SIZE", "MAX_FORM_PARTS"):
    value = os.environ.get(f"LIMITS_{key}")
    if value is not None:
        app.config[key] = None if value == "none" else int(value)


@app.post("/form")
def form() -> dict[str, int]:
    """Parse the form, as any view reading ``request.form`` does."""
    return {"fields": len(request.form), "files": len(request.files)}
