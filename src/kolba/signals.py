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
#: Sent when an application context is pushed; receivers run inside it, so
#: they can set values on ``g``.
appcontext_pushed = _ObservedSignal("appcontext-pushed")
#: Sent after an application context is popped.
appcontext_popped = _ObservedSignal("appcontext-popped")
#: Sent when an application context is torn down, after the
#: ``teardown_appcontext`` functions, with ``exc``: the unhandled exception or ``None``.
appcontext_tearing_down = _ObservedSignal("appcontext-tearing-down")
#: Sent when a request begins, before the ``before_request`` functions.
request_started = _ObservedSignal("request-started")
#: Sent with ``response`` once the response is made, before teardown.
request_finished = _ObservedSignal("request-finished")
#: Sent when the request context is torn down, after the
#: ``teardown_request`` functions, with ``exc``: the unhandled exception or ``None``.
request_tearing_down = _ObservedSignal("request-tearing-down")
#: Sent with ``exception`` when no error handler handles an exception,
#: before the 500 response is made (or the exception propagates).
got_request_exception = _ObservedSignal("got-request-exception")
#: Sent with ``template`` and ``context`` before a template renders; a
#: receiver may change ``context``.
before_render_template = _ObservedSignal("before-render-template")
#: Sent with ``template`` and ``context`` after a template has rendered.
template_rendered = _ObservedSignal("template-rendered")
#: Sent with ``message`` and ``category`` when :func:`kolba.flash` stores a message.
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
