"""Real Flask extensions from PyPI running on Kolba through ``kolba.compat``."""
