"""Errors that explain a likely mistake instead of only reporting it.

They are raised in debug mode only; each one says what went wrong and how
to fix it, where the plain error would leave the developer guessing.
"""

from __future__ import annotations

import typing as t

from werkzeug.routing import RequestRedirect

if t.TYPE_CHECKING:  # pragma: no cover
    from .wrappers import Request


class UnexpectedUnicodeError(AssertionError, UnicodeError):
    """Text was given where Kolba needs bytes."""


class DebugFilesKeyError(KeyError, AssertionError):
    """``request.files[key]`` found nothing because the form was not sent as multipart.

    A browser sends only the chosen file's *name* with a form that lacks
    ``enctype="multipart/form-data"``; the name then shows up in
    ``request.form``, which is how this case is recognised.
    """

    def __init__(self, request: Request, key: str) -> None:
        self.msg = _explain_missing_file(request, key)

    def __str__(self) -> str:
        return self.msg


def _explain_missing_file(request: Request, key: str) -> str:
    """Build the message of :class:`DebugFilesKeyError`."""
    text = " ".join((
        f"You tried to access the file {key!r} in the request.files dictionary"
        " but it does not exist.",
        f"The mimetype for the request is {request.mimetype!r} instead of"
        " 'multipart/form-data' which means that no file contents were transmitted.",
        'To fix this error you should provide enctype="multipart/form-data" in your form.',
    ))
    sent_names = request.form.getlist(key)
    if not sent_names:
        return text
    listed = ", ".join(repr(name) for name in sent_names)
    return (
        f"{text}\n\nThe browser instead transmitted some file names."
        f" This was submitted: {listed}"
    )


class FormDataRoutingRedirect(AssertionError):
    """Routing answered a request that carries a body with a redirect browsers follow without it.

    Raised instead of a 301/302 routing redirect for methods other than
    ``GET``, ``HEAD`` and ``OPTIONS``, since the browser would re-send the
    request without its form data.
    """

    def __init__(self, request: Request) -> None:
        redirect = t.cast(RequestRedirect, request.routing_exception)
        super().__init__(_explain_redirect(request, redirect.new_url))


def _explain_redirect(request: Request, target: str) -> str:
    """Build the message of :class:`FormDataRoutingRedirect`."""
    sentences = [
        f"A request was sent to '{request.url}', but routing issued a redirect"
        f" to the canonical URL '{target}'."
    ]
    if target.partition("?")[0] == f"{request.base_url}/":
        sentences.append(
            "The URL was defined with a trailing slash. Kolba will redirect to the"
            " URL with a trailing slash if it was accessed without one."
        )
    sentences.append(
        "Send requests to the canonical URL, or use 307 or 308 for routing"
        " redirects. Otherwise, browsers will drop form data."
    )
    return " ".join(sentences) + "\n\nThis exception is only raised in debug mode."


def attach_enctype_error_multidict(request: Request) -> None:
    """Make ``request.files[key]`` raise :class:`DebugFilesKeyError` where it helps.

    The ``files`` object keeps its data and class name; only its class is
    swapped for a subclass that checks ``request.form`` before failing.
    """
    files = request.files
    files.__class__ = _explaining_files_class(type(files), request)


def _explaining_files_class(base: type[t.Any], request: Request) -> type[t.Any]:
    """Subclass ``base`` so a missing key that the form has gets explained."""

    def __getitem__(self: t.Any, key: str) -> t.Any:
        if key not in self and key in request.form:
            raise DebugFilesKeyError(request, key)
        return base.__getitem__(self, key)

    namespace = {
        "__getitem__": __getitem__,
        "__module__": base.__module__,
        "__qualname__": base.__qualname__,
    }
    return type(base.__name__, (base,), namespace)


def __getattr__(name: str) -> t.Any:
    """Reach ``explain_template_loading_attempts`` here, under Flask's module.

    It lives with the template loader because it needs Jinja2; importing it
    lazily keeps this module free of Jinja2 for everyone else.
    """
    if name == "explain_template_loading_attempts":
        from .templating import explain_template_loading_attempts

        return explain_template_loading_attempts
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
