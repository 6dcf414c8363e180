"""The one cattrs converter of the web edge: untrusted JSON in, commands out;
results out as JSON. Wire names are camelCase here and nowhere else.

It is strict: nothing is coerced (``5`` is not a string, ``"false"`` is not a
boolean, ``3.7`` is not an integer), unknown fields are refused, and every
field's attrs validator runs on its own so that all errors come back at once,
with the validator's own message, keyed by the command's attribute names (an
unknown field by the key it came with); the envelope gives them their wire
names (``fieldErrors``).
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from operator import attrgetter
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import IterableValidationError
from cattrs.fns import identity
from cattrs.gen import make_dict_unstructure_fn, override

from core.domain import Upload
from core.errors import Invalid
from core.records import frozen

T = TypeVar("T")
ROOT = "$"


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class _WrongType(ValueError):
    pass


def _strict(kind: type, message: str) -> Callable[[object, type], object]:
    def structure(value: object, _: type) -> object:
        if isinstance(value, bool) and kind is not bool:
            raise _WrongType(message)
        if not isinstance(value, kind):
            raise _WrongType(message)
        return value

    return structure


def _structure_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise _WrongType("Must be a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # JSON can carry lone surrogates; no database takes them
        raise _WrongType("Must be valid text") from None
    if "\x00" in value:  # no database keeps NUL in text (PostgreSQL refuses it)
        raise _WrongType("Must not contain NUL characters")
    return value


def _structure_float(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _WrongType("Must be a number")
    return float(value)


def _structure_datetime(value: object, _: type) -> datetime:
    if not isinstance(value, str):
        raise _WrongType("Must be an ISO 8601 date-time string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _WrongType("Must be an ISO 8601 date-time string") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _unstructure_datetime(value: datetime) -> str:
    """ISO 8601 in UTC with a Z: ``...+00:00`` without its offset. What the
    database gives back is UTC already (``adapters.db.tables``)."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat()[:-6] + "Z"


def _structure_upload(value: object, _: type) -> Upload:
    """Only the multipart reader makes an ``Upload``: JSON cannot fake one."""
    if not isinstance(value, Upload):
        raise _WrongType("Must be a file")
    return value


def _structure_enum(cls: type[enum.Enum]) -> Callable[[object, type], enum.Enum]:
    allowed = [member.value for member in cls]

    def structure(value: object, _: type) -> enum.Enum:
        if isinstance(value, str) and value in allowed:
            return cls(value)
        raise _WrongType("Must be one of: " + ", ".join(map(str, allowed)))

    return structure


def _message(exc: BaseException) -> str:
    if isinstance(exc, _WrongType | ValueError | TypeError) and str(exc):
        return str(exc)
    return "Invalid value"


def _errors_of(exc: BaseException, path: str, into: dict[str, list[str]]) -> None:
    """Flatten a structuring failure into {attribute path: [messages]}."""
    if isinstance(exc, Invalid):
        for key, messages in exc.field_errors.items():
            sub = path if key == ROOT else (key if path == ROOT else f"{path}.{key}")
            into.setdefault(sub, []).extend(messages)
    elif isinstance(exc, IterableValidationError):
        with_index, without_index = exc.group_exceptions()
        for inner, note in with_index:
            _errors_of(inner, f"{path}[{note.index}]", into)
        for inner in without_index:
            _errors_of(inner, path, into)
    else:
        into.setdefault(path, []).append(_message(exc))


def _list_hook(converter: cattrs.Converter, type_: Any) -> Callable[[object, type], list[Any]]:
    (item_type,) = typing.get_args(type_) or (Any,)

    def structure(value: object, _: type) -> list[Any]:
        if not isinstance(value, list):
            raise _WrongType("Must be a list")
        items: list[Any] = []
        errors: dict[str, list[str]] = {}
        for index, item in enumerate(value):
            try:
                items.append(converter.structure(item, item_type))
            except Exception as exc:  # noqa: BLE001 - every failure is reported as a field error
                _errors_of(exc, f"[{index}]", errors)
        if errors:
            raise Invalid({key: msgs for key, msgs in errors.items()})
        return items

    return structure


def _attrs_structure_hook(converter: cattrs.Converter, cls: type) -> Callable[[object, type], Any]:
    fields = attrs.fields(attrs.resolve_types(cls))
    # each field's hook is found here, once, not dispatched again on every call
    wire = {camel(f.name): (f, converter.get_structure_hook(f.type), _optional(f.type)) for f in fields}
    # attrs' __init__ runs the same validators on the same values, unless a
    # converter changes a value first
    init_validates = all(f.converter is None for f in fields)

    def read(payload: dict[Any, Any], validate: bool) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """The fields' values and every error found, in the fields' order."""
        errors: dict[str, list[str]] = {}
        for key in payload:
            if key not in wire:
                errors.setdefault(str(key)[:100], []).append("Unknown field")
        values: dict[str, Any] = {}
        for name, (f, hook, optional) in wire.items():
            if name not in payload:
                if f.default is attrs.NOTHING:
                    errors.setdefault(f.name, []).append("Required")
                continue
            raw = payload[name]
            try:
                value = None if raw is None and optional else hook(raw, f.type)
                if validate and f.validator is not None:
                    f.validator(None, f, value)
            except Exception as exc:  # noqa: BLE001 - every failure is reported as a field error
                nested: dict[str, list[str]] = {}
                _errors_of(exc, ROOT, nested)
                for key, messages in nested.items():
                    sub = f.name if key == ROOT else f"{f.name}{key}" if key.startswith("[") else f"{f.name}.{key}"
                    errors.setdefault(sub, []).extend(messages)
                continue
            values[f.name] = value
        return values, errors

    def structure(payload: object, _: type) -> Any:
        if not isinstance(payload, dict):
            raise Invalid({ROOT: ["Must be a JSON object"]})
        if init_validates:
            values, errors = read(payload, validate=False)
            if not errors:
                try:
                    return cls(**values)  # a valid command's validators run once, here
                except Exception:  # noqa: BLE001 - found again, field by field, below
                    pass
        # each validator on its own, so that every error comes back at once
        values, errors = read(payload, validate=True)
        if errors:
            raise Invalid(errors)
        return cls(**values)

    return structure


def _optional(type_: Any) -> bool:
    return type(None) in typing.get_args(type_)


def _optional_hook(converter: cattrs.Converter, type_: Any) -> Callable[[object, type], Any]:
    inner = [arg for arg in typing.get_args(type_) if arg is not type(None)]
    (inner_type,) = inner
    hook = converter.get_structure_hook(inner_type)

    def structure(value: object, _: type) -> Any:
        return None if value is None else hook(value, inner_type)

    return structure


def _wire_names(cls: type) -> dict[str, Any]:
    """cattrs overrides renaming each attribute to its camelCase wire name."""
    return {f.name: override(rename=camel(f.name)) for f in attrs.fields(cls)}


@cache
def converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _strict(int, "Must be an integer"))
    conv.register_structure_hook(bool, _strict(bool, "Must be true or false"))
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_unstructure_hook(datetime, _unstructure_datetime)
    # an optional str or number is itself on the wire: cattrs' generated
    # unstructuring then copies it rather than calling a hook per value
    conv.register_unstructure_hook_factory(_optional_plain, lambda _: identity)
    # a member's value (``_value_``, which Enum's ``value`` property reads)
    # by a C getter, not a lambda calling that property
    conv.register_unstructure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda _: attrgetter("_value_")
    )
    conv.register_structure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _structure_enum
    )
    conv.register_structure_hook_factory(_optional_union, lambda t: _optional_hook(conv, t))
    conv.register_structure_hook_factory(
        lambda t: typing.get_origin(t) is list, lambda t: _list_hook(conv, t)
    )
    conv.register_structure_hook_factory(attrs.has, lambda cls: _attrs_structure_hook(conv, cls))
    conv.register_structure_hook(Upload, _structure_upload)
    conv.register_unstructure_hook_factory(
        attrs.has,
        lambda cls: make_dict_unstructure_fn(cls, conv, **_wire_names(cls)),
    )
    return conv


def _optional_union(type_: Any) -> bool:
    args = typing.get_args(type_)
    return len(args) == 2 and type(None) in args


def _optional_plain(type_: Any) -> bool:
    return _optional_union(type_) and all(arg in _PLAIN for arg in typing.get_args(type_))


_PLAIN = (str, int, float, bool, type(None))


@frozen
class Unreadable:
    """A body that could not be read as JSON at all, and why."""

    reason: str


def structure(cls: type[T], payload: object) -> T:
    """Build a command from untrusted input, or raise ``Invalid``."""
    if isinstance(payload, Unreadable):
        raise Invalid({ROOT: [payload.reason]})
    try:
        return converter().structure(payload, cls)
    except Invalid:
        raise
    except Exception as exc:  # noqa: BLE001 - never let bad input become a 500
        errors: dict[str, list[str]] = {}
        _errors_of(exc, ROOT, errors)
        raise Invalid(errors) from None


def unstructure(value: object) -> Any:
    return converter().unstructure(value)
