"""What every page module shares: the blueprint, the caller from the
session cookie, reads through the action registry, the plain-POST path of a
form (CSRF token bound to the session) and the security headers.

Every page reads through ``Actions.run`` with the caller from the session
cookie (or a bearer token), never through storage. A signed-out visitor is
sent to the sign-in page (the app's ``SIGN_IN_URL``: /sign-in, or Clerk's)
with the page asked for in ``next``; a record that is missing or someone
else's gives the same 404 page.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request
from werkzeug.wrappers import Response as WerkzeugResponse

from adapters.web import markdown
from adapters.web.credentials import presented, same_origin
from adapters.web.envelope import STATUS
from core.domain import Actor
from core.errors import ErrorCode, Failure
from core.pipeline import Actions, Context, Success
from core.ports import Identity

blueprint = Blueprint(
    "pages",
    __name__,
    root_path=str(Path(__file__).resolve().parent.parent),
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets",
)

LOCAL_SIGN_IN = "/sign-in"
NEXT_MAX = 500
CSRF_FIELD = "csrf_token"
NOT_MINE = {ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND, ErrorCode.VALIDATION}
"""What a read of a record answers when the id names nothing of the caller's."""

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src blob:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


class PageFailed(Exception):
    """A read a page needs failed for another reason than the record."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.failure = failure


class NotYours(Exception):
    """The record is missing or someone else's: the 404 page."""


@blueprint.app_template_filter("markdown")
def markdown_filter(text: str | None, under: int = 1) -> Any:
    """Rendered and sanitised, its headings below the page's h``under``."""
    return markdown.render(text or "", under)


@blueprint.app_template_filter("plain")
def plain_filter(text: str | None) -> str:
    """Markdown as the text a person reads (for excerpts): no markup."""
    return str(markdown.render(text or "").striptags())


@blueprint.app_context_processor
def _shell() -> dict[str, Any]:
    """What the layout needs on every page: who is signed in (for the
    navigation), the form token, whether accounts are local."""
    if "actor" not in g:
        caller(current_app.container.identity())  # type: ignore[attr-defined]
    return {"csrf_token": csrf_token(), "local_accounts": local_accounts(),
            "signed_in": g.get("actor") is not None}


@blueprint.after_request
def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint != "pages.static":
        response.headers["Cache-Control"] = "no-store"
    return response


def caller(identity: Identity) -> Actor | None:
    """The signed-in caller of this request, or None."""
    if "actor" not in g:
        token = presented(request).token
        g.actor = identity.authenticate(token) if token else None
    actor: Actor | None = g.actor
    return actor


def local_path(path: str | None) -> str | None:
    """``path`` when it is a path of this site (never another host), else None."""
    if not path or len(path) > NEXT_MAX or not path.startswith("/") or path.startswith(("//", "/\\")):
        return None
    if any(ord(c) < 32 or c == "\\" for c in path):
        return None
    return path


def sign_in_redirect() -> WerkzeugResponse:
    """To the sign-in page, which brings the visitor back here after."""
    target = current_app.config.get("SIGN_IN_URL", LOCAL_SIGN_IN)
    if target == LOCAL_SIGN_IN:
        here = request.full_path.rstrip("?") if request.method == "GET" else request.path
        if here not in ("/", "/app"):
            target = f"{LOCAL_SIGN_IN}?next={quote(here, safe='/')}"
    return redirect(target, code=303)


def local_accounts() -> bool:
    return bool(current_app.config.get("SIGN_IN_URL", LOCAL_SIGN_IN) == LOCAL_SIGN_IN)


def read(actions: Actions, actor: Actor, name: str, payload: Mapping[str, Any]) -> Any:
    """The data of a read, or the 404 page when the record is not the
    caller's, or the error page."""
    result = actions.run(name, Context(actor, request.remote_addr), dict(payload))
    if isinstance(result, Failure):
        if result.code in NOT_MINE:
            raise NotYours
        raise PageFailed(result)
    return result.data


# --- lists: one page at a time ------------------------------------------------


def page_args() -> dict[str, str]:
    """The page of a list asked for (``?cursor=``, from a "Show more" link)."""
    cursor = request.args.get("cursor", "")
    return {"cursor": cursor} if cursor else {}


def more_href(next_cursor: str | None, **keep: str) -> str | None:
    """This page again at the list's next page (keeping ``keep``, e.g. the
    search), or None on the last page."""
    if not next_cursor:
        return None
    return f"{request.path}?{urlencode({**{k: v for k, v in keep.items() if v}, 'cursor': next_cursor})}"


# --- the plain POST of a form (no JavaScript) ----------------------------------


def csrf_token() -> str:
    """A token bound to the caller's session: empty without one."""
    token = presented(request).token
    if not token:
        return ""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"csrf:" + token.encode(), hashlib.sha256).hexdigest()


def check_form_post() -> None:
    """A plain form POST comes from our own pages: with a session, the form
    carries the session's CSRF token; a browser's Origin, when sent, is ours."""
    if "Origin" in request.headers and not same_origin(request):
        abort(403)
    expected = csrf_token()
    if expected and not hmac.compare_digest(expected, request.form.get(CSRF_FIELD, "")):
        abort(403)


def form_payload(optional: tuple[str, ...] = ()) -> dict[str, str]:
    """The form's fields under their wire names, without the CSRF token;
    an empty optional field is left out."""
    return {
        name: value
        for name, value in request.form.items()
        if name != CSRF_FIELD and not (name in optional and value == "")
    }


def run_form(actions: Actions, actor: Actor | None, name: str, payload: dict[str, Any]) -> Success[Any] | Failure:
    return actions.run(name, Context(actor, request.remote_addr), payload)


def field_errors(errors: Mapping[str, list[str]] | None, values: Mapping[str, Any],
                 empty: Mapping[str, str]) -> dict[str, list[str]]:
    """A form's field errors for its error summary, GOV.UK style: in the
    form's order (``empty``'s keys, every field of the form), and a field
    that was left empty told what to enter (``empty``'s words, not the
    action's "Required")."""
    given = dict(errors or {})
    ordered = [name for name in empty if name in given] + [name for name in given if name not in empty]
    return {
        name: [empty[name]] if empty.get(name) and not str(values.get(name) or "").strip() else given[name]
        for name in ordered
    }


# --- a failed action, in plain words ----------------------------------------

FAILURE_TITLES = {ErrorCode.PLAN_LIMIT: "You have reached your plan limit.", ErrorCode.RATE_LIMIT: "Woah! Slow down."}
FAILURE_WORDS = {
    ErrorCode.PLAN_LIMIT: "You have used everything your plan allows of this. Upgrade to keep practising.",
    ErrorCode.RATE_LIMIT: "You are asking the coach faster than it can answer.",
}
"""What a person reads for the failures whose wire message is their code."""


def failure_words(failure: Failure) -> str:
    return FAILURE_WORDS.get(failure.code, failure.message)


def failure_page(failure: Failure, back: str | None) -> tuple[str, int]:
    """The page a plain form post shows when its action failed: the
    failure in words (never its code), Upgrade or the wait where they help."""
    details = [message for messages in (failure.field_errors or {}).values() for message in messages]
    page = render_template("error.html", title=FAILURE_TITLES.get(failure.code, "That did not work"),
                           message=failure_words(failure), details=details,
                           upgrade=failure.code is ErrorCode.PLAN_LIMIT, retry_after=failure.retry_after, back=back)
    return page, STATUS[failure.code]
