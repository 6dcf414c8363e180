"""Error pages: a browser URL that names nothing (or someone else's record)
gets the HTML 404 page, a failure the 500 page; the machine routes
(``/actions``, ``/auth``, ``/api``, the webhooks, health and OpenAPI) keep
their JSON envelope (``adapters.web.observability``)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, make_response, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from adapters.web import observability
from adapters.web.envelope import STATUS
from adapters.web.outages import DATABASE_OUTAGES, RETRY_AFTER_SECONDS, outages
from adapters.web.pages.common import CSP, NotYours, PageFailed, blueprint

log = logging.getLogger(__name__)

MACHINE_PREFIXES = ("/actions/", "/auth/", "/api/", "/webhooks/")
MACHINE_PATHS = {"/actions", "/auth", "/api", "/webhooks", "/healthz", "/openapi.json"}

TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Page not found",
    405: "Page not found",
    413: "Too large",
}


def for_machines() -> bool:
    path = request.path
    return path in MACHINE_PATHS or path.startswith(MACHINE_PREFIXES)


def _page(template: str, status: int, **context: object) -> tuple[WerkzeugResponse, int]:
    response = make_response(render_template(template, **context), status)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response, status


@blueprint.errorhandler(NotYours)
def _not_yours(_: NotYours) -> tuple[WerkzeugResponse, int]:
    return _page("not_found.html", 404)


@blueprint.errorhandler(PageFailed)
def _page_failed(failed: PageFailed) -> tuple[WerkzeugResponse, int]:
    return _page("error.html", STATUS[failed.failure.code], title="Something went wrong",
                 message=failed.failure.message)


def _http_error(error: HTTPException) -> Any:
    if for_machines():
        return observability.http_error(error)
    status = error.code or 500
    if status in (404, 405):
        return _page("not_found.html", 404)
    if status >= 500:
        return _page("error.html", status, title="Something went wrong",
                     message="The page could not be shown. Please try again in a moment.")
    return _page("error.html", status, title=TITLES.get(status, "Something went wrong"),
                 message=error.description or "")


def _unexpected(error: Exception) -> Any:
    if isinstance(error, outages()):  # Redis's (see adapters.web.outages)
        return _outage(error)
    if for_machines():
        return observability.unexpected(error)
    log.exception("page failed, requestId=%s", g.get("request_id"))
    return _page("error.html", 500, title="Something went wrong",
                 message="The page could not be shown. Please try again in a moment.",
                 request_id=g.get("request_id", ""))


def _outage(error: Exception) -> Any:
    if for_machines():
        return observability.outage(error)
    observability.outage(error)  # logs it
    page, status = _page("error.html", 503, title="Sorry, darasa is unavailable",
                         message="Part of the service is not answering. Please try again in a minute.")
    page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return page, status


def install(app: Flask) -> None:
    """HTML error pages for browser URLs; JSON for the machine routes."""
    app.register_error_handler(HTTPException, _http_error)
    for kind in DATABASE_OUTAGES:
        app.register_error_handler(kind, _outage)
    app.register_error_handler(Exception, _unexpected)
