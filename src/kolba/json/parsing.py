"""``json.loads`` for the documents a web app reads most, with less around it.

:func:`json.loads` spends more instructions on its own steps than the C
scanner spends on a short document: it tests the argument's type, works
out the encoding of bytes, matches a regular expression for whitespace on
each side and makes three Python calls.  A request body or a session
payload is usually compact JSON starting with ``{`` or ``[``, for which
the scanner alone gives the same value.

:func:`parse` calls the standard library's scanner directly and hands
anything else to :func:`json.loads`, so every value and every error is
the standard library's: leading or trailing whitespace, other encodings,
byte-order marks and malformed documents all take that route.
"""

from __future__ import annotations

import json
import typing as t

#: The C scanner of a decoder with :func:`json.loads`'s defaults.
#:
#: It takes ``(text, index)`` and returns ``(value, end)`` or raises
#: ``StopIteration``.  It holds no state between calls that another call
#: could see (its key memo is emptied after each one, without releasing
#: the GIL), so one instance serves every thread, as ``json.loads``'s own
#: decoder does.
_scan: t.Callable[[str, int], tuple[t.Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]

#: First characters of the documents the scanner is tried on.
_OPENERS = frozenset("{[")


def parse(document: str | bytes) -> t.Any:
    """``json.loads(document)``, quicker for compact UTF-8 objects and arrays."""
    if type(document) is bytes:
        # What json.loads detects as UTF-8: no byte-order mark (a brace is
        # none) and no zero byte among the first two.
        if document[:1] not in (b"{", b"[") or document[1:2] == b"\x00":
            return json.loads(document)
        text = document.decode("utf-8", "surrogatepass")
    elif type(document) is str:
        if document[:1] not in _OPENERS:
            return json.loads(document)
        text = document
    else:
        return json.loads(document)
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        return json.loads(document)  # malformed: json.loads says how
    if end != len(text):
        return json.loads(document)  # whitespace or more after the value
    return value
