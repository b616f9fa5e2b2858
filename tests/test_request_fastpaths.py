"""The request's read fast paths answer exactly as Werkzeug's classes do.

``request.args``, ``request.form`` and ``request.cookies`` are
``RequestMultiDict`` (an ``ImmutableMultiDict`` with quicker ``get`` and
``[]``), ``request.headers`` is built without Werkzeug's constructors, and
``request.form`` is read from the instance dict after the first access.
Each is compared with Werkzeug's own answer on random and hostile input;
the Werkzeug internals they rely on are pinned at the end.
"""

from __future__ import annotations

import io
import pickle
import typing as t
from copy import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import EnvironHeaders, Headers, ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequestKeyError
from werkzeug.wrappers import Request as WerkzeugRequest

if t.TYPE_CHECKING:
    from kolba.wrappers import Request


def _wrappers() -> t.Any:
    """Kolba's wrappers module, imported when a test runs (never against Flask)."""
    import kolba.wrappers

    return kolba.wrappers

pytestmark = pytest.mark.kolba_only

_TEXT = st.sampled_from(["", "a", "b", "page", "é", "1", "-2", "3.5", " 4 ", "x" * 50, "\x00", "１"])
pairs_strategy = st.lists(st.tuples(_TEXT, _TEXT), max_size=8)


def _type_error(value: str) -> int:
    raise TypeError(value)


_TYPES = st.sampled_from([None, int, float, str.upper, _type_error])


def _outcome(fn: t.Callable[[], t.Any]) -> tuple[str, t.Any]:
    try:
        return "ok", fn()
    except BadRequestKeyError as error:
        return "missing", error.args
    except Exception as error:  # noqa: BLE001 - the error class is the answer compared
        return "error", type(error)


@settings(max_examples=400, deadline=None)
@given(pairs=pairs_strategy, key=_TEXT, default=st.sampled_from([None, 0, "d"]), kind=_TYPES)
def test_request_multidict_reads_like_werkzeug(
    pairs: list[tuple[str, str]], key: str, default: t.Any, kind: t.Any
) -> None:
    ours, theirs = _wrappers().multidict(ImmutableMultiDict, pairs), ImmutableMultiDict(pairs)
    assert type(ours) is _wrappers().RequestMultiDict and isinstance(ours, ImmutableMultiDict)
    assert _outcome(lambda: ours.get(key, default, kind)) == _outcome(lambda: theirs.get(key, default, kind))
    assert _outcome(lambda: ours.get(key)) == _outcome(lambda: theirs.get(key))
    assert _outcome(lambda: ours[key]) == _outcome(lambda: theirs[key])
    assert ours.getlist(key) == theirs.getlist(key)
    assert list(ours.items(multi=True)) == list(theirs.items(multi=True))
    assert ours.to_dict() == theirs.to_dict() and ours.to_dict(flat=False) == theirs.to_dict(flat=False)
    assert repr(ours) == repr(theirs) and ours == theirs and len(ours) == len(theirs)
    assert (key in ours) == (key in theirs) and list(ours) == list(theirs)
    assert type(ours.copy()) is type(theirs.copy()) is MultiDict and ours.copy() == theirs.copy()
    assert copy(ours) == theirs and pickle.loads(pickle.dumps(ours)) == theirs


def _every_answer(md: t.Any, key: str, kind: t.Any) -> list[t.Any]:
    """What each read of a MultiDict answers, in a form to compare across classes."""
    import json
    from copy import deepcopy

    from werkzeug.datastructures import CombinedMultiDict, iter_multi_items

    combined = CombinedMultiDict([md, ImmutableMultiDict([("z", "9"), (key, "last")])])
    return [
        list(md.items()), list(md.items(multi=True)), list(md.lists()), list(md.values()),
        list(md.listvalues()), len(md.listvalues()), list(md.keys()), list(reversed(md)),
        md.to_dict(), md.to_dict(flat=False), md.getlist(key), md.getlist(key, kind)
        if kind is not _type_error else _outcome(lambda: md.getlist(key, kind)),
        md.__getstate__(), dict(md), {**md}, {"x": 0} | md, md | {"x": "1"},
        type(md | {"x": "1"}), MultiDict(md), MultiDict(md).getlist(key), md.copy().getlist(key),
        list(iter_multi_items(md)), json.dumps(md), combined.getlist(key), combined[key]
        if key in combined else None, list(combined.items(multi=True)), combined.to_dict(flat=False),
        deepcopy(md).getlist(key), pickle.loads(pickle.dumps(md)).to_dict(flat=False),
        type(md).fromkeys(["a", key], "v").to_dict(flat=False), hash(md),
        md == {k: v for k, v in md.lists()}, md != {k: v for k, v in md.lists()},
        md == MultiDict(md), md != ImmutableMultiDict([("other", "1")]), md == [1], md != 3,
        {k: v for k, v in md.items()} == md, type(md.items()).__name__, type(md.lists()).__name__,
    ]


@settings(max_examples=300, deadline=None)
@given(pairs=pairs_strategy, key=_TEXT, kind=_TYPES)
def test_request_multidict_answers_every_read_like_werkzeug(
    pairs: list[tuple[str, str]], key: str, kind: t.Any
) -> None:
    """Storing first values and repeats apart changes no answer of any method."""
    wrappers = _wrappers()
    ours, theirs = wrappers.multidict(ImmutableMultiDict, pairs), ImmutableMultiDict(pairs)
    assert _every_answer(ours, key, kind) == _every_answer(theirs, key, kind)
    # Copies made through the class stay Kolba's, and answer the same.
    for made in (pickle.loads(pickle.dumps(ours)), type(ours)(pairs), type(ours)(theirs),
                 type(ours)(theirs.to_dict(flat=False)), copy(ours)):
        assert type(made) is wrappers.RequestMultiDict
        assert _every_answer(made, key, kind) == _every_answer(theirs, key, kind)
    assert ours == theirs and theirs == ours and not ours != theirs and hash(ours) == hash(theirs)
    different = wrappers.multidict(ImmutableMultiDict, [*pairs, (key, "another")])
    assert different != ours and not different == theirs
    different.__init__(pairs)  # made again in place: nothing of the old values is left
    assert different.to_dict(flat=False) == theirs.to_dict(flat=False)


def test_request_multidict_reads_a_key_in_c() -> None:
    """``[]`` is dict's own lookup; a miss raises Werkzeug's error through ``__missing__``."""
    ours = _wrappers().multidict(ImmutableMultiDict, [("a", "1"), ("b", "2"), ("a", "3")])
    assert type(ours).__getitem__ is dict.__getitem__
    assert ours["a"] == "1" and ours.getlist("a") == ["1", "3"]
    with pytest.raises(BadRequestKeyError) as missing:
        ours["c"]
    assert missing.value.args == ("c",)


def test_request_multidict_stays_immutable_and_rejects_unhashable_keys() -> None:
    ours = _wrappers().multidict(ImmutableMultiDict, [("a", "1")])
    with pytest.raises(TypeError):
        ours["b"] = "2"
    with pytest.raises(TypeError):
        ours.get([])  # type: ignore[arg-type]


_ENVIRON_KEYS = st.sampled_from(
    ["HTTP_X_REQUEST_ID", "HTTP_COOKIE", "CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_", "HTTP_HOST",
     "SERVER_NAME", "wsgi.input", "HTTP_X_A_B"]
)
_HEADER_NAMES = st.sampled_from(["X-Request-Id", "x-request-id", "X_Request_Id", "Cookie", "Content-Type",
                                 "content-length", "Host", "", "X-A-B", "Missing"])


@settings(max_examples=300, deadline=None)
@given(environ=st.dictionaries(_ENVIRON_KEYS, _TEXT, max_size=6), name=_HEADER_NAMES)
def test_request_headers_read_like_environ_headers(environ: dict[str, str], name: str) -> None:
    ours, theirs = _wrappers().Request(environ, populate_request=False).headers, EnvironHeaders(environ)
    assert isinstance(ours, EnvironHeaders) and ours.environ is environ
    assert list(ours) == list(theirs) and len(ours) == len(theirs)
    assert ours.get(name) == theirs.get(name) and ours.getlist(name) == theirs.getlist(name)
    assert (name in ours) == (name in theirs) and ours == theirs
    assert _outcome(lambda: ours[name]) == _outcome(lambda: theirs[name])
    assert ours.get(name, type=int) == theirs.get(name, type=int)


def _form_request(body: bytes, content_type: str) -> Request:
    return _wrappers().Request({  # type: ignore[no-any-return]
        "REQUEST_METHOD": "POST", "CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body), "SERVER_NAME": "x", "SERVER_PORT": "80",
    })


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"a=1&a=2&b=%C3%A9", "application/x-www-form-urlencoded"),
        (b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n'
         b'--B\r\nContent-Disposition: form-data; name="f"; filename="x.txt"\r\n\r\nhi\r\n--B--\r\n',
         "multipart/form-data; boundary=B"),
        (b"{}", "application/json"),
    ],
    ids=["urlencoded", "multipart", "not-a-form"],
)
def test_form_and_files_read_once_and_match_werkzeug(body: bytes, content_type: str) -> None:
    ours = _form_request(body, content_type)
    theirs = WerkzeugRequest(_form_request(body, content_type).environ)
    assert ours.form == theirs.form and list(ours.files) == list(theirs.files)
    # Parsed once: the form is kept in its field, the files in the instance dict.
    assert ours._kept_form is ours.form and ours.__dict__["files"] is ours.files
    files_first = _form_request(body, content_type)
    assert list(files_first.files) == list(theirs.files) and files_first.form == theirs.form


@pytest.mark.parametrize("name", ["args", "form", "cookies", "headers"])
def test_kept_attributes_behave_like_cached_properties(name: str) -> None:
    """Computed once; assignment replaces the value, deletion makes the next read compute it again."""
    wrappers = _wrappers()
    request = _form_request(b"a=1", "application/x-www-form-urlencoded")
    request.environ.update(QUERY_STRING="q=1", HTTP_COOKIE="c=d")
    assert isinstance(getattr(type(request), name), wrappers.kept_attribute)
    first = getattr(request, name)
    assert getattr(request, name) is first and getattr(request, f"_kept_{name}") is first
    setattr(request, name, "assigned")
    assert getattr(request, name) == "assigned"
    delattr(request, name)
    if name != "form":  # the body was read: a second parse finds it empty, as Werkzeug's would
        again = getattr(request, name)
        assert again is not first and list(again.items()) == list(first.items())


def test_the_unread_marker_is_an_object_of_a_builtin_type() -> None:
    """A kept attribute's class default must be of an immutable (built-in) type.

    perf: CPython 3.11 specializes ``req._kept_<name>`` reads and stores
    only then; with an instance of a Python class as the class default,
    every one takes the generic path.
    """
    wrappers = _wrappers()
    immutable = 1 << 8  # Py_TPFLAGS_IMMUTABLETYPE
    assert type(wrappers.UNREAD).__flags__ & immutable
    for name in ("args", "form", "cookies", "headers"):
        assert getattr(wrappers.Request, f"_kept_{name}") is wrappers.UNREAD


def test_args_reads_skip_werkzeugs_multidict_code() -> None:
    from tests._calls import assert_not_called, calls_made

    request = _wrappers().Request({"QUERY_STRING": "q=kolba&page=2", "REQUEST_METHOD": "GET"})
    args = request.args
    found, called = calls_made(lambda: (args.get("q"), args.get("page", 1, type=int), args["q"], args.get("x")))
    assert found == ("kolba", 2, "kolba", None)
    assert_not_called(
        called,
        "werkzeug.datastructures.structures.MultiDict.get",
        "werkzeug.datastructures.structures.MultiDict.__getitem__",
    )


# --- Werkzeug internals the fast paths rely on; each fails loudly when Werkzeug changes


def test_pinned_environ_headers_state_is_environ_and_an_empty_list() -> None:
    """``Request.headers`` builds an ``EnvironHeaders`` by setting exactly this state."""
    environ = {"HTTP_X": "1"}
    assert vars(EnvironHeaders(environ)) == {"_list": [], "environ": environ}


def test_pinned_werkzeug_form_loading_stores_form_and_files_in_the_instance_dict() -> None:
    """Kolba's lazy ``form`` returns what Werkzeug's ``_load_form_data`` leaves in ``__dict__``."""
    body = b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--B--\r\n'
    request = WerkzeugRequest(_form_request(body, "multipart/form-data; boundary=B").environ)
    request._load_form_data()
    assert request.__dict__["form"].to_dict() == {"a": "1"} and "files" in request.__dict__


def test_an_urlencoded_form_leaves_files_for_first_use() -> None:
    """No empty ``files`` is built (and nothing to close) unless a view asks for it."""
    request = _form_request(b"a=1", "application/x-www-form-urlencoded")
    assert request.form.to_dict() == {"a": "1"} and "files" not in request.__dict__
    assert request.files == ImmutableMultiDict() and isinstance(request.files, ImmutableMultiDict)
    assert request.__dict__["files"] is request.files


@pytest.mark.parametrize("read", ["files", "form"])
def test_uploaded_files_are_closed_when_the_request_ends(read: str) -> None:
    """Teardown closes what a multipart body held, whichever attribute parsed it."""
    from kolba import Kolba, request

    app = Kolba(__name__)
    seen: dict[str, t.Any] = {}

    @app.post("/up")
    def up() -> str:
        getattr(request, read)  # parses the whole body, files included
        seen["file"] = request.files["f"].stream
        seen["environ"] = request.environ
        return "ok"

    response = app.test_client().post("/up", data={"f": (io.BytesIO(b"x" * 10), "a.txt"), "n": "1"})
    assert response.status_code == 200
    assert seen["file"].closed
    assert seen["environ"]["werkzeug.request"] is None


def test_teardown_knows_which_requests_may_hold_files() -> None:
    """The flag teardown reads instead of the instance ``__dict__``."""
    wrappers = _wrappers()

    class OwnLoading(wrappers.Request):
        def _load_form_data(self) -> None:
            super()._load_form_data()

    class OwnClose(wrappers.Request):
        def close(self) -> None:
            super().close()

    assert wrappers.Request._may_hold_files is False
    assert OwnLoading._may_hold_files is True and OwnClose._may_hold_files is True
    urlencoded = _form_request(b"a=1", "application/x-www-form-urlencoded")
    assert urlencoded.form and urlencoded.files == ImmutableMultiDict()
    assert urlencoded._may_hold_files is False
    body = b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--B--\r\n'
    multipart = _form_request(body, "multipart/form-data; boundary=B")
    assert multipart.form["a"] == "1" and multipart._may_hold_files is True


@pytest.mark.parametrize("kwargs", [{}, {"shallow": True}, {"populate_request": False}])
def test_the_constructor_sets_shallow_and_werkzeug_request_as_werkzeugs(kwargs: dict[str, bool]) -> None:
    """``shallow`` is a class default, stored only when true; the environ entry as Werkzeug's."""
    from werkzeug.test import EnvironBuilder

    ours_environ, theirs_environ = EnvironBuilder().get_environ(), EnvironBuilder().get_environ()
    ours = _wrappers().Request(ours_environ, **kwargs)
    theirs = WerkzeugRequest(theirs_environ, **kwargs)
    assert ours.shallow is theirs.shallow
    assert ("werkzeug.request" in ours_environ) is ("werkzeug.request" in theirs_environ)
    if "werkzeug.request" in ours_environ:
        assert ours_environ["werkzeug.request"] is ours
    if ours.shallow:
        with pytest.raises(RuntimeError):
            ours.stream  # noqa: B018 - Werkzeug's refusal to read a shallow request


def test_teardown_closes_and_clears_a_request_not_of_kolbas_classes() -> None:
    """Any other request object is closed, and its environ's entry cleared, as before the flags."""
    from kolba.ctx import _request_state

    plain = WerkzeugRequest({"REQUEST_METHOD": "GET"})
    assert _request_state(plain) == (True, True)
    bare = WerkzeugRequest.__new__(WerkzeugRequest)
    assert _request_state(bare) == (True, False)
    ours = _form_request(b"a=1", "application/x-www-form-urlencoded")
    assert _request_state(ours) == (False, True)


_SET_NAMES = st.sampled_from(["X-Hook", "x-hook", "X-HOOK", "Vary", "Content-Type", "X-Other"])
_SET_VALUES = st.sampled_from(["after", "", "a b", "é", "x\ny", "x\ry", 7, None])


@settings(max_examples=300, deadline=None)
@given(start=st.lists(st.tuples(_SET_NAMES, st.sampled_from(["1", "2"])), max_size=4),
       writes=st.lists(st.tuples(_SET_NAMES, _SET_VALUES), max_size=4))
def test_response_header_assignment_matches_werkzeug(
    start: list[tuple[str, str]], writes: list[tuple[str, t.Any]]
) -> None:
    """``response.headers[name] = value`` (what after-request hooks do) as in Werkzeug."""
    from werkzeug.datastructures import Headers

    ours, theirs = _wrappers().Response("x").headers, Headers()
    ours.clear()
    ours.extend(start)
    theirs.extend(start)
    for name, value in writes:
        mine, reference = _outcome(lambda: ours.__setitem__(name, value)), _outcome(
            lambda: theirs.__setitem__(name, value)
        )
        assert mine[0] == reference[0]  # both store, or both refuse (with Kolba's own message)
        assert ours.to_wsgi_list() == theirs.to_wsgi_list()


def test_pinned_headers_keep_their_pairs_in_order_in_list() -> None:
    """Kolba's response fast paths read and extend ``Headers._list`` directly."""
    headers = Headers([("Content-Type", "text/html")])
    headers.add("Vary", "Accept")
    headers["X-Hook"] = "after"
    assert headers._list == [("Content-Type", "text/html"), ("Vary", "Accept"), ("X-Hook", "after")]
    assert list(headers.items()) == headers._list
