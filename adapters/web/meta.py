"""Routes about the service itself: the liveness check (the process answers),
the health check a load balancer polls (every backend answers, or which does
not), and the OpenAPI document clients and tests read."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from dependency_injector.wiring import Provide, inject
from flask import Blueprint, Response, jsonify

from adapters.web import openapi
from adapters.web.envelope import failure_body
from adapters.web.outages import RETRY_AFTER_SECONDS
from core.errors import DEFAULT_MESSAGES, ErrorCode, Failure
from core.pipeline import Actions

blueprint = Blueprint("meta", __name__)

log = logging.getLogger("darasa.health")


@blueprint.get("/livez")
def livez() -> Response:
    """The process answers: nothing else is checked (a restart would not
    bring a database back)."""
    return jsonify({"status": "ok"})


@blueprint.get("/healthz")
@inject
def healthz(checks: Mapping[str, Callable[[], object]] = Provide["health_checks"]) -> Response:
    """Every backend answers: 200, or 503 naming the ones that do not."""
    backends: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
            backends[name] = "ok"
        except Exception as error:  # noqa: BLE001 - any failure means that backend is down
            log.warning("health check: %s is down: %s", name, type(error).__name__)
            backends[name] = "down"
    if all(state == "ok" for state in backends.values()):
        return jsonify({"status": "ok"})
    unavailable = Failure(ErrorCode.UNAVAILABLE, DEFAULT_MESSAGES[ErrorCode.UNAVAILABLE],
                          retry_after=RETRY_AFTER_SECONDS)
    response = jsonify({**failure_body(unavailable), "backends": backends})
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@blueprint.get("/openapi.json")
@inject
def openapi_document(actions: Actions = Provide["actions"]) -> Response:
    return jsonify(openapi.document(actions))
