"""The request being served, itself rather than Flask's proxy: every
attribute read through ``flask.request`` looks the request up again (a
context variable and two calls), so code run on every request binds it
once and reads it directly."""

from __future__ import annotations

from flask import Request, request


def current_request() -> Request:
    # _get_current_object is the proxies' documented way to what they stand for
    return request._get_current_object()  # type: ignore[attr-defined]
