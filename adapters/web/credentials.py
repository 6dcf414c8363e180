"""Where a request's credentials are: a bearer token or the session cookie
(``darasa_session`` for local accounts; the app's ``TOKEN_COOKIE`` setting
names another, Clerk's ``__session``), and whether a cookie-borne call
comes from our own origin."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Request, current_app

from core.records import frozen

SESSION_COOKIE = "darasa_session"


@frozen
class Presented:
    token: str | None
    via_cookie: bool


def presented(request: Request) -> Presented:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return Presented(token.strip(), via_cookie=False)
    cookie = request.cookies.get(current_app.config.get("TOKEN_COOKIE", SESSION_COOKIE))
    return Presented(cookie or None, via_cookie=bool(cookie))


def same_origin(request: Request) -> bool:
    """Origin (or, failing that, Referer) names this scheme and host, as
    Next.js checks server actions: a page served over plain http cannot act
    for the https site. A cookie call with neither is refused."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return False
    origin = urlsplit(source)
    return origin.scheme.lower() == request.scheme and origin.netloc.lower() == request.host.lower()
