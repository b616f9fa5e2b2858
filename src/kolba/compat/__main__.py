"""``python -m kolba.compat ARGS``: the ``flask`` command line, served by Kolba.

Runs the ``kolba`` command with the Flask alias installed first, so a Flask
project's ``flask run``, ``flask routes``, ``flask shell`` and its
extensions' commands (``flask db upgrade``) work unchanged, reading
``FLASK_APP``, ``FLASK_DEBUG``, ``FLASK_RUN_*`` and ``.flaskenv`` as well
as Kolba's own names.
"""

from __future__ import annotations

from kolba.compat import install

install()

from kolba.cli import main  # noqa: E402  (after install: the CLI then sees Flask's names)

main()
