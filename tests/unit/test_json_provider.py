"""The app's JSON provider answers as Flask's default does (with the keys
in the order given): the same body and content type, compact out of debug
mode, indented in it or when told not to be compact, whatever it is given."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from adapters.web.envelope import JsonProvider

VALUES: list[Any] = [
    {"error": False, "b": 1, "a": [1.5, None, True], "émoji": "😀 \u2028 \x00 \"q\""},
    {"when": datetime.datetime(2026, 12, 2, 7, 40, 1, 123, tzinfo=datetime.UTC), "day": datetime.date(2026, 1, 2),
     "id": uuid.UUID(int=7), "amount": Decimal("1.10")},
    [], "text", None, 3,
]


def _apps() -> tuple[Flask, Flask]:
    ours, flasks = Flask("ours"), Flask("flasks")
    ours.json = JsonProvider(ours)
    flasks.json = DefaultJSONProvider(flasks)
    flasks.json.sort_keys = False  # type: ignore[attr-defined]
    return ours, flasks


def _answer(app: Flask, *args: Any, **kwargs: Any) -> tuple[bytes, str | None]:
    with app.app_context():
        response = app.json.response(*args, **kwargs)
    return response.get_data(), response.content_type


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("mode", ["compact", "debug", "not compact", "ascii off"])
def test_it_answers_as_flasks_default_provider(value: Any, mode: str) -> None:
    ours, flasks = _apps()
    for app in (ours, flasks):
        app.debug = mode == "debug"
        if mode == "not compact":
            app.json.compact = False  # type: ignore[attr-defined]
        if mode == "ascii off":
            app.json.ensure_ascii = False  # type: ignore[attr-defined]
    for _ in range(2):  # its encoder kept, then used again
        assert _answer(ours, value) == _answer(flasks, value)
    assert _answer(ours, 1, 2) == _answer(flasks, 1, 2)
    assert _answer(ours, a=1, b=[2]) == _answer(flasks, a=1, b=[2])
    assert _answer(ours) == _answer(flasks)


def test_a_changed_setting_takes_effect() -> None:
    ours, flasks = _apps()
    assert _answer(ours, {"b": 1, "a": 2}) == _answer(flasks, {"b": 1, "a": 2})
    ours.json.sort_keys = flasks.json.sort_keys = True  # type: ignore[attr-defined]
    assert _answer(ours, {"b": 1, "a": 2})[0] == b'{"a":2,"b":1}\n' == _answer(flasks, {"b": 1, "a": 2})[0]


def test_the_app_uses_it() -> None:
    from entrypoints.app import App

    assert isinstance(App("x").json, JsonProvider)
