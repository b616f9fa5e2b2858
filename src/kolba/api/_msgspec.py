"""The msgspec engine: compiled decoders, converters and encoders for most types.

msgspec validates dataclasses, TypedDicts, ``msgspec.Struct`` classes,
enums, unions and the standard scalar types while it decodes, in C.  It
stops at the first problem, so a 422 from this engine lists one error.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
import typing as t

import msgspec

from ._types import annotated, is_pydantic, split_annotated, union_members
from .engines import REQUIRED, FieldError, GroupField, Schemas

_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>.*)`)?$", re.DOTALL)
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")
#: Messages that name the field they are about, which then ends the location.
_NAMED_FIELD = re.compile(r"^Object (?:missing required|contains unknown) field `(?P<name>.*)`$")
_SEQUENCE_TYPES = (
    msgspec.inspect.ListType, msgspec.inspect.SetType,
    msgspec.inspect.FrozenSetType, msgspec.inspect.VarTupleType,
)


def path_steps(path: str) -> list[str | int]:
    """``.items[0].price`` as ``["items", 0, "price"]`` (a dict value's key shows as ``"..."``)."""
    steps: list[str | int] = []
    for name, index in _STEP.findall(path):
        if name:
            steps.append(name)
        else:
            steps.append(int(index) if index.isdigit() else "...")
    return steps


def _kind(message: str) -> str:
    """The error type for one of msgspec's messages."""
    if message.startswith("Object missing required field"):
        return "missing"
    if message.startswith("Invalid enum value"):
        return "enum"
    if message.startswith("Object contains unknown field"):
        return "unknown_field"
    if message.startswith("Expected"):
        return "type" if ", got `" in message else "constraint"
    return "invalid"


class MsgspecEngine:
    """The default engine (``pip install kolba[api]``)."""

    name = "msgspec"
    failures: tuple[type[BaseException], ...] = (msgspec.ValidationError, msgspec.DecodeError)

    def __init__(self) -> None:
        self._encoder = msgspec.json.Encoder()

    def claims(self, annotation: t.Any) -> bool:
        if is_pydantic(annotation):
            return False
        try:
            # The decoder would take any class (as a custom type, left to a
            # hook); the schema is made only for types msgspec knows.
            msgspec.json.schema(annotation)
        except TypeError:
            return False
        return True

    def constrain(self, annotation: t.Any, constraints: t.Mapping[str, t.Any]) -> t.Any:
        if not constraints:
            return annotation
        inner, metadata = split_annotated(annotation)
        members = union_members(inner)
        if len(members) > 1:
            # Constraints apply to the values that are not None.
            fitted = [
                m if m is type(None) or m is None else annotated(m, msgspec.Meta(**constraints))
                for m in members
            ]
            return t.Union[tuple(fitted)]
        return annotated(inner, *metadata, msgspec.Meta(**constraints))

    def decoder(self, annotation: t.Any) -> t.Callable[[bytes], t.Any]:
        decode = msgspec.json.Decoder(annotation).decode
        fix = default_filler(annotation)
        if fix is None:
            return decode

        def decode_and_fill(data: bytes) -> t.Any:
            value = decode(data)
            fix(value)
            return value

        return decode_and_fill

    def converter(self, annotation: t.Any) -> t.Callable[[t.Any], t.Any]:
        convert = msgspec.convert
        fix = default_filler(annotation) or _nothing

        def lenient(value: t.Any) -> t.Any:
            converted = convert(value, annotation, strict=False)
            fix(converted)
            return converted

        return lenient

    def group(self, fields: t.Sequence[GroupField]) -> t.Callable[[t.Mapping[str, t.Any]], dict[str, t.Any]]:
        spec: list[tuple[str, t.Any] | tuple[str, t.Any, t.Any]] = []
        # Required fields first: a Struct needs them before the defaulted ones.
        for field in sorted(fields, key=lambda f: f.default is not REQUIRED):
            if field.default is REQUIRED:
                spec.append((field.name, field.annotation))
            elif isinstance(field.default, (list, dict, set, bytearray)):
                # msgspec refuses mutable defaults; each request gets a copy.
                fresh = functools.partial(copy.copy, field.default)
                spec.append((field.name, field.annotation, msgspec.field(default_factory=fresh)))
            else:
                spec.append((field.name, field.annotation, field.default))
        struct = msgspec.defstruct("Parameters", spec, rename={f.name: f.wire for f in fields})
        convert, as_dict = msgspec.convert, msgspec.structs.asdict

        def read(raw: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
            return as_dict(convert(raw, struct, strict=False))

        return read

    def keys(self, annotation: t.Any) -> dict[str, bool]:
        info = msgspec.inspect.type_info(split_annotated(annotation)[0])
        fields = getattr(info, "fields", ())
        return {field.encode_name: _holds_list(field.type) for field in fields}

    def encoder(self, annotation: t.Any) -> t.Callable[[t.Any], bytes]:
        encode, convert = self._encoder.encode, msgspec.convert
        declared = split_annotated(annotation)[0]
        exact = declared if isinstance(declared, type) and t.get_origin(declared) is None else None
        fix = default_filler(annotation) or _nothing

        def dump(value: t.Any) -> bytes:
            if type(value) is not exact:
                # A dict, an ORM object or a list: validated into the declared type.
                value = convert(value, annotation, from_attributes=True)
                fix(value)
            return encode(value)

        return dump

    def explain(self, error: BaseException) -> list[FieldError] | None:
        if not isinstance(error, msgspec.ValidationError):
            return None  # malformed JSON
        found = _AT.match(str(error))
        assert found is not None  # the pattern matches any text
        message = found["message"]
        location = path_steps(found["path"] or "")
        named = _NAMED_FIELD.match(message)
        if named:
            location.append(named["name"])
        return [{"location": location, "message": message, "type": _kind(message)}]

    def schemas(self, annotations: t.Sequence[t.Any], ref_template: str) -> Schemas:
        found, components = msgspec.json.schema_components(annotations, ref_template=ref_template)
        return list(found), dict(components)


def _holds_list(info: t.Any) -> bool:
    if isinstance(info, msgspec.inspect.UnionType):
        kinds = [m for m in info.types if not isinstance(m, msgspec.inspect.NoneType)]
        return bool(kinds) and all(isinstance(m, _SEQUENCE_TYPES) for m in kinds)
    if isinstance(info, msgspec.inspect.Metadata):
        return _holds_list(info.type)
    return isinstance(info, _SEQUENCE_TYPES)


# -- dataclass defaults ------------------------------------------------------------
#
# msgspec builds a decoded dataclass without calling ``__init__`` and leaves
# out of the instance's ``__dict__`` every field whose default is a plain
# value (reads still find the class attribute).  Its encoder walks
# ``__dict__``, so such a field would vanish from a response that echoes the
# value.  The filler puts the defaults in, for the dataclasses that need it.


def _nothing(value: t.Any) -> None:
    pass


def _plain_defaults(cls: type) -> tuple[tuple[str, t.Any], ...]:
    if "__slots__" in vars(cls):
        return ()  # slotted instances always get every field
    return tuple(
        (f.name, f.default) for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING
    )


def _field_types(cls: type) -> list[t.Any]:
    try:
        return list(t.get_type_hints(cls, include_extras=True).values())
    except Exception:  # noqa: BLE001 - unresolvable hints: nothing to follow
        return []


_Defaults = dict[type, tuple[tuple[str, t.Any], ...]]


def _reachable_classes(annotation: t.Any, seen: set[t.Any], found: _Defaults) -> None:
    inner = split_annotated(annotation)[0]
    if isinstance(inner, type) and t.get_origin(inner) is None:
        if inner in seen:
            return
        seen.add(inner)
        if dataclasses.is_dataclass(inner):
            defaults = _plain_defaults(inner)
            if defaults:
                found[inner] = defaults
        if dataclasses.is_dataclass(inner) or issubclass(inner, msgspec.Struct) or t.is_typeddict(inner):
            for field_type in _field_types(inner):
                _reachable_classes(field_type, seen, found)
        return
    for arg in t.get_args(inner):
        if arg is not Ellipsis:
            _reachable_classes(arg, seen, found)


def default_filler(annotation: t.Any) -> t.Callable[[t.Any], None] | None:
    """A function that fills in plain defaults on decoded dataclasses; None if none need it."""
    needing: _Defaults = {}
    _reachable_classes(annotation, set(), needing)
    if not needing:
        return None

    def fill(value: t.Any) -> None:
        kind = type(value)
        if kind in (list, tuple, set, frozenset):
            for item in value:
                fill(item)
        elif kind is dict:
            for item in value.values():
                fill(item)
        elif dataclasses.is_dataclass(kind):
            defaults = needing.get(kind)
            namespace = getattr(value, "__dict__", None)
            if defaults and namespace is not None:
                for name, default in defaults:
                    if name not in namespace:
                        namespace[name] = default
            for field in dataclasses.fields(kind):
                fill(getattr(value, field.name, None))
        elif isinstance(value, msgspec.Struct):
            for name in value.__struct_fields__:
                fill(getattr(value, name))

    return fill
