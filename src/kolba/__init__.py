"""Kolba: Flask's API on a fast request path, for WSGI and ASGI.

Names that need Jinja2, blinker or Click are imported on first use, so
``import kolba`` costs only what serving a request needs.
"""

from __future__ import annotations

import importlib
import typing as t

# Captured first: importing the ``kolba.globals`` submodule below rebinds the
# name ``globals`` in this namespace.
_namespace = globals()

from . import json as json
from .app import Kolba as Kolba
from .config import Config as Config
from .ctx import after_this_request as after_this_request
from .ctx import copy_current_request_context as copy_current_request_context
from .ctx import has_app_context as has_app_context
from .ctx import has_request_context as has_request_context
from .globals import current_app as current_app
from .globals import g as g
from .globals import request as request
from .globals import session as session
from .globals import websocket as websocket
from .helpers import abort as abort
from .helpers import flash as flash
from .helpers import get_flashed_messages as get_flashed_messages
from .helpers import get_template_attribute as get_template_attribute
from .helpers import make_response as make_response
from .helpers import redirect as redirect
from .helpers import send_file as send_file
from .helpers import send_from_directory as send_from_directory
from .helpers import stream_with_context as stream_with_context
from .helpers import url_for as url_for
from .json import jsonify as jsonify
from .wrappers import Request as Request
from .wrappers import Response as Response

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    "Blueprint": "kolba.blueprints",
    "render_template": "kolba.templating",
    "render_template_string": "kolba.templating",
    "stream_template": "kolba.templating",
    "stream_template_string": "kolba.templating",
    "template_rendered": "kolba.signals",
    "before_render_template": "kolba.signals",
    "request_started": "kolba.signals",
    "request_finished": "kolba.signals",
    "request_tearing_down": "kolba.signals",
    "got_request_exception": "kolba.signals",
    "appcontext_tearing_down": "kolba.signals",
    "appcontext_pushed": "kolba.signals",
    "appcontext_popped": "kolba.signals",
    "message_flashed": "kolba.signals",
    "stream_request_body": "kolba.asgi",
}

__all__ = [
    "Config",
    "Kolba",
    "Request",
    "Response",
    "abort",
    "after_this_request",
    "copy_current_request_context",
    "current_app",
    "flash",
    "g",
    "get_flashed_messages",
    "get_template_attribute",
    "has_app_context",
    "has_request_context",
    "json",
    "jsonify",
    "make_response",
    "redirect",
    "request",
    "send_file",
    "send_from_directory",
    "session",
    "stream_with_context",
    "url_for",
    "websocket",
    *_LAZY,
]


#: Submodules reachable as attributes of ``kolba`` without importing them first.
_LAZY_MODULES = frozenset({"sse"})


def __getattr__(name: str) -> t.Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        if name in _LAZY_MODULES:
            return importlib.import_module(f"kolba.{name}")
        raise AttributeError(f"module 'kolba' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    _namespace[name] = value
    return value


if t.TYPE_CHECKING:
    from .blueprints import Blueprint as Blueprint
    from .signals import appcontext_popped as appcontext_popped
    from .signals import appcontext_pushed as appcontext_pushed
    from .signals import appcontext_tearing_down as appcontext_tearing_down
    from .signals import before_render_template as before_render_template
    from .signals import got_request_exception as got_request_exception
    from .signals import message_flashed as message_flashed
    from .signals import request_finished as request_finished
    from .signals import request_started as request_started
    from .signals import request_tearing_down as request_tearing_down
    from .signals import template_rendered as template_rendered
    from .templating import render_template as render_template
    from .templating import render_template_string as render_template_string
    from .templating import stream_template as stream_template
    from .templating import stream_template_string as stream_template_string
    from . import sse as sse
    from .asgi import stream_request_body as stream_request_body
