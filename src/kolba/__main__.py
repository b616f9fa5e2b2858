"""``python -m kolba``: the same command as ``kolba``."""

from __future__ import annotations

from .cli import main

main()
