"""``POST /auth/sign-up``, ``/auth/sign-in`` and ``/auth/sign-out``: the
public actions of local accounts (``core.accounts``) over HTTP, run by the
same pipeline as every action. All this module adds is the session cookie:
a signed-in answer carries the bearer token for API clients and sets the
cookie for browsers; signing out clears it."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector.wiring import Provide, inject
from flask import Blueprint, request
from werkzeug.wrappers import Response as WerkzeugResponse

from adapters.web.actions import read_json_body
from adapters.web.credentials import SESSION_COOKIE, presented, same_origin
from adapters.web.envelope import refuse, render, success
from adapters.web.routes import SESSION_ROUTES
from core.accounts import SignedIn
from core.errors import ErrorCode
from core.pipeline import Actions, Context, Success
from core.ports import Identity

blueprint = Blueprint("auth", __name__)


@blueprint.after_request
def _never_stored(response: WerkzeugResponse) -> WerkzeugResponse:
    """Answers that carry or end a session (a bearer token, a cookie) are
    kept by no cache, shared or private."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def _open_session(name: str, actions: Actions, lifetime: timedelta) -> WerkzeugResponse:
    # A browser names the page that posts: another site's page must not sign
    # its visitor into an account of its choosing (login CSRF). API clients
    # send no Origin and are not concerned.
    if "Origin" in request.headers and not same_origin(request):
        return refuse(ErrorCode.FORBIDDEN)
    try:
        payload = read_json_body(request)
    except OverflowError:
        return refuse(ErrorCode.PAYLOAD_TOO_LARGE, "Request body exceeds 1MB limit")
    result = actions.run(name, Context(client_ip=request.remote_addr), payload)
    if not isinstance(result, Success) or not isinstance(result.data, SignedIn):
        return render(result)
    return set_session_cookie(success(result.data), result.data.token, lifetime)


def set_session_cookie(response: WerkzeugResponse, token: str, lifetime: timedelta) -> WerkzeugResponse:
    """The browser keeps the session: HttpOnly, SameSite=Lax, for its lifetime."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(lifetime.total_seconds()),
        path="/",
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )
    return response


def clear_session_cookie(response: WerkzeugResponse) -> WerkzeugResponse:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=request.is_secure, httponly=True, samesite="Lax"
    )
    return response


@blueprint.post(SESSION_ROUTES["signUp"])
@inject
def sign_up(
    actions: Actions = Provide["actions"], lifetime: timedelta = Provide["session_lifetime"]
) -> WerkzeugResponse:
    return _open_session("signUp", actions, lifetime)


@blueprint.post(SESSION_ROUTES["signIn"])
@inject
def sign_in(
    actions: Actions = Provide["actions"], lifetime: timedelta = Provide["session_lifetime"]
) -> WerkzeugResponse:
    return _open_session("signIn", actions, lifetime)


@blueprint.post(SESSION_ROUTES["signOut"])
@inject
def sign_out(
    actions: Actions = Provide["actions"], identity: Identity = Provide["identity"]
) -> WerkzeugResponse:
    credentials = presented(request)
    if credentials.via_cookie and not same_origin(request):
        return refuse(ErrorCode.FORBIDDEN)
    actor = identity.authenticate(credentials.token) if credentials.token else None
    result = actions.run("signOut", Context(actor, request.remote_addr), {})
    if not isinstance(result, Success):
        return render(result)
    return clear_session_cookie(success())
