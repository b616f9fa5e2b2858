"""Benchmarks that compare Kolba with a bare WSGI floor, Flask, Falcon and Bottle.

Run ``python -m benchmarks --help``.  The request scenarios live in
``scenarios``, the apps under test in ``apps``, the in-process timing in
``measure``; ``routing_scale``, ``importtime``, ``memory`` and ``e2e``
(real servers over loopback, driven by wrk) each add one more section.
"""
