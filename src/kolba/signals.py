"""The blinker signals Flask documents, under Flask's names.

Importing this module costs blinker's import and nothing per request: the
serving core asks :func:`kolba.core.receivers_changed` to re-decide its lanes
whenever a receiver connects to or disconnects from one of these signals, so
a process where nobody listens (the usual case, even when an extension
imported this module) keeps the lean request path.
"""

from __future__ import annotations

import typing as t

from blinker import NamedSignal
from blinker import Namespace as Namespace  # re-exported, as flask.signals does

from .core import receivers_changed


class _ObservedSignal(NamedSignal):
    """A named signal that tells the serving core when its receivers change.

    Receivers that blinker drops because they were garbage-collected do not
    notify; the core then merely keeps sending to an empty signal, which is
    correct, only a little slower.
    """

    def connect(self, receiver: t.Any, *args: t.Any, **kwargs: t.Any) -> t.Any:
        result = super().connect(receiver, *args, **kwargs)
        receivers_changed()
        return result

    def disconnect(self, receiver: t.Any, *args: t.Any, **kwargs: t.Any) -> None:
        super().disconnect(receiver, *args, **kwargs)
        receivers_changed()


# Names are Flask's (extensions match on them); the order is ours.
appcontext_pushed = _ObservedSignal("appcontext-pushed")
appcontext_popped = _ObservedSignal("appcontext-popped")
appcontext_tearing_down = _ObservedSignal("appcontext-tearing-down")
request_started = _ObservedSignal("request-started")
request_finished = _ObservedSignal("request-finished")
request_tearing_down = _ObservedSignal("request-tearing-down")
got_request_exception = _ObservedSignal("got-request-exception")
before_render_template = _ObservedSignal("before-render-template")
template_rendered = _ObservedSignal("template-rendered")
message_flashed = _ObservedSignal("message-flashed")

#: The signals by name, for code that looks them up in Flask's namespace.
_signals = Namespace()
for _signal in (
    appcontext_pushed, appcontext_popped, appcontext_tearing_down, request_started,
    request_finished, request_tearing_down, got_request_exception,
    before_render_template, template_rendered, message_flashed,
):
    _signals[_signal.name] = _signal
del _signal

#: Signals the request lifecycle sends; their receivers decide its lane.
LIFECYCLE: tuple[_ObservedSignal, ...] = (
    appcontext_pushed,
    appcontext_popped,
    appcontext_tearing_down,
    request_started,
    request_finished,
    request_tearing_down,
)
