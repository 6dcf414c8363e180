"""Every view, request hook and error handler of the app is a plain ``def``:
``entrypoints.app.App`` skips Flask's ``ensure_sync`` check, so an ``async def`` one
would hand Flask a coroutine instead of a response, for every visitor of
that route. Checked on the app as built, with Clerk and without."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.clerk_tokens import WEBHOOK_SECRET, Issuer
from tests.unit.web_on_fakes import web_app_on_fakes

CLERK = {"IDENTITY": "clerk", "CLERK_JWT_KEY": Issuer().public_pem, "CLERK_WEBHOOK_SIGNING_SECRET": WEBHOOK_SECRET,
         "CLERK_SIGN_IN_URL": "https://accounts.example.com/sign-in"}


def _registered(app: Flask) -> Iterator[tuple[str, Any]]:
    yield from app.view_functions.items()
    for kind in ("before_request_funcs", "after_request_funcs", "teardown_request_funcs",
                 "teardown_appcontext_funcs", "url_value_preprocessors", "url_default_functions",
                 "template_context_processors"):
        registered = getattr(app, kind)
        for functions in registered.values() if isinstance(registered, dict) else [registered]:
            for function in functions:
                yield kind, function
    for by_code in app.error_handler_spec.values():
        for handlers in by_code.values():
            for error, handler in handlers.items():
                yield f"error handler for {error.__name__}", handler


@pytest.mark.parametrize("env", [{}, CLERK], ids=["local", "clerk"])
def test_no_view_hook_or_handler_is_async(tmp_path: Path, env: dict[str, str]) -> None:
    with web_app_on_fakes(tmp_path, env=env) as app:
        found = list(_registered(app))
        assert len(found) > 30  # the routes, the hooks and the handlers were all seen
        coroutines = [name for name, function in found
                      if inspect.iscoroutinefunction(inspect.unwrap(function))]
        assert coroutines == []
        assert app.ensure_sync(found[0][1]) is found[0][1]
