"""Idempotency keys in the runner, on fakes: a retry with the same key answers
the first result without running again (streamed answers too), another
request under the key is VALIDATION, a duplicate still running is CONFLICT,
a failure frees the key, and keys lapse after 24 hours. A call that committed
is never run again under its key, even when its answer was lost, and one that
outlived its lease and was taken over saves nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from core.errors import ErrorCode, Failure, Unavailable
from core.idempotency import REPLAY_SECONDS, RUNNING_LEASE_SECONDS
from core.pipeline import Context, Streaming, Success
from tests.concurrently import at_once
from tests.unit.app_on_fakes import FakeApp

JOB = {"name": "Backend", "experienceLevel": "senior", "description": "Python APIs"}


def run(app: FakeApp, actor, name: str, payload: object, key: str | None = "key-1"):
    return app.actions.run(name, Context(actor, None, key), payload)


def job_count(app: FakeApp, actor) -> int:
    result = app.run("listJobInfos", actor, {})
    assert isinstance(result, Success)
    return len(result.data.job_infos)


def test_a_retry_answers_the_first_result_without_running_again():
    app = FakeApp()
    actor = app.user()
    first = run(app, actor, "createJobInfo", JOB)
    again = run(app, actor, "createJobInfo", dict(reversed(list(JOB.items()))))  # same request
    assert isinstance(first, Success) and again == first
    assert job_count(app, actor) == 1
    assert isinstance(run(app, actor, "createJobInfo", JOB, key="key-2"), Success)
    assert isinstance(run(app, actor, "createJobInfo", JOB, key=None), Success)
    assert job_count(app, actor) == 3


def test_keys_are_per_user():
    app = FakeApp()
    alice, bob = app.user("alice"), app.user("bob")
    assert isinstance(run(app, alice, "createJobInfo", JOB), Success)
    assert isinstance(run(app, bob, "createJobInfo", JOB), Success)
    assert job_count(app, alice) == job_count(app, bob) == 1


def test_the_same_key_with_another_payload_or_action_is_validation_and_runs_nothing():
    app = FakeApp()
    actor = app.user()
    created = run(app, actor, "createJobInfo", JOB)
    assert isinstance(created, Success)
    for name, payload in [
        ("createJobInfo", {**JOB, "name": "Frontend"}),
        ("deleteJobInfo", {"id": created.data.id}),
    ]:
        refused = run(app, actor, name, payload)
        assert isinstance(refused, Failure) and refused.code is ErrorCode.VALIDATION
        assert refused.field_errors == {"idempotency_key": ["This key was already used with another request"]}
    assert job_count(app, actor) == 1


def test_a_key_a_client_may_not_use_is_validation():
    app = FakeApp()
    actor = app.user()
    for key in ["", "x" * 256, "new\nline", "é"]:
        refused = run(app, actor, "createJobInfo", JOB, key=key)
        assert isinstance(refused, Failure) and refused.code is ErrorCode.VALIDATION
        assert list(refused.field_errors or {}) == ["idempotency_key"]
    assert job_count(app, actor) == 0


def test_invalid_payloads_and_failures_keep_nothing_so_a_retry_runs():
    app = FakeApp()
    actor = app.user()
    invalid = run(app, actor, "createJobInfo", {**JOB, "experienceLevel": "boss"})
    assert isinstance(invalid, Failure) and invalid.code is ErrorCode.VALIDATION
    forbidden = run(app, actor, "getJobInfo", {"id": "00000000-0000-0000-0000-00000000ffff"})
    assert isinstance(forbidden, Failure) and forbidden.code is ErrorCode.FORBIDDEN
    # the key was freed: it may now carry a request that succeeds
    assert isinstance(run(app, actor, "createJobInfo", JOB), Success)


@contextmanager
def first_create_held(app: FakeApp, actor) -> Iterator[list]:
    """A createJobInfo under the key, started in a thread and held before
    it does anything while the block runs; then let go. Its answer is in
    the list afterwards."""
    validator, handler = app.actions._actions["createJobInfo"]
    running, go_on = threading.Event(), threading.Event()

    def held(context, command):
        if not running.is_set():  # the first call only
            running.set()
            go_on.wait(10)
        return handler(context, command)

    app.actions._actions["createJobInfo"] = (validator, held)
    results: list = []
    first = threading.Thread(target=lambda: results.append(run(app, actor, "createJobInfo", JOB)))
    first.start()
    assert running.wait(10)
    try:
        yield results
    finally:
        go_on.set()
        first.join(10)


def test_a_duplicate_while_the_first_still_runs_is_conflict():
    app = FakeApp()
    actor = app.user()
    with first_create_held(app, actor) as first:
        duplicate = run(app, actor, "createJobInfo", JOB)
    assert isinstance(duplicate, Failure) and duplicate.code is ErrorCode.CONFLICT
    assert duplicate.message == "A request with this idempotency key is still running"
    assert isinstance(first[0], Success) and run(app, actor, "createJobInfo", JOB) == first[0]
    assert job_count(app, actor) == 1


def test_a_call_that_outlives_its_lease_and_is_taken_over_saves_nothing():
    app = FakeApp()
    actor = app.user()
    with first_create_held(app, actor) as first:
        app.clock.advance(RUNNING_LEASE_SECONDS + 1)
        retry = run(app, actor, "createJobInfo", JOB)  # takes the key over
    assert isinstance(retry, Success)
    taken_over = first[0]
    assert isinstance(taken_over, Failure) and taken_over.code is ErrorCode.CONFLICT
    assert "a retry with its idempotency key took its place" in taken_over.message
    assert job_count(app, actor) == 1
    assert run(app, actor, "createJobInfo", JOB) == retry


def test_concurrent_retries_run_the_action_once():
    app = FakeApp()
    actor = app.user()
    results = at_once([lambda: run(app, actor, "createJobInfo", JOB) for _ in range(8)])
    successes = [r for r in results if isinstance(r, Success)]
    assert successes and all(r == successes[0] for r in successes)
    assert all(r.code is ErrorCode.CONFLICT for r in results if isinstance(r, Failure))
    assert job_count(app, actor) == 1


def test_keys_lapse_after_24_hours_and_a_dead_call_after_its_lease():
    app = FakeApp()
    actor = app.user()
    assert isinstance(run(app, actor, "createJobInfo", JOB), Success)
    app.clock.advance(REPLAY_SECONDS - 1)
    assert isinstance(run(app, actor, "createJobInfo", JOB), Success) and job_count(app, actor) == 1
    app.clock.advance(2)
    assert isinstance(run(app, actor, "createJobInfo", JOB), Success) and job_count(app, actor) == 2

    keys = app.container.idempotency_keys()
    assert keys.claim(actor.user_id, "dead", "f").state == "new"  # its process died
    assert keys.claim(actor.user_id, "dead", "f").state == "running"
    app.clock.advance(RUNNING_LEASE_SECONDS + 1)
    assert keys.claim(actor.user_id, "dead", "f").state == "new"


def test_a_streamed_answer_is_kept_once_finished_and_replayed_whole():
    app = FakeApp()
    actor = app.user()
    job = app.run("createJobInfo", actor, JOB)
    assert isinstance(job, Success)
    payload = {"jobInfoId": job.data.id, "difficulty": "easy"}
    streaming = app.actions.start("generateQuestion", Context(actor, None, "q-1"), payload)
    assert isinstance(streaming, Streaming)
    chunks = list(streaming.chunks)
    duplicate = run(app, actor, "generateQuestion", payload, key="q-1")
    assert isinstance(duplicate, Failure) and duplicate.code is ErrorCode.CONFLICT
    generated = streaming.finish("".join(chunks))
    replayed = app.actions.start("generateQuestion", Context(actor, None, "q-1"), payload)
    assert replayed == Success(generated)
    listed = app.run("listQuestions", actor, {"jobInfoId": job.data.id})
    assert isinstance(listed, Success) and len(listed.data.questions) == 1


LOST = ("A request with this idempotency key was done, but its answer was lost: "
        "read the current state instead of retrying")


def lose_answers(app: FakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's ``finish`` fails after the action's commit (a database
    fault between the two), as the SQL store does: logged, nothing kept."""
    monkeypatch.setattr(app.container.idempotency_keys(), "finish", lambda user_id, key, token, response: None)


def test_a_retry_after_a_lost_answer_never_runs_the_action_again(monkeypatch: pytest.MonkeyPatch):
    app = FakeApp()
    actor = app.user()
    lose_answers(app, monkeypatch)
    assert isinstance(run(app, actor, "createJobInfo", JOB), Success)
    for wait in [0, RUNNING_LEASE_SECONDS + 1]:  # the lease lets nobody take it over
        app.clock.advance(wait)
        refused = run(app, actor, "createJobInfo", JOB)
        assert isinstance(refused, Failure) and refused.code is ErrorCode.CONFLICT and refused.message == LOST
        assert job_count(app, actor) == 1
    app.clock.advance(REPLAY_SECONDS)  # keys lapse after 24 hours, as always
    assert isinstance(run(app, actor, "createJobInfo", JOB), Success) and job_count(app, actor) == 2


def test_a_call_that_fails_after_its_commit_keeps_its_key():
    app = FakeApp()
    actor = app.user()
    action, handler = app.actions._actions["createJobInfo"]

    def fails_after_writing(context, command):
        handler(context, command)
        raise Unavailable()  # e.g. the cache could not be told

    app.actions._actions["createJobInfo"] = (action, fails_after_writing)
    failed = run(app, actor, "createJobInfo", JOB)
    assert isinstance(failed, Failure) and failed.code is ErrorCode.UNAVAILABLE
    app.actions._actions["createJobInfo"] = (action, handler)
    refused = run(app, actor, "createJobInfo", JOB)
    assert isinstance(refused, Failure) and refused.code is ErrorCode.CONFLICT and refused.message == LOST
    assert job_count(app, actor) == 1


def test_a_streamed_answer_whose_store_failed_is_not_generated_again(monkeypatch: pytest.MonkeyPatch):
    app = FakeApp()
    actor = app.user()
    job = app.run("createJobInfo", actor, JOB)
    assert isinstance(job, Success)
    payload = {"jobInfoId": job.data.id, "difficulty": "easy"}
    lose_answers(app, monkeypatch)
    assert isinstance(run(app, actor, "generateQuestion", payload, key="q-1"), Success)
    refused = run(app, actor, "generateQuestion", payload, key="q-1")
    assert isinstance(refused, Failure) and refused.code is ErrorCode.CONFLICT and refused.message == LOST
    listed = app.run("listQuestions", actor, {"jobInfoId": job.data.id})
    assert isinstance(listed, Success) and len(listed.data.questions) == 1
