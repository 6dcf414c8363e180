"""Field rules for commands, as attrs validators with messages a user can
read. The web edge runs them field by field to report every error at once."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from attrs import Attribute

Validator = Callable[[Any, "Attribute[Any]", Any], None]
"""An attrs validator: ``(instance, attribute, value)``, raising ValueError."""


# Control characters (C0, DEL, C1). NUL is refused by PostgreSQL outright and
# none of them belongs in text a person typed; text that may span lines keeps
# tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS = "Must not contain control characters"


def no_control_characters(value: str, *, multiline: bool) -> None:
    """Refuse control characters (``multiline`` text may hold tabs and line
    breaks); one pass over the text, no backtracking."""
    if (_CONTROL_IN_LINES if multiline else _CONTROL).search(value):
        raise ValueError(CONTROL_CHARACTERS + ("" if multiline else " or line breaks"))


def text(max_length: int, *, required: bool = True, multiline: bool = False) -> Validator:
    """A string that is not blank (unless optional), not too long and free of
    control characters; only ``multiline`` text may hold tabs and line
    breaks."""

    def check(_instance: Any, attribute: Attribute[Any], value: str | None) -> None:
        if value is None:
            if required:
                raise ValueError("Required")
            return
        if not value.strip():
            raise ValueError("Required" if required else "Must not be empty when given")
        if len(value) > max_length:
            raise ValueError(f"Must be at most {max_length} characters")
        no_control_characters(value, multiline=multiline)

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
