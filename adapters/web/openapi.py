"""The OpenAPI 3.1 document of the HTTP API, generated from the registered
actions' attrs command and result types, so that it cannot drift from what
the converter accepts and returns.

Commands are what clients send: fields without a default are required,
unknown fields are refused (``additionalProperties: false``) and a field's
validator may declare ``max_length``, ``min_length`` or ``pattern`` (as
``attrs.validators.max_len`` does), which become JSON Schema keywords.
Results are what the server sends: every field is always present.
"""

from __future__ import annotations

import enum
import types
import typing
from datetime import datetime
from typing import Any

import attrs

from adapters.web.converter import camel
from adapters.web.credentials import SESSION_COOKIE
from adapters.web.envelope import STATUS
from adapters.web.routes import SESSION_ROUTES, path_of
from core.domain import Upload
from core.errors import ErrorCode
from core.idempotency import KEY_MAX_LENGTH
from core.pipeline import Action, Actions

OPENAPI_VERSION = "3.1.0"
JSON = "application/json"
MULTIPART = "multipart/form-data"
REF = "#/components/schemas/"

_SCALARS: dict[type, dict[str, Any]] = {
    str: {"type": "string"},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
    datetime: {"type": "string", "format": "date-time"},
    Upload: {"type": "string", "contentMediaType": "application/octet-stream"},
}

_CONSTRAINTS = {"max_length": "maxLength", "min_length": "minLength", "pattern": "pattern"}

_ERROR_DESCRIPTIONS = {
    401: "Not signed in",
    403: "Not allowed: not the caller's record (or no such record), a plan limit, or a foreign origin",
    404: "No such action",
    409: "The record is not in a state that allows this",
    413: "The body is too large",
    415: "Unsupported file type",
    422: "The payload is not a valid command",
    429: "Rate limited; retry after the given number of seconds",
    500: "An unexpected error, logged under the request id",
    502: "The AI coach failed",
    503: "The service is temporarily unavailable",
}


class _Direction(enum.Enum):
    COMMAND = "command"
    RESULT = "result"


class _Schemas:
    """Collects component schemas while types are translated to JSON Schema."""

    def __init__(self) -> None:
        self.components: dict[str, dict[str, Any]] = {}
        self._names: dict[tuple[type, _Direction], str] = {}

    def ref(self, name: str) -> dict[str, Any]:
        return {"$ref": REF + name}

    def of(self, type_: Any, direction: _Direction) -> dict[str, Any]:
        """The JSON Schema of a Python type as the converter reads or writes it."""
        if type_ in _SCALARS:
            return dict(_SCALARS[type_])
        origin = typing.get_origin(type_)
        if origin is typing.Union or origin is types.UnionType:
            options = [arg for arg in typing.get_args(type_) if arg is not type(None)]
            if len(options) != 1:
                raise TypeError(f"only Optional unions are supported on the wire, not {type_!r}")
            inner = self.of(options[0], direction)
            if set(inner) == {"type"}:
                return {"type": [inner["type"], "null"]}
            return {"anyOf": [inner, {"type": "null"}]}
        if origin is list:
            (item,) = typing.get_args(type_) or (Any,)
            return {"type": "array", "items": self.of(item, direction)}
        if isinstance(type_, type) and issubclass(type_, enum.Enum):
            return self.ref(self._enum(type_))
        if attrs.has(type_):
            return self.ref(self.object(type_, direction))
        raise TypeError(f"no JSON Schema for {type_!r}")

    def _enum(self, cls: type[enum.Enum]) -> str:
        name = cls.__name__
        if name not in self.components:
            self.components[name] = {"type": "string", "enum": [member.value for member in cls]}
        return name

    def object(self, cls: type, direction: _Direction) -> str:
        """Register the attrs class as a component and return its name."""
        key = (cls, direction)
        if key in self._names:
            return self._names[key]
        name = cls.__name__
        if name in self.components:
            name = f"{name}{direction.value.capitalize()}"
        self._names[key] = name
        self.components[name] = {}  # reserved first: a class may refer to itself
        self.components[name] = self._object_schema(cls, direction)
        return name

    def _object_schema(self, cls: type, direction: _Direction) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(attrs.resolve_types(cls)):
            wire = camel(field.name)
            schema = self.of(field.type, direction)
            if direction is _Direction.COMMAND:
                schema = _constrained(schema, field.validator)
                if field.default is attrs.NOTHING:
                    required.append(wire)
            else:
                required.append(wire)
            properties[wire] = schema
        described: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            described["required"] = required
        if direction is _Direction.COMMAND:
            described["additionalProperties"] = False
        return described


def _constrained(schema: dict[str, Any], validator: object) -> dict[str, Any]:
    """Add what the field's validator declares to the string schema (inside
    an Optional, to its non-null branch)."""
    keywords = {
        keyword: getattr(validator, attribute)
        for attribute, keyword in _CONSTRAINTS.items()
        if getattr(validator, attribute, None) is not None
    }
    if not keywords:
        return schema
    if schema.get("type") == ["string", "null"]:
        return {"anyOf": [{"type": "string", **keywords}, {"type": "null"}]}
    if schema.get("type") == "string":
        return {**schema, **keywords}
    return schema


def _envelope_schemas(schemas: _Schemas) -> None:
    schemas.components["Ok"] = {
        "type": "object",
        "properties": {"error": {"const": False}},
        "required": ["error"],
    }
    schemas.components["Error"] = {
        "type": "object",
        "description": "Every failure, whatever the route: the same envelope.",
        "properties": {
            "error": {"const": True},
            "code": {"type": "string", "enum": [code.value for code in ErrorCode]},
            "message": {"type": "string"},
            "fieldErrors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "upgradeUrl": {"type": "string"},
            "retryAfter": {"type": "integer", "minimum": 1},
            "requestId": {"type": "string"},
        },
        "required": ["error", "code", "message"],
    }
    schemas.components["Health"] = {
        "type": "object",
        "properties": {"status": {"const": "ok"}},
        "required": ["status"],
    }


def _json(schema: dict[str, Any], description: str, **headers: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "headers": {"X-Request-Id": {"$ref": "#/components/headers/RequestId"}, **headers},
        "content": {JSON: {"schema": schema}},
    }
    return response


def _error(status: int) -> dict[str, Any]:
    headers = {}
    if status == 429:
        headers["Retry-After"] = {"$ref": "#/components/headers/RetryAfter"}
    return _json({"$ref": REF + "Error"}, _ERROR_DESCRIPTIONS[status], **headers)


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(status): _error(status) for status in sorted(statuses)}


def _ok_with(schemas: _Schemas, result: type | None) -> dict[str, Any]:
    if result is None:
        return schemas.ref("Ok")
    return {"allOf": [schemas.ref("Ok"), schemas.ref(schemas.object(result, _Direction.RESULT))]}


def _body(schemas: _Schemas, command: type) -> dict[str, Any]:
    """A JSON object; a form (multipart/form-data) when a field is a file."""
    files = any(f.type is Upload for f in attrs.fields(attrs.resolve_types(command)))
    media = MULTIPART if files else JSON
    return {
        "required": True,
        "content": {media: {"schema": schemas.ref(schemas.object(command, _Direction.COMMAND))}},
    }


_ACTION_FAILURES = sorted(set(STATUS.values()))


def _action_operation(schemas: _Schemas, action: Action[Any, Any]) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if action.name in SESSION_ROUTES:
        headers["Set-Cookie"] = {
            "description": f"The session cookie {SESSION_COOKIE}, set or cleared",
            "schema": {"type": "string"},
        }
    security: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"cookieAuth": []}]
    # The pipeline runner honours Idempotency-Key on every action under
    # /actions/ (the session routes read no such header).
    parameters = [] if action.name in SESSION_ROUTES else [{"$ref": "#/components/parameters/IdempotencyKey"}]
    return {
        "operationId": action.name,
        **({"parameters": parameters} if parameters else {}),
        "summary": action.summary or action.name,
        "tags": ["auth" if action.public else "actions"],
        "security": [*security, {}] if action.public else security,
        "requestBody": _body(schemas, action.command),
        "responses": {
            "200": _json(_ok_with(schemas, action.result), "The action's result", **headers),
            **_errors(*_ACTION_FAILURES),
        },
    }


def document(actions: Actions) -> dict[str, Any]:
    """The OpenAPI 3.1 document: one ``POST`` per registered action, at its
    route (``adapters.web.routes``), and the health check."""
    schemas = _Schemas()
    _envelope_schemas(schemas)
    paths: dict[str, Any] = {}
    for name, action in sorted(actions.registry.items()):
        paths[path_of(name)] = {"post": _action_operation(schemas, action)}
    paths["/healthz"] = {
        "get": {
            "operationId": "healthz",
            "summary": "Whether the service and its storage answer",
            "tags": ["meta"],
            "security": [{}],
            "responses": {
                "200": _json(schemas.ref("Health"), "Healthy"),
                **_errors(429, 500, 503),
            },
        }
    }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "darasa",
            "version": "1",
            "description": "Interview practice with an AI coach. Every change is an action: "
            "POST /actions/{name} with a JSON object; success is {\"error\": false, ...data}, "
            "failure the error envelope.",
        },
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.components.items())),
            "parameters": {
                "IdempotencyKey": {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "A key of the client's choosing (a UUID, say): a retry with the same "
                    "key within 24 hours answers the first success without running the action again. "
                    "The same key with another action or payload is 422; while the first call runs, 409; "
                    "when the first call committed but its answer was lost, 409 too (read the current "
                    "state instead of retrying).",
                    "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX_LENGTH,
                               "pattern": "^[!-~]+$"},
                },
            },
            "headers": {
                "RequestId": {
                    "description": "Identifies the request in the server's logs",
                    "required": True,
                    "schema": {"type": "string"},
                },
                "RetryAfter": {
                    "description": "Seconds to wait before trying again",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1},
                },
            },
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE},
            },
        },
    }
