"""Functions written out for one attribute name, so that CPython specializes their reads.

CPython 3.11 specializes an attribute load such as ``req.form`` for the
layout of the objects it meets (an instance value, a slot), but only when the
name is in the code: ``getattr(req, name)`` with the name in a variable takes
the generic path on every call, about 300 instructions more per read.  The
context proxies (``kolba.globals``) make one small function per attribute
name instead, from source with the name written in.
"""

from __future__ import annotations

import keyword
import typing as t


def is_plain_name(name: str) -> bool:
    """Whether ``name`` can be written after a dot in Python source."""
    return name.isidentifier() and not keyword.iskeyword(name)


def named_function(source: str, function: str, namespace: dict[str, t.Any]) -> t.Callable[..., t.Any]:
    """Compile ``source``, which defines ``function``, with ``namespace`` as its globals.

    The names the source is made from must pass :func:`is_plain_name`;
    callers check that before writing them in.
    """
    code = compile(source, f"<kolba {function}>", "exec")
    exec(code, namespace)  # noqa: S102 - source assembled by Kolba from checked names
    return namespace[function]  # type: ignore[no-any-return]
