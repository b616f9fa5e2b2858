"""A package app: ``--app cliapp_pkg`` or ``--app path/to/cliapp_pkg``."""

from kolba import Kolba

app = Kolba("cliapp_pkg", static_folder=None)
