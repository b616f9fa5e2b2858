"""Operator tools that live next to the code: load, soak and fault experiments."""
