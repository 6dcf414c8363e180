"""Idempotency keys over HTTP against ``darasa serve``: concurrent retries of
one request create one record and all answer it (or CONFLICT while it runs),
a later retry replays it byte for byte, another payload under the key is a
422, and a key is the caller's own."""

from __future__ import annotations

import httpx

from tests.concurrently import at_once
from tests.e2e.conftest import Server, act, cookieless_client, envelope, sign_up

JOB = {"name": "Backend", "experienceLevel": "senior", "description": "Python APIs"}


def job_names(client: httpx.Client, account) -> list[str]:
    return [j["name"] for j in envelope(act(client, account, "listJobInfos", {}))["jobInfos"]]


def test_concurrent_retries_over_http_create_one_job_info(client: httpx.Client, server: Server) -> None:
    account = sign_up(client)
    key = {"Idempotency-Key": "create-backend-1"}

    def retry() -> httpx.Response:
        with cookieless_client(server) as own:
            return act(own, account, "createJobInfo", JOB, key)

    responses = at_once([retry for _ in range(12)])
    created = [r for r in responses if r.status_code == 200]
    assert created and {r.json()["id"] for r in created} == {created[0].json()["id"]}
    for refused in (r for r in responses if r.status_code != 200):
        envelope(refused, 409, "CONFLICT")
    assert act(client, account, "createJobInfo", JOB, key).content == created[0].content
    assert job_names(client, account) == ["Backend"]

    other = envelope(act(client, account, "createJobInfo", {**JOB, "name": "Other"}, key), 422, "VALIDATION")
    assert other["fieldErrors"] == {"idempotencyKey": ["This key was already used with another request"]}
    stranger = sign_up(client, "Eve")
    assert envelope(act(client, stranger, "createJobInfo", JOB, key))["id"] != created[0].json()["id"]
    assert job_names(client, account) == ["Backend"]
