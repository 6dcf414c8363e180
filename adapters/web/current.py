"""The request being served and its app context's ``g``, themselves rather
than Flask's proxies: every attribute read through ``flask.request`` or
``flask.g`` looks the object up again (a context variable and a few calls),
so code run on every request that reads several binds them once."""

from __future__ import annotations

from flask import Request, g, request
from flask.ctx import _AppCtxGlobals

# _get_current_object is the proxies' documented way to what they stand for
# (tests/unit/test_current_request.py checks it still is)


def current_request() -> Request:
    return request._get_current_object()  # type: ignore[attr-defined]


def current_g() -> _AppCtxGlobals:
    return g._get_current_object()
