"""Entry point for ``python -m benchmarks``."""

from __future__ import annotations

from benchmarks.runner import main

raise SystemExit(main())
