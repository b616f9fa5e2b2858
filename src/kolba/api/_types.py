"""What an annotation is, answered without importing any validation library.

Registration asks these questions of every parameter of a view that may be
typed, including plain Flask views with type hints, so they must stay cheap
and must not import msgspec or pydantic: a Struct or pydantic model can
only exist once its library is imported, so ``sys.modules`` tells whether
to look for one at all.
"""

from __future__ import annotations

import dataclasses
import sys
import types
import typing as t

from .params import Param

_UNION_TYPES: tuple[t.Any, ...] = (t.Union, types.UnionType)
_SEQUENCES: tuple[t.Any, ...] = (list, tuple, set, frozenset, t.Sequence, t.List)


def split_annotated(annotation: t.Any) -> tuple[t.Any, list[t.Any]]:
    """``(type, metadata)`` of ``Annotated[type, *metadata]``; others have no metadata."""
    if t.get_origin(annotation) is t.Annotated:
        return annotation.__origin__, list(annotation.__metadata__)
    return annotation, []


_ANNOTATED: t.Any = t.Annotated


def annotated(inner: t.Any, *metadata: t.Any) -> t.Any:
    """``Annotated[inner, *metadata]``, built at run time."""
    parts = (inner, *metadata)
    return _ANNOTATED[parts] if metadata else inner


def marker_of(annotation: t.Any) -> Param | None:
    """The source marker inside ``Annotated[...]``, if any (the last one wins)."""
    found = None
    for item in split_annotated(annotation)[1]:
        if isinstance(item, Param):
            found = item
        elif isinstance(item, type) and issubclass(item, Param):
            found = item()  # ``Annotated[int, Query]`` without the call
    return found


def without_markers(annotation: t.Any) -> t.Any:
    """The annotation with Kolba's markers taken out of ``Annotated[...]``."""
    inner, metadata = split_annotated(annotation)
    kept = [m for m in metadata if not isinstance(m, Param) and not (isinstance(m, type) and issubclass(m, Param))]
    if not kept:
        return inner
    return annotated(inner, *kept)


def is_union(annotation: t.Any) -> bool:
    """Whether the annotation is ``X | Y`` (``Optional[X]`` included)."""
    return t.get_origin(annotation) in _UNION_TYPES


def union_members(annotation: t.Any) -> tuple[t.Any, ...]:
    """The members of a union, or the annotation alone."""
    return t.get_args(annotation) if is_union(annotation) else (annotation,)


def allows_none(annotation: t.Any) -> bool:
    """Whether ``None`` is one of the annotation's values."""
    inner = split_annotated(annotation)[0]
    return inner is None or inner is type(None) or any(
        m is type(None) or m is None for m in union_members(inner)
    )


def is_sequence(annotation: t.Any) -> bool:
    """Whether a value of this type is made from several query keys or form fields."""
    inner = split_annotated(annotation)[0]
    members = [m for m in union_members(inner) if m is not type(None)]
    return bool(members) and all(
        (t.get_origin(split_annotated(m)[0]) or split_annotated(m)[0]) in _SEQUENCES for m in members
    )


def is_model_class(candidate: t.Any) -> bool:
    """A dataclass, TypedDict, ``msgspec.Struct`` or pydantic model class."""
    if not isinstance(candidate, type):
        return False
    if dataclasses.is_dataclass(candidate) or t.is_typeddict(candidate):
        return True
    msgspec = sys.modules.get("msgspec")
    if msgspec is not None and issubclass(candidate, msgspec.Struct):
        return True
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and issubclass(candidate, pydantic.BaseModel)


def mentions_model(annotation: t.Any) -> bool:
    """Whether a model class appears in the annotation: ``Item``, ``list[Item]``, ``Item | None``."""
    inner = split_annotated(annotation)[0]
    if is_model_class(inner):
        return True
    return any(mentions_model(arg) for arg in t.get_args(inner) if arg is not Ellipsis)


def is_pydantic(annotation: t.Any) -> bool:
    """Whether a pydantic model appears anywhere in the annotation."""
    pydantic = sys.modules.get("pydantic")
    if pydantic is None:
        return False
    inner = split_annotated(annotation)[0]
    if isinstance(inner, type) and issubclass(inner, pydantic.BaseModel):
        return True
    return any(is_pydantic(arg) for arg in t.get_args(inner) if arg is not Ellipsis)


def is_file_type(annotation: t.Any) -> bool:
    """Whether values are uploaded files (Werkzeug's ``FileStorage``, or a list of them)."""
    from werkzeug.datastructures import FileStorage

    inner = split_annotated(annotation)[0]
    members = [m for m in union_members(inner) if m is not type(None)]
    for member in members:
        if member is FileStorage:
            continue
        args = t.get_args(member)
        if not (t.get_origin(member) in _SEQUENCES and args and args[0] is FileStorage):
            return False
    return bool(members)
