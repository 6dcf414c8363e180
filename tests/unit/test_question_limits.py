"""The question actions' AI buckets and the pipeline order, on the fakes with
the real offline coach: a per-user bucket for each AI action, which can be
turned off, and only a call acceptable in every other way costs a token (an
invalid, foreign or over-the-plan call costs none, and a rate-limited one
gives its allowance back)."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain import Bucket
from core.errors import ErrorCode, Failure
from core.pipeline import Success
from core.questions import ANSWER_MAX
from tests.conftest import FORBIDDEN, PLAN_LIMIT, is_rate_limited
from tests.conftest import rate_limited as rate_limited_for
from tests.unit.app_on_fakes import FakeApp
from tests.unit.questions_on_fakes import HOUR, JOB, answer, ask, listed, questions_created, stored

# --- AI rate limit ------------------------------------------------------------


def test_the_ai_bucket_refuses_the_21st_call_within_an_hour_and_refills():
    app = FakeApp()
    actor = app.user(plan="pro")
    job_id = app.job_info(actor, JOB)
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(20))
    refused = ask(app, actor, job_id)
    assert refused == rate_limited_for(HOUR // 20)
    assert stored(app) == (20, 0)
    # each AI action has its own bucket
    question_id = listed(app, actor, job_id)[0].id
    assert isinstance(answer(app, actor, question_id, "An answer."), Success)
    app.clock.advance(refused.retry_after)
    assert isinstance(ask(app, actor, job_id), Success)
    assert is_rate_limited(ask(app, actor, job_id))
    app.clock.advance(HOUR)
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(20))
    assert is_rate_limited(ask(app, actor, job_id))


def test_feedback_has_its_own_bucket_of_20_an_hour():
    app = FakeApp()
    actor = app.user()
    question_id = ask(app, actor, app.job_info(actor, JOB)).data.question_id
    assert all(isinstance(answer(app, actor, question_id, f"Answer {n}"), Success) for n in range(20))
    assert is_rate_limited(answer(app, actor, question_id, "One more"))
    assert stored(app) == (1, 20)
    app.clock.advance(HOUR)
    assert isinstance(answer(app, actor, question_id, "After an hour"), Success)


def test_the_ai_limit_can_be_turned_off():
    app = FakeApp(ai_bucket=None)
    actor = app.user(plan="pro")
    job_id = app.job_info(actor, JOB)
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(25))


# --- pipeline order: only an otherwise acceptable call costs a token -----------


def bad_question_calls(foreign_job_id: str, job_id: str):
    return st.one_of(
        st.just({}),
        st.just({"jobInfoId": job_id}),
        st.just({"jobInfoId": job_id, "difficulty": "impossible"}),
        st.just({"jobInfoId": job_id, "difficulty": None}),
        st.just({"jobInfoId": "", "difficulty": "easy"}),
        st.just({"jobInfoId": 5, "difficulty": "easy"}),
        st.just({"jobInfoId": job_id, "difficulty": "easy", "text": "my own question"}),
        st.just([job_id]),
        st.just({"jobInfoId": foreign_job_id, "difficulty": "easy"}),
        st.uuids().map(lambda u: {"jobInfoId": str(u), "difficulty": "hard"}),
    )


def bad_feedback_calls(foreign_question_id: str, question_id: str):
    return st.one_of(
        st.just({"questionId": question_id}),
        st.just({"questionId": question_id, "answer": ""}),
        st.just({"questionId": question_id, "answer": " \n\t "}),
        st.just({"questionId": question_id, "answer": "x" * (ANSWER_MAX + 1)}),
        st.just({"questionId": question_id, "answer": 42}),
        st.just({"questionId": question_id, "answer": "ok", "rating": 10}),
        st.just({"answer": "An answer"}),
        st.just({"questionId": foreign_question_id, "answer": "An answer"}),
        st.uuids().map(lambda u: {"questionId": str(u), "answer": "An answer"}),
    )


@given(data=st.data(), count=st.integers(1, 25))
@settings(deadline=None, max_examples=25)
def test_invalid_or_foreign_calls_cost_no_token_and_write_nothing(data, count: int):
    app = FakeApp()
    actor, other = app.user("pro", plan="pro"), app.user("other", plan="pro")
    foreign_job_id = app.job_info(other, JOB)
    foreign_question_id = ask(app, other, foreign_job_id).data.question_id
    job_id = app.job_info(actor, JOB)
    question_id = ask(app, actor, job_id).data.question_id
    commits = app.storage.commits
    for _ in range(count):
        name, payload = data.draw(
            st.one_of(
                bad_question_calls(foreign_job_id, job_id).map(lambda p: ("generateQuestion", p)),
                bad_feedback_calls(foreign_question_id, question_id).map(
                    lambda p: ("generateQuestionFeedback", p)
                ),
            )
        )
        result = app.run(name, actor, payload)
        assert isinstance(result, Failure)
        assert result.code in (ErrorCode.VALIDATION, ErrorCode.FORBIDDEN), result
    assert app.storage.commits == commits
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(19))
    assert is_rate_limited(ask(app, actor, job_id))
    assert all(isinstance(answer(app, actor, question_id, "An answer"), Success) for _ in range(20))
    assert is_rate_limited(answer(app, actor, question_id, "An answer"))


def test_a_plan_refusal_costs_no_token():
    app = FakeApp()
    actor = app.user()
    job_id = app.job_info(actor, JOB)
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(5))
    assert all(ask(app, actor, job_id) == PLAN_LIMIT for _ in range(30))
    app.set_plan(actor, "pro")
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(15))
    assert is_rate_limited(ask(app, actor, job_id))


def test_a_rate_limited_call_gives_the_allowance_back():
    app = FakeApp(ai_bucket=Bucket(capacity=2, refill=2, interval=HOUR))
    actor = app.user()
    job_id = app.job_info(actor, JOB)
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(2))
    assert is_rate_limited(ask(app, actor, job_id))
    assert questions_created(app, actor) == 2
    app.clock.advance(HOUR)
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(2))
    app.clock.advance(HOUR)
    assert isinstance(ask(app, actor, job_id), Success)
    assert ask(app, actor, job_id) == PLAN_LIMIT
    assert stored(app) == (5, 0)


def test_validation_comes_before_ownership_and_ownership_before_the_plan():
    app = FakeApp()
    actor, other = app.user(), app.user("other")
    result = app.run("generateQuestion", actor, {"jobInfoId": str(uuid.uuid4()), "difficulty": "x"})
    assert isinstance(result, Failure) and result.code is ErrorCode.VALIDATION
    assert result.field_errors == {"difficulty": ["Must be one of: easy, medium, hard"]}
    job_id = app.job_info(actor, JOB)
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(5))
    assert ask(app, actor, app.job_info(other, JOB)) == FORBIDDEN


def test_an_answer_of_the_longest_length_is_accepted():
    app = FakeApp()
    actor = app.user()
    question_id = ask(app, actor, app.job_info(actor, JOB)).data.question_id
    result = answer(app, actor, question_id, "word " * (ANSWER_MAX // 5))
    assert isinstance(result, Success), result
    result = answer(app, actor, question_id, "w" * (ANSWER_MAX + 1))
    assert isinstance(result, Failure) and list(result.field_errors) == ["answer"]
