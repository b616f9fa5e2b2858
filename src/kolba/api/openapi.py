"""The OpenAPI 3.1 document of an app, built from its URL map and typed views.

Every rule appears, with its methods and URL variables; a typed view adds
its parameters, body, responses and schemas (from its validation engine),
its docstring gives the summary and description, the innermost blueprint
gives the tag, and security schemes come from :func:`kolba.api.secure`.
Built on demand by ``app.openapi()``; nothing here runs per request.
"""

from __future__ import annotations

import enum
import json
import re
import typing as t

from werkzeug.http import HTTP_STATUS_CODES

from ..plans import blueprint_scopes
from ._types import is_sequence, split_annotated
from .engines import Engine, engine_for
from .routes import Operation, RouteInfo, docstring
from .security import declared_schemes, requirements
from .signature import Parameter

if t.TYPE_CHECKING:
    from ..app import Kolba
    from werkzeug.routing import Rule

__all__ = ["openapi_document"]

OPENAPI_VERSION = "3.1.0"
REF = "#/components/schemas/{name}"
_VARIABLE = re.compile(
    r"<(?:(?P<converter>[A-Za-z_]\w*)(?:\((?P<args>[^)]*)\))?:)?(?P<name>[A-Za-z_]\w*)>"
)

#: Kolba's own components: the problem details of 4xx answers.
PROBLEM = "kolba.Problem"
VALIDATION_PROBLEM = "kolba.ValidationProblem"
FIELD_ERROR = "kolba.FieldError"
_OWN_SCHEMAS: dict[str, dict[str, t.Any]] = {
    PROBLEM: {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "properties": {
            "type": {"type": "string"}, "title": {"type": "string"},
            "status": {"type": "integer"}, "detail": {"type": "string"},
        },
        "required": ["type", "title", "status"],
    },
    FIELD_ERROR: {
        "type": "object",
        "properties": {
            "location": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            "message": {"type": "string"},
            "type": {
                "type": "string",
                "enum": ["missing", "type", "constraint", "enum", "unknown_field", "invalid"],
            },
        },
        "required": ["location", "message", "type"],
    },
    VALIDATION_PROBLEM: {
        "allOf": [
            {"$ref": REF.format(name=PROBLEM)},
            {
                "type": "object",
                "properties": {"errors": {"type": "array", "items": {"$ref": REF.format(name=FIELD_ERROR)}}},
                "required": ["errors"],
            },
        ],
    },
}

_CONVERTER_SCHEMAS: dict[str, dict[str, t.Any]] = {
    "int": {"type": "integer"}, "float": {"type": "number"},
    "uuid": {"type": "string", "format": "uuid"}, "path": {"type": "string"},
    "string": {"type": "string"}, "default": {"type": "string"},
}

_IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})


def _problem_response(description: str, name: str) -> dict[str, t.Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": REF.format(name=name)}}},
    }


def _jsonable(value: t.Any) -> tuple[bool, t.Any]:
    """``(True, value as JSON)`` for defaults and examples that JSON can hold."""
    if isinstance(value, enum.Enum):
        value = value.value
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False, None
    return True, value


class _Schemas:
    """Schema slots filled in one pass per engine, so shared models become components."""

    def __init__(self) -> None:
        self.pending: list[tuple[Engine, t.Any, dict[str, t.Any]]] = []
        self.components: dict[str, dict[str, t.Any]] = dict(_OWN_SCHEMAS)

    def of(self, annotation: t.Any, what: str) -> dict[str, t.Any]:
        """A schema object for ``annotation``, filled in by :meth:`resolve`."""
        slot: dict[str, t.Any] = {}
        self.pending.append((engine_for(annotation, what), annotation, slot))
        return slot

    def resolve(self) -> None:
        engines: dict[int, tuple[Engine, list[tuple[t.Any, dict[str, t.Any]]]]] = {}
        for engine, annotation, slot in self.pending:
            engines.setdefault(id(engine), (engine, []))[1].append((annotation, slot))
        for engine, items in engines.values():
            found, components = engine.schemas([a for a, _ in items], REF)
            for (_, slot), schema in zip(items, found):
                slot.update(schema)
            for name, schema in components.items():
                self.components.setdefault(name, schema)

    def component(self, schema: dict[str, t.Any]) -> dict[str, t.Any]:
        """A schema with a top-level ``$ref`` replaced by what it refers to."""
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            return self.components.get(ref.rsplit("/", 1)[1], schema)
        return schema


def _path_template(rule: str) -> tuple[str, list[tuple[str, str, str | None]]]:
    """``/users/<int:id>`` as ``/users/{id}``, with each variable's converter and arguments."""
    variables: list[tuple[str, str, str | None]] = []

    def replace(found: re.Match[str]) -> str:
        variables.append((found["name"], found["converter"] or "default", found["args"]))
        return "{" + found["name"] + "}"

    return _VARIABLE.sub(replace, rule), variables


def _converter_schema(converter: str, args: str | None) -> dict[str, t.Any]:
    if converter == "any" and args:
        choices = [a.strip().strip("'\"") for a in args.split(",") if a.strip()]
        return {"type": "string", "enum": choices}
    return dict(_CONVERTER_SCHEMAS.get(converter, {"type": "string"}))


class _Builder:
    """One document being built."""

    def __init__(self, app: Kolba) -> None:
        self.app = app
        self.json_errors = bool(getattr(app.extensions.get("kolba.api"), "json_errors", False))
        self.schemas = _Schemas()
        self.operation_ids: set[str] = set()
        self.tags: list[str] = []
        self.expansions: list[tuple[list[dict[str, t.Any]], int, Parameter, dict[str, t.Any]]] = []

    # -- parameters ------------------------------------------------------------------

    def _scalar(self, parameter: Parameter, what: str) -> dict[str, t.Any]:
        marker = parameter.marker
        annotation = parameter.annotation
        engine = engine_for(annotation, what)
        if marker is not None and marker.constraints:
            annotation = engine.constrain(annotation, marker.constraints)
        schema = self.schemas.of(annotation, what)
        entry: dict[str, t.Any] = {
            "name": parameter.wire, "in": parameter.source, "required": parameter.required, "schema": schema,
        }
        if not parameter.required:
            ok, value = _jsonable(parameter.default)
            if ok:
                entry["x-default"] = value  # moved into the schema once it is filled
        if marker is not None:
            if marker.description:
                entry["description"] = marker.description
            if marker.deprecated:
                entry["deprecated"] = True
            if marker.has_example:
                ok, value = _jsonable(marker.example)
                if ok:
                    entry["example"] = value
        if parameter.source == "query" and is_sequence(parameter.annotation):
            entry.update(style="form", explode=True)
        return entry

    def _parameters(self, rule: Rule, operation: Operation | None, what: str) -> list[dict[str, t.Any]]:
        _, variables = _path_template(rule.rule)
        signature = None if operation is None else operation.signature
        declared = {} if signature is None else {p.name: p for p in signature.by_source("path")}
        found: list[dict[str, t.Any]] = []
        for name, converter, args in variables:
            parameter = declared.get(name)
            annotation = None if parameter is None else split_annotated(parameter.annotation)[0]
            schema = _converter_schema(converter, args)
            if parameter is not None and annotation is not t.Any and annotation is not str:
                try:
                    schema = self.schemas.of(parameter.annotation, what)
                except TypeError:
                    pass  # a type only a custom converter makes: described by the converter
            found.append({"name": name, "in": "path", "required": True, "schema": schema})
        if signature is None:
            return found
        for source in ("query", "header", "cookie"):
            for parameter in signature.by_source(source):
                if parameter.whole:
                    # Expanded into one parameter per field once the model's schema exists.
                    slot = self.schemas.of(parameter.annotation, what)
                    self.expansions.append((found, len(found), parameter, slot))
                else:
                    found.append(self._scalar(parameter, what))
        return found

    # -- bodies and responses --------------------------------------------------------------

    def _request_body(self, operation: Operation, what: str) -> dict[str, t.Any] | None:
        signature = operation.signature
        if signature is None:
            return None
        for parameter in signature.by_source("body"):
            engine = engine_for(parameter.annotation, what)
            annotation = parameter.annotation
            if parameter.marker is not None and parameter.marker.constraints:
                annotation = engine.constrain(annotation, parameter.marker.constraints)
            body: dict[str, t.Any] = {
                "required": parameter.required,
                "content": {"application/json": {"schema": self.schemas.of(annotation, what)}},
            }
            if parameter.marker is not None and parameter.marker.description:
                body["description"] = parameter.marker.description
            return body
        form, files = signature.by_source("form"), signature.by_source("file")
        if not form and not files:
            return None
        media = "multipart/form-data" if files else "application/x-www-form-urlencoded"
        wholes = [p for p in form if p.whole]
        if wholes and len(form) == 1 and not files:
            return {"required": True, "content": {media: {"schema": self.schemas.of(wholes[0].annotation, what)}}}
        properties: dict[str, t.Any] = {}
        required: list[str] = []
        for parameter in form:
            properties[parameter.wire] = self._scalar(parameter, what)["schema"]
            if parameter.required:
                required.append(parameter.wire)
        for parameter in files:
            binary = {"type": "string", "format": "binary"}
            many = is_sequence(parameter.annotation)
            properties[parameter.wire] = {"type": "array", "items": binary} if many else binary
            if parameter.required:
                required.append(parameter.wire)
        schema: dict[str, t.Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return {"required": bool(required), "content": {media: {"schema": schema}}}

    def _response(self, status: int, annotation: t.Any, what: str) -> dict[str, t.Any]:
        answer: dict[str, t.Any] = {"description": HTTP_STATUS_CODES.get(status, "Response")}
        if annotation is not None and status != 204:
            answer["content"] = {"application/json": {"schema": self.schemas.of(annotation, what)}}
        return answer

    def _responses(self, operation: Operation | None, info: RouteInfo | None, what: str) -> dict[str, t.Any]:
        responses: dict[str, t.Any] = {}
        status = int((info.options.get("status") if info else None) or 200)
        if operation is not None:
            responses[str(operation.status)] = self._response(operation.status, operation.response, what)
            signature = operation.signature
            reads = signature is not None and any(
                p.source != "path" or p.annotation is not t.Any for p in signature.parameters
            )
            if reads:
                responses["422"] = _problem_response("Validation Error", VALIDATION_PROBLEM)
            if signature is not None and signature.by_source("body"):
                responses["400"] = _problem_response("Malformed Body", PROBLEM)
                responses["415"] = _problem_response("Unsupported Media Type", PROBLEM)
            if signature is not None and (signature.by_source("form") or signature.by_source("file")):
                responses["415"] = _problem_response("Unsupported Media Type", PROBLEM)
        else:
            responses[str(status)] = {"description": HTTP_STATUS_CODES.get(status, "Response")}
        declared = {} if info is None else info.options.get("responses") or {}
        for code, described in declared.items():
            if isinstance(described, dict):
                responses[str(code)] = described
            elif isinstance(described, str) and self.json_errors and int(code) >= 400:
                responses[str(code)] = _problem_response(described, PROBLEM)
            elif isinstance(described, str):
                responses[str(code)] = {"description": described}
            else:
                responses[str(code)] = self._response(int(code), described, what)
        return responses

    # -- operations ----------------------------------------------------------------------

    def _security(self, endpoint: str, info: RouteInfo | None) -> list[dict[str, list[str]]] | None:
        if info is not None and "security" in info.options:
            chosen = info.options["security"]
            return [{name: []} if isinstance(name, str) else dict(name) for name in chosen]
        for scope in blueprint_scopes(endpoint):
            found = requirements(self.app.blueprints.get(scope))
            if found:
                return found
        return requirements(self.app) or None

    def _operation_id(self, endpoint: str, method: str, methods: int, given: str | None) -> str:
        base = given or (endpoint.replace(".", "_") + (f"_{method.lower()}" if methods > 1 else ""))
        chosen, counter = base, 2
        while chosen in self.operation_ids:
            chosen, counter = f"{base}_{counter}", counter + 1
        self.operation_ids.add(chosen)
        return chosen

    def operation(self, rule: Rule, method: str, methods: int) -> dict[str, t.Any]:
        endpoint = t.cast(str, rule.endpoint)
        info: RouteInfo | None = getattr(rule, "api_route", None)
        typed = None if info is None else info.operation(method)
        what = f"View {endpoint!r}"
        options = {} if info is None else info.options
        view = typed.handler if typed is not None else self.app.view_functions.get(endpoint)
        summary, description = docstring(view) if view is not None else (None, None)
        found: dict[str, t.Any] = {}
        tags = options.get("tags") or list(blueprint_scopes(endpoint)[:1])
        if tags:
            found["tags"] = list(tags)
            self.tags += [tag for tag in tags if tag not in self.tags]
        summary = options.get("summary", summary)
        description = options.get("description", description)
        if summary:
            found["summary"] = summary
        if description:
            found["description"] = description
        found["operationId"] = self._operation_id(endpoint, method, methods, options.get("operation_id"))
        # Kept even when empty: whole-model parameters are expanded into it later.
        found["parameters"] = self._parameters(rule, typed, what)
        body = None if typed is None else self._request_body(typed, what)
        if body is not None:
            found["requestBody"] = body
        found["responses"] = self._responses(typed, info, what)
        if options.get("deprecated"):
            found["deprecated"] = True
        security = self._security(endpoint, info)
        if security is not None:
            found["security"] = security
        return found

    # -- the document ------------------------------------------------------------------

    def _listed(self, rule: Rule) -> bool:
        endpoint = rule.endpoint
        if not isinstance(endpoint, str) or endpoint == "static" or endpoint.endswith(".static"):
            return False
        info: RouteInfo | None = getattr(rule, "api_route", None)
        return info is None or info.options.get("include_in_schema", True) is not False

    def paths(self) -> dict[str, t.Any]:
        paths: dict[str, t.Any] = {}
        for rule in self.app.url_map.iter_rules():
            if not self._listed(rule):
                continue
            template, _ = _path_template(rule.rule)
            methods = sorted(set(rule.methods or ()) - _IGNORED_METHODS)
            if "OPTIONS" in (rule.methods or ()) and not getattr(rule, "provide_automatic_options", True):
                methods.append("OPTIONS")
            item = paths.setdefault(template, {})
            for method in methods:
                if method.lower() in item:
                    continue  # an earlier rule answers first, as matching does
                item[method.lower()] = self.operation(rule, method, len(methods))
        return paths

    def expand(self) -> None:
        """Replace each whole-model query/header/cookie parameter by one per field."""
        for found, index, parameter, slot in reversed(self.expansions):
            schema = self.schemas.component(slot)
            required = set(schema.get("required", ()))
            expanded = []
            for name, field in schema.get("properties", {}).items():
                entry = {"name": name, "in": parameter.source, "required": name in required, "schema": field}
                if parameter.source == "query" and field.get("type") == "array":
                    entry.update(style="form", explode=True)
                expanded.append(entry)
            found[index:index] = expanded

    def security_schemes(self) -> dict[str, t.Any]:
        schemes: dict[str, t.Any] = {}
        config = self.app.config
        for scope in (self.app, *self.app.blueprints.values()):
            for name, scheme in declared_schemes(scope).items():
                schemes.setdefault(name, scheme.openapi(config))
        return schemes


def _settle_parameters(paths: dict[str, t.Any]) -> None:
    """Move each parameter's default into its (now filled) schema; drop empty lists."""
    for item in paths.values():
        for operation in item.values():
            parameters = operation.get("parameters")
            if not parameters:
                operation.pop("parameters", None)
                continue
            for parameter in parameters:
                if "x-default" in parameter:
                    value = parameter.pop("x-default")
                    if "$ref" not in parameter["schema"]:
                        parameter["schema"].setdefault("default", value)


def openapi_document(
    app: Kolba, title: str | None = None, version: str | None = None, **info: t.Any
) -> dict[str, t.Any]:
    """The app's OpenAPI 3.1 document as a dict of JSON values.

    ``title`` and ``version`` default to what :class:`kolba.api.API` was
    given, else the app's name and ``"0.1.0"``; other keywords go into the
    ``info`` object (``description``, ``contact``, ``license``...).
    """
    settings = app.extensions.get("kolba.api")
    given = {**(getattr(settings, "info", None) or {}), **{k: v for k, v in info.items() if v is not None}}
    if title is not None:
        given["title"] = title
    if version is not None:
        given["version"] = version
    base = {"title": given.pop("title", app.name), "version": given.pop("version", "0.1.0"), **given}
    builder = _Builder(app)
    paths = builder.paths()
    builder.schemas.resolve()
    builder.expand()
    _settle_parameters(paths)
    document: dict[str, t.Any] = {"openapi": OPENAPI_VERSION, "info": base}
    servers = getattr(settings, "servers", None)
    if servers:
        document["servers"] = servers
    document["paths"] = paths
    components: dict[str, t.Any] = {"schemas": dict(sorted(builder.schemas.components.items()))}
    schemes = builder.security_schemes()
    if schemes:
        components["securitySchemes"] = schemes
    document["components"] = components
    if builder.tags:
        document["tags"] = [{"name": tag} for tag in builder.tags]
    return document
