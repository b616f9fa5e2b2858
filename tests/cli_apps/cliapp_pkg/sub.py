"""A module inside a package: imported as ``cliapp_pkg.sub`` even from its file path."""

from kolba import Kolba

app = Kolba("cliapp_pkg_sub", static_folder=None)
