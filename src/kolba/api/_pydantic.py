"""The pydantic v2 engine: pydantic models, validated and dumped by pydantic-core.

Chosen for any annotation that mentions a pydantic model, and for every
typed value when msgspec is not installed.  pydantic reports every problem
it finds, so a 422 from this engine may list several errors.
"""

from __future__ import annotations

import typing as t

import annotated_types
import pydantic
from pydantic import TypeAdapter

from ._types import annotated, is_sequence, split_annotated, union_members
from .engines import REQUIRED, FieldError, GroupField, Schemas

_CONSTRAINTS: dict[str, t.Callable[[t.Any], t.Any]] = {
    "gt": annotated_types.Gt, "ge": annotated_types.Ge, "lt": annotated_types.Lt,
    "le": annotated_types.Le, "multiple_of": annotated_types.MultipleOf,
    "min_length": annotated_types.MinLen, "max_length": annotated_types.MaxLen,
    "pattern": lambda pattern: pydantic.Field(pattern=pattern),
}

_CONSTRAINT_TYPES = (
    "greater_than", "greater_than_equal", "less_than", "less_than_equal", "multiple_of",
    "string_too_short", "string_too_long", "too_short", "too_long", "string_pattern_mismatch",
)


def _kind(pydantic_type: str) -> str:
    """Kolba's error type for one of pydantic's."""
    if pydantic_type == "missing":
        return "missing"
    if pydantic_type in ("enum", "literal_error"):
        return "enum"
    if pydantic_type == "extra_forbidden":
        return "unknown_field"
    if pydantic_type in _CONSTRAINT_TYPES:
        return "constraint"
    if pydantic_type.endswith(("_type", "_parsing")):
        return "type"
    return "invalid"


class PydanticEngine:
    """The engine for pydantic models (``pip install kolba[pydantic]``)."""

    name = "pydantic"
    failures: tuple[type[BaseException], ...] = (pydantic.ValidationError,)

    def claims(self, annotation: t.Any) -> bool:
        try:
            TypeAdapter(annotation)
        except (pydantic.PydanticSchemaGenerationError, TypeError):
            return False
        return True

    def constrain(self, annotation: t.Any, constraints: t.Mapping[str, t.Any]) -> t.Any:
        if not constraints:
            return annotation
        marks = [_CONSTRAINTS[key](value) for key, value in constraints.items()]
        inner, metadata = split_annotated(annotation)
        members = union_members(inner)
        if len(members) > 1:
            fitted = [m if m is type(None) else annotated(m, *marks) for m in members]
            return t.Union[tuple(fitted)]
        return annotated(inner, *metadata, *marks)

    def decoder(self, annotation: t.Any) -> t.Callable[[bytes], t.Any]:
        return TypeAdapter(annotation).validate_json

    def converter(self, annotation: t.Any) -> t.Callable[[t.Any], t.Any]:
        return TypeAdapter(annotation).validate_python

    def group(self, fields: t.Sequence[GroupField]) -> t.Callable[[t.Mapping[str, t.Any]], dict[str, t.Any]]:
        definitions: dict[str, t.Any] = {}
        for field in fields:
            default = ... if field.default is REQUIRED else field.default
            definitions[field.name] = (field.annotation, pydantic.Field(default, alias=field.wire))
        model = pydantic.create_model("Parameters", **definitions)
        validate = model.model_validate

        def read(raw: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
            return dict(validate(raw).__dict__)

        return read

    def keys(self, annotation: t.Any) -> dict[str, bool]:
        model = split_annotated(annotation)[0]
        fields = getattr(model, "model_fields", None)
        if fields is None:
            return {}
        return {(info.alias or name): is_sequence(info.annotation) for name, info in fields.items()}

    def encoder(self, annotation: t.Any) -> t.Callable[[t.Any], bytes]:
        adapter = TypeAdapter(annotation)
        declared = split_annotated(annotation)[0]
        exact = declared if isinstance(declared, type) and t.get_origin(declared) is None else None
        validate, dump = adapter.validate_python, adapter.dump_json

        def encode(value: t.Any) -> bytes:
            if type(value) is not exact:
                value = validate(value, from_attributes=True)
            return dump(value)

        return encode

    def explain(self, error: BaseException) -> list[FieldError] | None:
        assert isinstance(error, pydantic.ValidationError)
        found = error.errors(include_url=False, include_context=False, include_input=False)
        if any(item["type"] == "json_invalid" for item in found):
            return None
        return [
            {"location": list(item["loc"]), "message": item["msg"], "type": _kind(item["type"])}
            for item in found
        ]

    def schemas(self, annotations: t.Sequence[t.Any], ref_template: str) -> Schemas:
        # One pass over every type, so models shared between them are named once.
        template = ref_template.replace("{name}", "{model}")
        inputs: list[tuple[int, t.Literal["validation"], TypeAdapter[t.Any]]] = [
            (index, "validation", TypeAdapter(a)) for index, a in enumerate(annotations)
        ]
        found, definitions = TypeAdapter.json_schemas(inputs, ref_template=template)
        schemas = [dict(found[(index, "validation")]) for index in range(len(annotations))]
        return schemas, dict(definitions.get("$defs", {}))
