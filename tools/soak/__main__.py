"""``python -m tools.soak``: the showcase under every server, loaded, then audited.

    python -m tools.soak                                # 30 s per server (make soak)
    python -m tools.soak --seconds 3                    # the short form CI runs
    python -m tools.soak --servers uvicorn-asgi --seconds 5
    python -m tools.soak --json soak.json               # keep every figure
    python -m tools.soak slowloris                      # slow clients each server holds
    python -m tools.soak bodies                         # a large body's cost, limits off and on

Exits 1 when a server misses a target (see ``tools/soak/run.py``).
"""

from __future__ import annotations

from .cli import main

raise SystemExit(main())
