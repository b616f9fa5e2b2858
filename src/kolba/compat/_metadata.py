"""Flask's package metadata, answered by Kolba while the alias is installed.

Extensions read ``importlib.metadata.version("flask")`` (often at import
time, to pick code paths or fill a ``User-Agent``).  With only Kolba
installed there is no Flask distribution, so that call would raise
``PackageNotFoundError`` and take the whole application down with it.

The alias finder asks :func:`flask_distributions` whenever
``importlib.metadata`` looks for distributions.  It offers a small
distribution named Flask, of the Flask version Kolba implements, and only
when no real Flask distribution is on the search path: an installed Flask
keeps answering for itself.

This module imports :mod:`importlib.metadata`, so it is loaded only when a
metadata query actually runs.
"""

from __future__ import annotations

import importlib.metadata
import os
import pathlib
import re
import typing as t

#: The Flask release whose public API Kolba implements.
FLASK_VERSION = "3.1.3"

#: The ``METADATA`` file of the stand-in distribution (core metadata 2.1).
_METADATA_TEXT = f"""\
Metadata-Version: 2.1
Name: Flask
Version: {FLASK_VERSION}
Summary: Flask's API served by Kolba (kolba.compat); no Flask code is installed.
Requires-Python: >=3.10
"""


class KolbaFlaskDistribution(importlib.metadata.Distribution):
    """The Flask distribution that stands for Kolba under the alias.

    It has metadata and nothing else: no ``RECORD`` (so ``files`` is None),
    no entry points (the ``flask`` console script is not Kolba's to claim)
    and no requirements.
    """

    def read_text(self, filename: str) -> str | None:
        """The text of one metadata file; only ``METADATA`` exists."""
        if filename in ("METADATA", "PKG-INFO"):
            return _METADATA_TEXT
        return None

    def locate_file(self, path: str | os.PathLike[str]) -> pathlib.Path:
        """Paths are relative to the directory Kolba is installed in, as for a real one."""
        return pathlib.Path(__file__).resolve().parents[2] / path

    def __repr__(self) -> str:
        return f"<KolbaFlaskDistribution Flask {FLASK_VERSION}>"


def _normalized(name: str) -> str:
    """A distribution name as ``importlib.metadata`` compares them (PEP 503, ``_``)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _real_flask_installed(path: list[str]) -> bool:
    """Whether a Flask distribution is on ``path`` (what ``sys.path`` lookups see)."""
    context = importlib.metadata.DistributionFinder.Context(name="flask", path=path)
    found = importlib.metadata.MetadataPathFinder.find_distributions(context)
    return next(iter(found), None) is not None


def flask_distributions(
    context: importlib.metadata.DistributionFinder.Context,
) -> t.Iterable[importlib.metadata.Distribution]:
    """The stand-in Flask distribution, if the query is about Flask and none is installed."""
    name = context.name
    if name is not None and _normalized(name) != "flask":
        return ()
    if _real_flask_installed(context.path):
        return ()
    return (KolbaFlaskDistribution(),)
