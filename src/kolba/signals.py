"""Flask's blinker signals, under the same names.

This module (and blinker with it) is imported only when someone asks for a
signal.  Importing it tells the app that receivers may exist; until then the
request path skips signal sending altogether.
"""

from __future__ import annotations

import sys

from blinker import Namespace

_signals = Namespace()

template_rendered = _signals.signal("template-rendered")
before_render_template = _signals.signal("before-render-template")
request_started = _signals.signal("request-started")
request_finished = _signals.signal("request-finished")
request_tearing_down = _signals.signal("request-tearing-down")
got_request_exception = _signals.signal("got-request-exception")
appcontext_tearing_down = _signals.signal("appcontext-tearing-down")
appcontext_pushed = _signals.signal("appcontext-pushed")
appcontext_popped = _signals.signal("appcontext-popped")
message_flashed = _signals.signal("message-flashed")


def _announce() -> None:
    from . import app

    app._signals_module = sys.modules[__name__]


_announce()
