"""The explaining errors of debug mode: files sent without multipart, routing redirects."""

from __future__ import annotations

import typing as t

import pytest
from werkzeug.exceptions import BadRequestKeyError
from werkzeug.routing import RequestRedirect

import kolba
from kolba import request
from kolba.debughelpers import (
    DebugFilesKeyError,
    FormDataRoutingRedirect,
    UnexpectedUnicodeError,
    attach_enctype_error_multidict,
)

MISSING_FILE = (
    "You tried to access the file 'upload' in the request.files dictionary but it"
    " does not exist. The mimetype for the request is"
    " 'application/x-www-form-urlencoded' instead of 'multipart/form-data' which"
    " means that no file contents were transmitted. To fix this error you should"
    ' provide enctype="multipart/form-data" in your form.'
)


@pytest.fixture
def upload_app(app: kolba.Kolba) -> kolba.Kolba:
    @app.route("/upload", methods=["POST"])
    def upload() -> str:
        return request.files["upload"].filename or ""

    return app


def test_files_key_sent_as_form_field_is_explained_in_debug(upload_app: kolba.Kolba) -> None:
    upload_app.debug = True
    with pytest.raises(DebugFilesKeyError) as info:
        upload_app.test_client().post("/upload", data={"upload": "report.pdf"})
    message = str(info.value)
    assert message == (
        MISSING_FILE + "\n\nThe browser instead transmitted some file names."
        " This was submitted: 'report.pdf'"
    )
    assert isinstance(info.value, KeyError) and isinstance(info.value, AssertionError)


def test_a_form_read_first_still_explains_the_missing_file(app: kolba.Kolba) -> None:
    # The form is parsed before ``files`` is made; the explanation comes with ``files``.
    @app.route("/upload", methods=["POST"])
    def upload() -> str:
        assert request.form["upload"] == "report.pdf"
        return request.files["upload"].filename or ""

    app.debug = True
    with pytest.raises(DebugFilesKeyError, match="This was submitted: 'report.pdf'$"):
        app.test_client().post("/upload", data={"upload": "report.pdf"})


def test_every_submitted_name_is_listed(upload_app: kolba.Kolba) -> None:
    upload_app.debug = True
    with upload_app.test_request_context(
        "/upload", method="POST", data={"upload": ["a.txt", "b.txt"]}
    ):
        with pytest.raises(DebugFilesKeyError, match="This was submitted: 'a.txt', 'b.txt'$"):
            request.files["upload"]


def test_key_absent_from_form_too_is_the_usual_bad_request(upload_app: kolba.Kolba) -> None:
    upload_app.debug = True
    with upload_app.test_request_context("/upload", method="POST", data={"other": "x"}):
        with pytest.raises(BadRequestKeyError) as info:
            request.files["upload"]
        assert not isinstance(info.value, DebugFilesKeyError)


def test_a_multipart_form_gets_no_enctype_hint(upload_app: kolba.Kolba) -> None:
    # The hint is for forms sent without multipart; a multipart form that
    # sent the name as a text field gets the usual bad request.
    upload_app.debug = True
    with upload_app.test_request_context(
        "/upload", method="POST", data={"upload": "report.pdf"}, content_type="multipart/form-data"
    ):
        with pytest.raises(BadRequestKeyError) as info:
            request.files["upload"]
        assert not isinstance(info.value, DebugFilesKeyError)


def test_without_debug_the_missing_file_is_a_400(upload_app: kolba.Kolba) -> None:
    upload_app.config["TRAP_BAD_REQUEST_ERRORS"] = False
    response = upload_app.test_client().post("/upload", data={"upload": "report.pdf"})
    assert response.status_code == 400


def test_attached_files_keep_their_data_and_class_name(app: kolba.Kolba) -> None:
    with app.test_request_context("/", method="POST", data={"upload": "name.txt"}):
        files = request.files
        original = type(files)
        attach_enctype_error_multidict(request)
        assert request.files is files
        assert type(files).__name__ == original.__name__
        assert isinstance(files, original)
        assert files.get("upload") is None
        assert "upload" not in files
        with pytest.raises(DebugFilesKeyError) as info:
            files["upload"]
        assert str(info.value) == (
            MISSING_FILE + "\n\nThe browser instead transmitted some file names."
            " This was submitted: 'name.txt'"
        )
        assert info.value.args == (request._get_current_object(), "upload")  # type: ignore[attr-defined]


def test_attached_files_still_return_real_uploads(app: kolba.Kolba) -> None:
    import io

    data = {"upload": (io.BytesIO(b"content"), "real.txt")}
    with app.test_request_context("/", method="POST", data=data):
        attach_enctype_error_multidict(request)
        assert request.files["upload"].filename == "real.txt"


def _redirect_error(app: kolba.Kolba, path: str, new_url: str) -> str:
    with app.test_request_context(path, method="POST"):
        request.routing_exception = RequestRedirect(new_url)
        return str(FormDataRoutingRedirect(request))


def test_form_data_routing_redirect_message_for_a_missing_slash(app: kolba.Kolba) -> None:
    message = _redirect_error(app, "/items?page=2", "http://localhost/items/?page=2")
    framework = kolba.Kolba.__name__
    assert message == (
        "A request was sent to 'http://localhost/items?page=2', but routing issued a"
        " redirect to the canonical URL 'http://localhost/items/?page=2'. The URL was"
        f" defined with a trailing slash. {framework} will redirect to the URL with a"
        " trailing slash if it was accessed without one. Send requests to the"
        " canonical URL, or use 307 or 308 for routing redirects. Otherwise, browsers"
        " will drop form data.\n\nThis exception is only raised in debug mode."
    )


def test_form_data_routing_redirect_message_for_another_url(app: kolba.Kolba) -> None:
    message = _redirect_error(app, "/old", "http://localhost/new")
    assert message == (
        "A request was sent to 'http://localhost/old', but routing issued a redirect"
        " to the canonical URL 'http://localhost/new'. Send requests to the canonical"
        " URL, or use 307 or 308 for routing redirects. Otherwise, browsers will drop"
        " form data.\n\nThis exception is only raised in debug mode."
    )
    assert issubclass(FormDataRoutingRedirect, AssertionError)


def test_unexpected_unicode_error_is_both_kinds() -> None:
    assert issubclass(UnexpectedUnicodeError, AssertionError)
    assert issubclass(UnexpectedUnicodeError, UnicodeError)


def test_template_loading_explanation_is_reachable_here() -> None:
    import kolba.debughelpers

    explain: t.Any = kolba.debughelpers.explain_template_loading_attempts
    assert callable(explain)
    with pytest.raises(AttributeError):
        kolba.debughelpers.no_such_helper  # type: ignore[attr-defined]  # noqa: B018


def test_files_read_after_the_form_are_explained_in_debug(upload_app: kolba.Kolba) -> None:
    """Reading ``request.form`` first (its quick urlencoded path) still attaches the hint."""
    upload_app.debug = True
    with upload_app.test_request_context("/upload", method="POST", data={"upload": "report.pdf"}):
        assert request.form["upload"] == "report.pdf"
        with pytest.raises(DebugFilesKeyError, match="This was submitted: 'report.pdf'$"):
            request.files["upload"]
