"""An unexpected exception in a use case: the client gets the INTERNAL
envelope with the request id and never a traceback; the log has both."""

from __future__ import annotations

import logging
from pathlib import Path

from attrs import frozen

from adapters.fakes import FakeClock, FakeStorage
from adapters.ratelimit.memory import MemoryWindowLimiter
from core.domain import Actor
from core.pipeline import Action, Context
from entrypoints.app import create_app
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import Settings


@frozen
class Nothing:
    pass


class EveryTokenIsAda:
    def authenticate(self, token: str) -> Actor | None:
        return Actor("ada")


class Explode:
    def __call__(self, context: Context, command: Nothing) -> None:
        raise RuntimeError("secret internals: password=hunter2")


def app_with_a_broken_action(tmp_path: Path):
    settings = Settings.from_env({"DARASA_INSTANCE": str(tmp_path), "SECRET_KEY": "k"})
    container = bootstrap(
        settings,
        storage=FakeStorage(),
        window_limiter=MemoryWindowLimiter(FakeClock()),
        identity=EveryTokenIsAda(),
        action_list=[Action("explode", Nothing, None, Explode)],
    )
    return create_app(settings, container, migrate=False)


def test_an_unexpected_error_is_the_internal_envelope_with_the_request_id(tmp_path, caplog):
    client = app_with_a_broken_action(tmp_path).test_client()
    with caplog.at_level(logging.INFO):
        response = client.post("/actions/explode", json={}, headers={"Authorization": "Bearer t"})
    assert response.status_code == 500
    assert response.content_type == "application/json"
    request_id = response.headers["X-Request-Id"]
    assert response.json == {
        "error": True,
        "code": "INTERNAL",
        "message": "Something went wrong",
        "requestId": request_id,
    }
    assert "hunter2" not in response.get_data(as_text=True)
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert any(r.exc_info and "hunter2" in str(r.exc_info[1]) for r in logged)
    assert any('"status": 500' in r.getMessage() for r in logged)  # the request's log line


def test_an_offered_request_id_is_kept_and_a_malformed_one_replaced(tmp_path):
    client = app_with_a_broken_action(tmp_path).test_client()
    kept = client.post("/actions/explode", json={}, headers={"Authorization": "Bearer t", "X-Request-Id": "abc-123"})
    assert kept.headers["X-Request-Id"] == "abc-123" and kept.json["requestId"] == "abc-123"
    replaced = client.post(
        "/actions/explode", json={}, headers={"Authorization": "Bearer t", "X-Request-Id": "<script>"}
    )
    assert replaced.headers["X-Request-Id"] != "<script>"
    assert replaced.json["requestId"] == replaced.headers["X-Request-Id"]
