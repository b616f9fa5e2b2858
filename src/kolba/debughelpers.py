"""Errors that explain common mistakes, raised only in debug mode."""

from __future__ import annotations

import typing as t

from werkzeug.routing import RequestRedirect

if t.TYPE_CHECKING:
    from .wrappers import Request


class UnexpectedUnicodeError(AssertionError, UnicodeError):
    """Raised where Kolba expected bytes but got text."""


class DebugFilesKeyError(KeyError, AssertionError):
    """``request.files[key]`` failed because the form was not multipart."""

    def __init__(self, request: Request, key: str) -> None:
        form_matches = request.form.getlist(key)
        message = (
            f"You tried to access the file {key!r} in the request.files"
            " dictionary but it does not exist. The mimetype for the"
            f" request is {request.mimetype!r} instead of"
            " 'multipart/form-data' which means that no file contents"
            " were transmitted. To fix this error you should provide"
            ' enctype="multipart/form-data" in your form.'
        )
        if form_matches:
            names = ", ".join(repr(x) for x in form_matches)
            message += (
                "\n\nThe browser instead transmitted some file names. "
                f"This was submitted: {names}"
            )
        self.msg = message

    def __str__(self) -> str:
        return self.msg


class FormDataRoutingRedirect(AssertionError):
    """A routing redirect would make the browser drop a POSTed body."""

    def __init__(self, request: Request) -> None:
        exc = t.cast(RequestRedirect, request.routing_exception)
        message = [
            f"A request was sent to '{request.url}', but routing issued"
            f" a redirect to the canonical URL '{exc.new_url}'."
        ]
        if f"{request.base_url}/" == exc.new_url.partition("?")[0]:
            message.append(
                " The URL was defined with a trailing slash. Kolba"
                " will redirect to the URL with a trailing slash if it"
                " was accessed without one."
            )
        message.append(
            " Send requests to the canonical URL, or use 307 or 308 for"
            " routing redirects. Otherwise, browsers will drop form"
            " data.\n\nThis exception is only raised in debug mode."
        )
        super().__init__("".join(message))


def attach_enctype_error_multidict(request: Request) -> None:
    """Make ``request.files[key]`` explain a missing multipart enctype."""
    files = request.files
    original = type(files)

    class _ExplainingFiles(original):  # type: ignore[valid-type, misc]
        def __getitem__(self, key: str) -> t.Any:
            try:
                return super().__getitem__(key)
            except KeyError as e:
                if key not in request.form:
                    raise
                raise DebugFilesKeyError(request, key).with_traceback(e.__traceback__) from None

    _ExplainingFiles.__name__ = original.__name__
    _ExplainingFiles.__qualname__ = original.__qualname__
    files.__class__ = _ExplainingFiles


def __getattr__(name: str) -> t.Any:
    # Lives with the template loader (it needs Jinja2); reachable here under
    # Flask's name without importing Jinja2 for every user of this module.
    if name == "explain_template_loading_attempts":
        from .templating import explain_template_loading_attempts

        return explain_template_loading_attempts
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
