"""A module that raises something other than ImportError while loading."""

raise RuntimeError("boom at import time")
