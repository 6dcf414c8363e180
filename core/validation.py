"""Field rules for commands, as attrs validators with messages a user can
read. The web edge runs them field by field to report every error at once."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from attrs import Attribute

Validator = Callable[[Any, "Attribute[Any]", Any], None]
"""An attrs validator: ``(instance, attribute, value)``, raising ValueError."""


def text(max_length: int, *, required: bool = True) -> Validator:
    """A string that is not blank (unless optional) and not too long."""

    def check(_instance: Any, attribute: Attribute[Any], value: str | None) -> None:
        if value is None:
            if required:
                raise ValueError("Required")
            return
        if not value.strip():
            raise ValueError("Required" if required else "Must not be empty when given")
        if len(value) > max_length:
            raise ValueError(f"Must be at most {max_length} characters")

    return check


def identifier(_instance: Any, _attribute: Attribute[Any], value: str) -> None:
    """An id as clients send it back: short and printable. Whether it names a
    record the caller may touch is for the use case to say."""
    if not value or len(value) > 64 or not value.isprintable():
        raise ValueError("Must be a valid id")


_DURATION = re.compile(r"\d{2}:[0-5]\d:[0-5]\d")


def duration(_instance: Any, _attribute: Attribute[Any], value: str | None) -> None:
    if value is not None and not _DURATION.fullmatch(value):
        raise ValueError("Must be a duration HH:MM:SS")
