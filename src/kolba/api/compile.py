"""Compiling a typed view's signature into readers and a finisher.

Imported when the first typed view is registered; a plain app never
loads it (nor the request-time modules it brings in).
"""

from __future__ import annotations

import typing as t

from .encode import Finisher, finisher
from .readers import (
    Reader, body_reader, file_reader, form_guard, group_reader, model_reader, path_reader,
)
from .signature import Signature, check
from .wrapper import wrap, wrap_methods

__all__ = ["compile_signature", "wrap", "wrap_methods"]


def _compile_one(signature: Signature, what: str) -> tuple[Reader, ...]:
    """The readers for one signature, in the order their sources are read."""
    check(signature, what)
    readers: list[Reader | None] = [path_reader(signature.by_source("path"), what)]
    for source in ("query", "header", "cookie"):
        found = signature.by_source(source)
        readers += [model_reader(p, what) for p in found if p.whole]
        scalars = [p for p in found if not p.whole]
        if scalars:
            readers.append(group_reader(source, scalars, what))
    form, files = signature.by_source("form"), signature.by_source("file")
    if form or files:
        readers.append(form_guard())
        readers += [model_reader(p, what) for p in form if p.whole]
        scalars = [p for p in form if not p.whole]
        if scalars:
            readers.append(group_reader("form", scalars, what))
        if files:
            readers.append(file_reader(files))
    readers += [body_reader(p, what) for p in signature.by_source("body")]
    return tuple(r for r in readers if r is not None)


def compile_signature(
    signature: Signature, response: t.Any, status: int | None,
    responses: t.Mapping[int, t.Any] | None, what: str,
) -> tuple[tuple[Reader, ...], Finisher | None]:
    """The readers and the finisher of one typed handler."""
    return _compile_one(signature, what), finisher(response, status or 200, responses, what)
