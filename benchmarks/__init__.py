"""Benchmarks that compare Kolba with a bare WSGI floor, Flask, Falcon and Bottle.

Run ``python -m benchmarks --help``.  The request scenarios live in
``scenarios``, the apps under test in ``apps``, the in-process timing in
``measure``; ``importtime``, ``memory`` and ``routing_scale`` each add one
more section.  An end-to-end section (real servers over loopback) belongs in
a module of its own next to these when it is written.
"""
