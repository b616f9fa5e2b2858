"""A module whose own import fails: the error is the user's, not a missing module."""

import cliapp_missing_dependency  # noqa: F401

from kolba import Kolba

app = Kolba(__name__)
