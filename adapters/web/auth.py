"""``POST /auth/sign-up``, ``/auth/sign-in`` and ``/auth/sign-out``: local
accounts over HTTP. A signed-in answer carries the bearer token for API
clients and sets the session cookie for browsers."""

from __future__ import annotations

from typing import Any

from dependency_injector.wiring import Provide, inject
from flask import Blueprint, Response, request

from adapters.web.actions import read_json_body
from adapters.web.converter import structure
from adapters.web.credentials import SESSION_COOKIE, presented, same_origin
from adapters.web.envelope import failure, refuse, success
from core.accounts import SignedIn, SignIn, SignInCommand, SignOut, SignUp, SignUpCommand
from core.errors import ActionFailed, ErrorCode, Invalid

blueprint = Blueprint("auth", __name__)


def _signed_in(use_case: SignUp | SignIn, command_type: type[Any]) -> Response:
    # A browser names the page that posts: another site's page must not sign
    # its visitor into an account of its choosing (login CSRF). API clients
    # send no Origin and are not concerned.
    if "Origin" in request.headers and not same_origin(request):
        return refuse(ErrorCode.FORBIDDEN)
    try:
        payload = read_json_body()
    except OverflowError:
        return refuse(ErrorCode.PAYLOAD_TOO_LARGE, "Request body exceeds 1MB limit")
    try:
        command = structure(command_type, payload)
        signed_in: SignedIn = use_case(command, ip=request.remote_addr)
    except Invalid as invalid:
        return refuse(ErrorCode.VALIDATION, "Invalid input", fieldErrors=invalid.field_errors)
    except ActionFailed as failed:
        return failure(failed.failure())
    response = success(signed_in)
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.token,
        max_age=int(use_case.session_lifetime.total_seconds()),
        path="/",
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )
    return response


@blueprint.post("/auth/sign-up")
@inject
def sign_up(use_case: SignUp = Provide["sign_up"]) -> Response:
    return _signed_in(use_case, SignUpCommand)


@blueprint.post("/auth/sign-in")
@inject
def sign_in(use_case: SignIn = Provide["sign_in"]) -> Response:
    return _signed_in(use_case, SignInCommand)


@blueprint.post("/auth/sign-out")
@inject
def sign_out(use_case: SignOut = Provide["sign_out"]) -> Response:
    credentials = presented(request)
    if credentials.via_cookie and not same_origin(request):
        return refuse(ErrorCode.FORBIDDEN)
    if credentials.token:
        use_case(credentials.token)
    response = success()
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=request.is_secure, httponly=True, samesite="Lax"
    )
    return response
