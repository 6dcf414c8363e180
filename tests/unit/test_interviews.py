"""Interview actions on the fakes: the plan allowance that deleting never
gives back, the token bucket, the pipeline order (a call refused for any
other reason costs no token), privacy, validation and fresh reads, and the
allowance holding under concurrent calls."""

from __future__ import annotations

import uuid

from attrs import asdict
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.domain import Decision, Interview
from core.errors import ErrorCode, Failure
from core.interviews import InterviewUpdated
from core.pipeline import Success
from tests.concurrently import at_once
from tests.conftest import FORBIDDEN, PLAN_LIMIT, is_rate_limited
from tests.conftest import rate_limited as rate_limited_for
from tests.unit.app_on_fakes import FakeApp

DAY = 86_400


def create(app: FakeApp, actor, job_id: str):
    return app.run("createInterview", actor, {"jobInfoId": job_id})


def listed(detail) -> Interview:
    """An interview as listInterviews shows it: getInterview's without the transcript."""
    return Interview(**asdict(detail, recurse=False, filter=lambda a, _: a.name != "transcript"))


def stored_interviews(app: FakeApp) -> int:
    return len(app.storage.snapshot().interviews)


# --- plan allowance -----------------------------------------------------------


@given(steps=st.lists(st.sampled_from(["create", "delete job info", "wait a month"]), max_size=12))
@example(steps=["create", "delete job info"])
@settings(deadline=None)
def test_a_free_user_creates_one_interview_ever(steps: list[str]):
    app = FakeApp()
    actor = app.user()
    job_id = app.job_info(actor)
    created = 0
    for step in [*steps, "create"]:
        if step == "create":
            result = create(app, actor, job_id)
            if created == 0:
                assert isinstance(result, Success), result
                created += 1
            else:
                assert result == PLAN_LIMIT
        elif step == "delete job info":
            assert isinstance(app.run("deleteJobInfo", actor, {"id": job_id}), Success)
            job_id = app.job_info(actor)
        else:
            app.clock.advance(30 * DAY)
    with app.storage.unit_of_work() as uow:
        assert uow.users.usage(actor.user_id).interviews_created == 1


def test_deleting_the_job_info_deletes_its_interviews_but_gives_nothing_back():
    app = FakeApp()
    actor = app.user()
    job_id = app.job_info(actor)
    interview_id = create(app, actor, job_id).data.id
    assert isinstance(app.run("getInterview", actor, {"id": interview_id}), Success)
    assert isinstance(app.run("deleteJobInfo", actor, {"id": job_id}), Success)
    assert stored_interviews(app) == 0
    assert app.run("getInterview", actor, {"id": interview_id}) == FORBIDDEN
    assert app.run("listInterviews", actor, {"jobInfoId": job_id}) == FORBIDDEN
    assert create(app, actor, app.job_info(actor)) == PLAN_LIMIT


# --- rate limit ----------------------------------------------------------------


def test_a_pro_user_creates_12_at_once_then_4_a_day():
    app = FakeApp()
    actor = app.user(plan="pro")
    job_id = app.job_info(actor)
    assert all(isinstance(create(app, actor, job_id), Success) for _ in range(12))
    refused = create(app, actor, job_id)
    assert refused == rate_limited_for(DAY // 4)
    app.clock.advance(DAY + 60)
    results = [create(app, actor, job_id) for _ in range(5)]
    assert [isinstance(r, Success) for r in results] == [True] * 4 + [False]
    assert is_rate_limited(results[-1])
    assert stored_interviews(app) == 16


@given(waits=st.lists(st.integers(0, DAY), min_size=1, max_size=15))
@settings(deadline=None, max_examples=50)
def test_a_pro_user_never_beats_the_bucket_and_retry_after_is_enough(waits: list[int]):
    app = FakeApp()
    actor = app.user(plan="max")
    job_id = app.job_info(actor)
    created, elapsed = 0, 0
    for wait in waits:
        app.clock.advance(wait)
        elapsed += wait
        while isinstance(result := create(app, actor, job_id), Success):
            created += 1
            assert created <= 12 + 4 * elapsed / DAY + 1e-6
        assert is_rate_limited(result), result
        retry_after = result.retry_after
        assert isinstance(retry_after, int) and 1 <= retry_after <= DAY // 4
        app.clock.advance(retry_after)
        elapsed += retry_after
        assert isinstance(create(app, actor, job_id), Success)
        created += 1


# --- pipeline order: only an otherwise acceptable call costs a token -----------


def bad_calls(foreign_job_id: str):
    return st.one_of(
        st.just({}),
        st.just({"jobInfoId": ""}),
        st.just({"jobInfoId": 5}),
        st.just({"jobInfoId": None}),
        st.just({"jobInfoId": "x" * 65}),
        st.just({"jobInfoId": foreign_job_id, "duration": "00:00:00"}),
        st.just([foreign_job_id]),
        st.just({"jobInfoId": foreign_job_id}),
        st.uuids().map(lambda u: {"jobInfoId": str(u)}),
    )


@given(data=st.data(), count=st.integers(1, 30))
@settings(deadline=None, max_examples=30)
def test_invalid_or_foreign_calls_cost_no_token_and_write_nothing(data, count: int):
    app = FakeApp()
    actor, other = app.user("pro", plan="pro"), app.user("other", plan="pro")
    foreign_job_id = app.job_info(other)
    job_id = app.job_info(actor)
    commits = app.storage.commits
    for _ in range(count):
        result = app.run("createInterview", actor, data.draw(bad_calls(foreign_job_id)))
        assert isinstance(result, Failure)
        assert result.code in (ErrorCode.VALIDATION, ErrorCode.FORBIDDEN), result
    assert app.storage.commits == commits
    assert all(isinstance(create(app, actor, job_id), Success) for _ in range(12))
    assert is_rate_limited(create(app, actor, job_id))


@given(refusals=st.integers(1, 40))
@settings(deadline=None, max_examples=20)
def test_a_plan_refusal_costs_no_token(refusals: int):
    app = FakeApp()
    actor = app.user()
    job_id = app.job_info(actor)
    assert isinstance(create(app, actor, job_id), Success)
    for _ in range(refusals):
        assert create(app, actor, job_id) == PLAN_LIMIT
    app.set_plan(actor, "pro")
    assert all(isinstance(create(app, actor, job_id), Success) for _ in range(11))
    assert is_rate_limited(create(app, actor, job_id))


def test_validation_comes_before_ownership():
    app = FakeApp()
    result = app.run("createInterview", app.user(), {"jobInfoId": str(uuid.uuid4()), "x": 1})
    assert isinstance(result, Failure) and result.code is ErrorCode.VALIDATION
    assert result.field_errors == {"x": ["Unknown field"]}


def test_ownership_comes_before_the_plan():
    app = FakeApp()
    actor, other = app.user(), app.user("other")
    assert isinstance(create(app, actor, app.job_info(actor)), Success)
    assert create(app, actor, app.job_info(other)) == FORBIDDEN


# --- privacy --------------------------------------------------------------------


@given(random_id=st.uuids())
@settings(deadline=None)
def test_missing_and_foreign_records_look_alike(random_id):
    app = FakeApp()
    actor, other = app.user(), app.user("other")
    foreign_job_id = app.job_info(other)
    foreign_id = create(app, other, foreign_job_id).data.id
    for record_id in (foreign_id, str(random_id)):
        assert app.run("getInterview", actor, {"id": record_id}) == FORBIDDEN
        assert app.run("updateInterview", actor, {"id": record_id, "duration": "00:01:00"}) == FORBIDDEN
    for job_id in (foreign_job_id, str(random_id)):
        assert app.run("listInterviews", actor, {"jobInfoId": job_id}) == FORBIDDEN
        assert create(app, actor, job_id) == FORBIDDEN
    found = app.run("getInterview", other, {"id": foreign_id}).data.interview
    assert found.duration == "00:00:00"


# --- reads and updates -------------------------------------------------------------


@given(waits=st.lists(st.integers(1, 3_600), min_size=1, max_size=8))
@settings(deadline=None)
def test_list_is_newest_first_and_only_that_job_infos(waits: list[int]):
    app = FakeApp()
    actor = app.user(plan="pro")
    job_id, other_job_id = app.job_info(actor), app.job_info(actor)
    created = []
    for wait in waits:
        app.clock.advance(wait)
        created.append(create(app, actor, job_id).data.id)
        assert [i.id for i in app.run("listInterviews", actor, {"jobInfoId": job_id}).data.interviews] == created[::-1]
    assert isinstance(create(app, actor, other_job_id), Success)
    listed = app.run("listInterviews", actor, {"jobInfoId": job_id}).data.interviews
    assert [i.id for i in listed] == created[::-1]
    assert {i.job_info_id for i in listed} == {job_id}


def test_a_new_interview_starts_at_zero_and_updates_are_read_back_at_once():
    app = FakeApp()
    actor = app.user()
    job_id = app.job_info(actor)
    interview_id = create(app, actor, job_id).data.id
    started = app.run("getInterview", actor, {"id": interview_id}).data.interview
    assert started.transcript == []
    assert (started.job_info_id, started.duration, started.hume_chat_id, started.feedback) == (
        job_id, "00:00:00", None, None
    )
    assert app.run("listInterviews", actor, {"jobInfoId": job_id}).data.interviews == [listed(started)]

    app.clock.advance(90)
    assert app.run("updateInterview", actor, {"id": interview_id, "humeChatId": "chat-1"}) == Success(InterviewUpdated())
    app.clock.advance(30)
    assert isinstance(app.run("updateInterview", actor, {"id": interview_id, "duration": "00:02:00"}), Success)
    found = app.run("getInterview", actor, {"id": interview_id}).data.interview
    assert (found.hume_chat_id, found.duration) == ("chat-1", "00:02:00")
    assert found.created_at == started.created_at and found.updated_at > started.updated_at
    assert app.run("listInterviews", actor, {"jobInfoId": job_id}).data.interviews == [listed(found)]


@given(
    payload=st.sampled_from(
        [
            ({"duration": "1:00:00"}, "duration"),
            ({"duration": "00:60:00"}, "duration"),
            ({"duration": "00:00:60"}, "duration"),
            ({"duration": "00:00:00 "}, "duration"),
            ({"duration": ""}, "duration"),
            ({"duration": 90}, "duration"),
            ({"humeChatId": ""}, "hume_chat_id"),
            ({"humeChatId": "   "}, "hume_chat_id"),
            ({"humeChatId": "c" * 201}, "hume_chat_id"),
            ({"humeChatId": 7}, "hume_chat_id"),
            ({"feedback": "great"}, "feedback"),
        ]
    )
)
@settings(deadline=None)
def test_update_refuses_bad_fields_and_changes_nothing(payload):
    fields, wrong = payload
    app = FakeApp()
    actor = app.user()
    interview_id = create(app, actor, app.job_info(actor)).data.id
    before = app.run("getInterview", actor, {"id": interview_id}).data.interview
    commits = app.storage.commits
    result = app.run("updateInterview", actor, {"id": interview_id, **fields})
    assert isinstance(result, Failure) and result.code is ErrorCode.VALIDATION
    assert list(result.field_errors) == [wrong]
    assert app.storage.commits == commits
    assert app.run("getInterview", actor, {"id": interview_id}).data.interview == before


def test_update_accepts_the_longest_chat_id_and_any_hours():
    app = FakeApp()
    actor = app.user()
    interview_id = create(app, actor, app.job_info(actor)).data.id
    payload = {"id": interview_id, "humeChatId": "c" * 200, "duration": "99:59:59"}
    assert isinstance(app.run("updateInterview", actor, payload), Success)
    found = app.run("getInterview", actor, {"id": interview_id}).data.interview
    assert (found.hume_chat_id, found.duration) == ("c" * 200, "99:59:59")


# --- concurrency ------------------------------------------------------------------


def create_at_once(app: FakeApp, actor, job_id: str, calls: int) -> list:
    return at_once([lambda: create(app, actor, job_id)] * calls)


def test_50_concurrent_creates_by_a_free_user_create_exactly_one_and_refuse_the_rest_by_plan():
    app = FakeApp()
    actor = app.user()
    results = create_at_once(app, actor, app.job_info(actor), 50)
    assert sum(isinstance(r, Success) for r in results) == 1
    assert sum(r == PLAN_LIMIT for r in results) == 49
    assert stored_interviews(app) == 1
    with app.storage.unit_of_work() as uow:
        assert uow.users.usage(actor.user_id).interviews_created == 1


class RefusingLimiter:
    """A bucket that is always empty."""

    def consume(self, key, bucket, tokens=1):
        return Decision(allowed=False, retry_after=60.0)


def test_an_allowance_reserved_for_a_rate_limited_call_is_given_back():
    app = FakeApp()
    actor = app.user()
    job_id = app.job_info(actor)
    refusing = FakeApp(app.storage, app.cache, app.clock, app.ids, limiter=RefusingLimiter())
    assert is_rate_limited(create(refusing, actor, job_id))
    with app.storage.unit_of_work() as uow:
        assert uow.users.usage(actor.user_id).interviews_created == 0
    assert isinstance(create(app, actor, job_id), Success)
    assert create(app, actor, job_id) == PLAN_LIMIT


class DeletingLimiter:
    """Lets the call through, but its job info is deleted meanwhile (between
    the ownership check and the write)."""

    def __init__(self, app: FakeApp, actor, job_id: str) -> None:
        self.app, self.actor, self.job_id = app, actor, job_id

    def consume(self, key, bucket, tokens=1):
        assert isinstance(self.app.run("deleteJobInfo", self.actor, {"id": self.job_id}), Success)
        return Decision(allowed=True, retry_after=0.0)


def test_a_job_info_deleted_before_the_write_gets_no_interview_and_costs_nothing():
    app = FakeApp()
    actor = app.user()
    job_id = app.job_info(actor)
    deleting = FakeApp(app.storage, app.cache, app.clock, app.ids, limiter=DeletingLimiter(app, actor, job_id))
    assert create(deleting, actor, job_id) == FORBIDDEN
    assert stored_interviews(app) == 0
    with app.storage.unit_of_work() as uow:
        assert uow.users.usage(actor.user_id).interviews_created == 0
    assert isinstance(create(app, actor, app.job_info(actor)), Success)  # the allowance was given back


def test_50_concurrent_creates_by_a_pro_user_create_exactly_12():
    app = FakeApp()
    actor = app.user(plan="pro")
    results = create_at_once(app, actor, app.job_info(actor), 50)
    assert sum(isinstance(r, Success) for r in results) == 12
    assert all(isinstance(r, Success) or is_rate_limited(r) for r in results), results
    assert stored_interviews(app) == 12
