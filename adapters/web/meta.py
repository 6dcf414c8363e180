"""Routes about the service itself: the health check a load balancer polls
and the OpenAPI document clients and tests read."""

from __future__ import annotations

import logging

from dependency_injector.wiring import Provide, inject
from flask import Blueprint, Response, jsonify

from adapters.web import openapi
from adapters.web.envelope import refuse
from core.errors import ErrorCode
from core.pipeline import Actions
from core.ports import Storage

blueprint = Blueprint("meta", __name__)

log = logging.getLogger("darasa.health")


@blueprint.get("/healthz")
@inject
def healthz(storage: Storage = Provide["storage"]) -> Response:
    try:
        storage.ping()
    except Exception:  # noqa: BLE001 - any failure of the storage means unhealthy
        log.exception("health check failed")
        return refuse(ErrorCode.UNAVAILABLE)
    return jsonify({"status": "ok"})


@blueprint.get("/openapi.json")
@inject
def openapi_document(actions: Actions = Provide["actions"]) -> Response:
    return jsonify(openapi.document(actions))
