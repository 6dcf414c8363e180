"""Question actions on the fakes with the real offline coach: the allowance
of 5 questions that deleting never gives back, the per-user AI bucket and
the pipeline order (a call refused for any other reason costs no token),
questions that never repeat for a job, answers rated and kept, a coach that
fails storing nothing, privacy, validation, fresh reads and the allowance
holding under concurrent calls."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.ai.offline.bank import fits_family
from adapters.ai.offline.coach import OfflineCoach
from adapters.ai.offline.roles import family_of
from adapters.fakes.coach import FailingCoach
from core.domain import Bucket
from core.errors import AiFailed, ErrorCode, Failure
from core.pipeline import Streaming, Success
from core.questions import ANSWER_MAX, rating_of
from tests.concurrently import at_once
from tests.conftest import FORBIDDEN, PLAN_LIMIT, ai_failed
from tests.conftest import rate_limited as rate_limited_for
from tests.unit.app_on_fakes import FakeApp

HOUR = 3_600
JOB = {
    "name": "Payments platform",
    "title": "Senior Backend Engineer",
    "experienceLevel": "senior",
    "description": "Build payment APIs in Python with Django and PostgreSQL: query tuning, "
    "indexes, transactions and migrations on large tables.",
}
OFF_TOPIC = (
    "My favourite recipe is a slow-cooked tomato sauce: fry onions and garlic in olive oil, "
    "add tomatoes and basil, and let it simmer for two hours before serving it with pasta."
)


def new_job(app: FakeApp, actor, job: dict = JOB) -> str:
    result = app.run("createJobInfo", actor, job)
    assert isinstance(result, Success), result
    return result.data.id


def ask(app: FakeApp, actor, job_id: str, difficulty: str = "medium"):
    return app.run("generateQuestion", actor, {"jobInfoId": job_id, "difficulty": difficulty})


def answer(app: FakeApp, actor, question_id: str, text: str):
    return app.run("generateQuestionFeedback", actor, {"questionId": question_id, "answer": text})


def listed(app: FakeApp, actor, job_id: str) -> list:
    result = app.run("listQuestions", actor, {"jobInfoId": job_id})
    assert isinstance(result, Success), result
    return result.data.questions


def rate_limited(result) -> bool:
    return isinstance(result, Failure) and result.code is ErrorCode.RATE_LIMIT


def set_plan(app: FakeApp, actor, plan: str) -> None:
    with app.storage.unit_of_work(write=True) as uow:
        uow.users.set_plan(actor.user_id, plan)
        uow.commit()


def stored(app: FakeApp) -> tuple[int, int]:
    """How many questions and answers are stored."""
    tables = app.storage.snapshot()
    return len(tables.questions), len(tables.answers)


def questions_created(app: FakeApp, actor) -> int:
    with app.storage.unit_of_work() as uow:
        return uow.users.usage(actor.user_id).questions_created


def model_answer(question_text: str) -> str:
    """What a well-prepared candidate says: the bank's own answer."""
    found = OfflineCoach().bank.find(question_text)
    assert found is not None, question_text
    return found.answer


# --- plan allowance -----------------------------------------------------------


def test_a_free_user_gets_5_questions_ever():
    app = FakeApp()
    actor = app.user()
    job_id = new_job(app, actor)
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(5))
    assert ask(app, actor, job_id) == PLAN_LIMIT
    assert ask(app, actor, new_job(app, actor), "hard") == PLAN_LIMIT
    # deleting the job info deletes its questions, and gives nothing back
    assert isinstance(app.run("deleteJobInfo", actor, {"id": job_id}), Success)
    assert stored(app) == (0, 0)
    app.clock.advance(30 * 24 * HOUR)
    assert ask(app, actor, new_job(app, actor)) == PLAN_LIMIT
    assert questions_created(app, actor) == 5


@given(steps=st.lists(st.sampled_from(["ask", "delete job info", "wait a day"]), max_size=14))
@settings(deadline=None, max_examples=30)
def test_a_free_user_never_exceeds_the_allowance(steps: list[str]):
    app = FakeApp()
    actor = app.user()
    job_id = new_job(app, actor)
    asked = 0
    for step in [*steps, "ask"]:
        if step == "ask":
            result = ask(app, actor, job_id)
            if asked < 5:
                assert isinstance(result, Success), result
                asked += 1
            else:
                assert result == PLAN_LIMIT
        elif step == "delete job info":
            assert isinstance(app.run("deleteJobInfo", actor, {"id": job_id}), Success)
            job_id = new_job(app, actor)
        else:
            app.clock.advance(24 * HOUR)
    assert questions_created(app, actor) == asked


def test_a_pro_user_has_no_allowance_and_30_questions_never_repeat():
    app = FakeApp()
    actor = app.user(plan="pro")
    job_id = new_job(app, actor)
    texts = []
    for n in range(30):
        app.clock.advance(HOUR / 20)  # one AI token accrues per call
        result = ask(app, actor, job_id, ["easy", "medium", "hard"][n % 3])
        assert isinstance(result, Success), (n, result)
        texts.append(result.data.text)
    assert len(set(texts)) == 30
    assert [q.text for q in listed(app, actor, job_id)] == texts[::-1]
    assert questions_created(app, actor) == 30


def test_questions_are_about_the_job_and_only_that_jobs_questions_are_avoided():
    app = FakeApp()
    actor = app.user(plan="pro")
    job_id, twin_id = new_job(app, actor), new_job(app, actor)
    first = ask(app, actor, job_id).data.text
    assert any(skill in first for skill in ("Python", "PostgreSQL", "Django", "SQL"))
    assert ask(app, actor, job_id).data.text != first
    # the same job described again starts afresh: its own questions only
    assert ask(app, actor, twin_id).data.text == first


# --- AI rate limit ------------------------------------------------------------


def test_the_ai_bucket_refuses_the_21st_call_within_an_hour_and_refills():
    app = FakeApp()
    actor = app.user(plan="pro")
    job_id = new_job(app, actor)
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(20))
    refused = ask(app, actor, job_id)
    assert refused == rate_limited_for(HOUR // 20)
    assert stored(app) == (20, 0)
    # each AI action has its own bucket
    question_id = listed(app, actor, job_id)[0].id
    assert isinstance(answer(app, actor, question_id, "An answer."), Success)
    app.clock.advance(refused.retry_after)
    assert isinstance(ask(app, actor, job_id), Success)
    assert rate_limited(ask(app, actor, job_id))
    app.clock.advance(HOUR)
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(20))
    assert rate_limited(ask(app, actor, job_id))


def test_feedback_has_its_own_bucket_of_20_an_hour():
    app = FakeApp()
    actor = app.user()
    question_id = ask(app, actor, new_job(app, actor)).data.question_id
    assert all(isinstance(answer(app, actor, question_id, f"Answer {n}"), Success) for n in range(20))
    assert rate_limited(answer(app, actor, question_id, "One more"))
    assert stored(app) == (1, 20)
    app.clock.advance(HOUR)
    assert isinstance(answer(app, actor, question_id, "After an hour"), Success)


def test_the_ai_limit_can_be_turned_off():
    app = FakeApp(ai_bucket=None)
    actor = app.user(plan="pro")
    job_id = new_job(app, actor)
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
    foreign_job_id = new_job(app, other)
    foreign_question_id = ask(app, other, foreign_job_id).data.question_id
    job_id = new_job(app, actor)
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
    assert rate_limited(ask(app, actor, job_id))
    assert all(isinstance(answer(app, actor, question_id, "An answer"), Success) for _ in range(20))
    assert rate_limited(answer(app, actor, question_id, "An answer"))


def test_a_plan_refusal_costs_no_token():
    app = FakeApp()
    actor = app.user()
    job_id = new_job(app, actor)
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(5))
    assert all(ask(app, actor, job_id) == PLAN_LIMIT for _ in range(30))
    set_plan(app, actor, "pro")
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(15))
    assert rate_limited(ask(app, actor, job_id))


def test_a_rate_limited_call_gives_the_allowance_back():
    app = FakeApp(ai_bucket=Bucket(capacity=2, refill=2, interval=HOUR))
    actor = app.user()
    job_id = new_job(app, actor)
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(2))
    assert rate_limited(ask(app, actor, job_id))
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
    job_id = new_job(app, actor)
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(5))
    assert ask(app, actor, new_job(app, other)) == FORBIDDEN


def test_an_answer_of_the_longest_length_is_accepted():
    app = FakeApp()
    actor = app.user()
    question_id = ask(app, actor, new_job(app, actor)).data.question_id
    result = answer(app, actor, question_id, "word " * (ANSWER_MAX // 5))
    assert isinstance(result, Success), result
    result = answer(app, actor, question_id, "w" * (ANSWER_MAX + 1))
    assert isinstance(result, Failure) and list(result.field_errors) == ["answer"]


# --- answers, feedback and the list ----------------------------------------------


def test_a_good_answer_rates_higher_than_an_empty_or_off_topic_one():
    app = FakeApp()
    actor = app.user(plan="pro")
    job_id = new_job(app, actor)
    for difficulty in ("easy", "medium", "hard"):
        question = ask(app, actor, job_id, difficulty).data
        good = answer(app, actor, question.question_id, model_answer(question.text)).data
        weak = answer(app, actor, question.question_id, "I don't know.").data
        off_topic = answer(app, actor, question.question_id, OFF_TOPIC).data
        assert good.rating >= 7, good.feedback
        assert weak.rating <= 3 and off_topic.rating <= 3
        assert good.rating > max(weak.rating, off_topic.rating)


def test_answers_and_feedback_are_kept_and_listed_with_their_questions():
    app = FakeApp()
    actor = app.user()
    job_id = new_job(app, actor)
    first = ask(app, actor, job_id, "easy").data
    app.clock.advance(60)
    second = ask(app, actor, job_id, "hard").data
    assert [(q.id, q.text, q.difficulty.value, q.answers) for q in listed(app, actor, job_id)] == [
        (second.question_id, second.text, "hard", []),
        (first.question_id, first.text, "easy", []),
    ]
    rated = []
    for text in ("I don't know.", model_answer(first.text)):
        app.clock.advance(30)
        result = answer(app, actor, first.question_id, text)
        assert isinstance(result, Success), result
        feedback = result.data.feedback
        assert feedback.startswith(f"## Feedback (Rating: {result.data.rating}/10)")
        assert "\n---\n" in feedback and "## Correct Answer" in feedback.split("\n---\n", 1)[1]
        rated.append((text, feedback, result.data.rating))
    newest, oldest = listed(app, actor, job_id)
    assert newest.answers == []
    assert [(a.text, a.feedback, a.rating) for a in oldest.answers] == rated
    assert oldest.answers[0].created_at < oldest.answers[1].created_at
    assert {a.question_id for a in oldest.answers} == {first.question_id}


def test_the_streamed_text_is_the_stored_text():
    app = FakeApp()
    actor = app.user()
    job_id = new_job(app, actor)
    streaming = app.start("generateQuestion", actor, {"jobInfoId": job_id, "difficulty": "medium"})
    assert isinstance(streaming, Streaming)
    chunks = list(streaming.chunks)
    assert len(chunks) > 1 and stored(app) == (0, 0)
    generated = streaming.finish("".join(chunks))
    assert generated.text == "".join(chunks)
    assert [(q.id, q.text) for q in listed(app, actor, job_id)] == [(generated.question_id, generated.text)]

    streaming = app.start(
        "generateQuestionFeedback", actor, {"questionId": generated.question_id, "answer": OFF_TOPIC}
    )
    assert isinstance(streaming, Streaming)
    chunks = list(streaming.chunks)
    rated = streaming.finish("".join(chunks))
    assert rated.feedback == "".join(chunks)
    assert [a.feedback for a in listed(app, actor, job_id)[0].answers] == [rated.feedback]


@pytest.mark.parametrize("rating", range(1, 11))
def test_the_rating_is_read_from_the_feedback_header(rating: int):
    assert rating_of(f"## Feedback (Rating: {rating}/10)\n\nGood.\n\n---\n\n## Correct Answer\nX") == rating
    assert rating_of(f"\n  ## Feedback (Rating: {rating}/10)") == rating


@pytest.mark.parametrize(
    "feedback",
    [
        "",
        "Great answer!",
        "## Feedback (Rating: 0/10)\nNothing.",
        "## Feedback (Rating: 11/10)\nToo much.",
        "## Feedback (Rating: 7.5/10)\nHalf.",
        "## Feedback (Rating: seven/10)\n",
        "## Feedback (Rating: 7/100)\n",
        "## Feedback (Rating: 7/10) and more on the same line",
        "Some preamble\n## Feedback (Rating: 7/10)\n",
        "# Feedback (Rating: 7/10)\n",
    ],
)
def test_feedback_without_a_valid_rating_header_is_an_ai_failure(feedback: str):
    with pytest.raises(AiFailed):
        rating_of(feedback)


# --- a coach that fails --------------------------------------------------------------


def test_a_coach_that_fails_mid_stream_stores_nothing():
    app = FakeApp()
    actor = app.user()
    job_id = new_job(app, actor)
    question_id = ask(app, actor, job_id).data.question_id
    before = listed(app, actor, job_id)
    failing = FakeApp(app.storage, app.cache, app.clock, app.ids, coach=FailingCoach())
    assert ask(failing, actor, job_id) == ai_failed("Failed to generate question")
    assert answer(failing, actor, question_id, "An answer") == ai_failed("Failed to generate feedback")
    assert stored(app) == (1, 0)
    assert listed(app, actor, job_id) == before
    assert questions_created(app, actor) == 1
    # streamed: the first piece arrives, then the failure; still nothing stored
    streaming = failing.start("generateQuestion", actor, {"jobInfoId": job_id, "difficulty": "easy"})
    chunks = iter(streaming.chunks)
    assert next(chunks)
    with pytest.raises(AiFailed):
        next(chunks)
    assert stored(app) == (1, 0) and questions_created(app, actor) == 1


def test_a_client_that_stops_reading_stores_nothing_and_gets_the_allowance_back():
    app = FakeApp()
    actor = app.user()
    job_id = new_job(app, actor)
    streaming = app.start("generateQuestion", actor, {"jobInfoId": job_id, "difficulty": "hard"})
    chunks = iter(streaming.chunks)
    assert next(chunks)
    assert questions_created(app, actor) == 1  # reserved while the coach writes
    chunks.close()
    assert questions_created(app, actor) == 0 and stored(app) == (0, 0)
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(5))


def test_every_question_of_the_bank_asked_is_an_ai_failure_that_counts_nothing():
    app = FakeApp(ai_bucket=None)
    actor = app.user(plan="pro")
    job_id = new_job(app, actor)
    family = family_of(JOB["title"], JOB["description"])
    total = sum(1 for q in OfflineCoach().bank.questions if fits_family(q, family))
    results = [ask(app, actor, job_id) for _ in range(total + 1)]
    assert all(isinstance(r, Success) for r in results[:-1])
    assert results[-1] == ai_failed("Failed to generate question")
    assert questions_created(app, actor) == total


# --- privacy and fresh reads ------------------------------------------------------------


@given(random_id=st.uuids())
@settings(deadline=None, max_examples=20)
def test_missing_and_foreign_records_look_alike(random_id):
    app = FakeApp()
    actor, other = app.user(), app.user("other")
    foreign_job_id = new_job(app, other)
    foreign_question_id = ask(app, other, foreign_job_id).data.question_id
    assert isinstance(answer(app, other, foreign_question_id, "Mine"), Success)
    for job_id in (foreign_job_id, str(random_id)):
        assert ask(app, actor, job_id) == FORBIDDEN
        assert app.run("listQuestions", actor, {"jobInfoId": job_id}) == FORBIDDEN
    for question_id in (foreign_question_id, str(random_id)):
        assert answer(app, actor, question_id, "Let me see") == FORBIDDEN
    assert [len(q.answers) for q in listed(app, other, foreign_job_id)] == [1]
    assert questions_created(app, actor) == 0


def test_deleting_the_job_info_deletes_its_questions_and_answers():
    app = FakeApp()
    actor = app.user()
    job_id, kept_id = new_job(app, actor), new_job(app, actor)
    question_id = ask(app, actor, job_id).data.question_id
    assert isinstance(answer(app, actor, question_id, "An answer"), Success)
    kept = ask(app, actor, kept_id).data
    assert listed(app, actor, job_id)  # cached before the delete
    assert isinstance(app.run("deleteJobInfo", actor, {"id": job_id}), Success)
    assert stored(app) == (1, 0)
    assert app.run("listQuestions", actor, {"jobInfoId": job_id}) == FORBIDDEN
    assert answer(app, actor, question_id, "Again") == FORBIDDEN
    assert [q.id for q in listed(app, actor, kept_id)] == [kept.question_id]
    assert questions_created(app, actor) == 2


def test_a_job_info_deleted_while_the_coach_writes_stores_nothing():
    app = FakeApp()
    actor = app.user()
    job_id = new_job(app, actor)
    question_id = ask(app, actor, job_id).data.question_id
    asking = app.start("generateQuestion", actor, {"jobInfoId": job_id, "difficulty": "easy"})
    answering = app.start("generateQuestionFeedback", actor, {"questionId": question_id, "answer": "Hm"})
    question_text, feedback = "".join(asking.chunks), "".join(answering.chunks)
    assert isinstance(app.run("deleteJobInfo", actor, {"id": job_id}), Success)
    for streaming, produced in ((asking, question_text), (answering, feedback)):
        assert Streaming(iter([produced]), streaming.finish).complete() == FORBIDDEN
    assert stored(app) == (0, 0)
    assert questions_created(app, actor) == 1


def test_lists_are_fresh_after_every_write():
    app = FakeApp()
    actor = app.user()
    job_id = new_job(app, actor)
    assert listed(app, actor, job_id) == []
    question_id = ask(app, actor, job_id).data.question_id
    assert [q.id for q in listed(app, actor, job_id)] == [question_id]
    assert isinstance(answer(app, actor, question_id, "First try"), Success)
    assert [a.text for a in listed(app, actor, job_id)[0].answers] == ["First try"]
    assert isinstance(answer(app, actor, question_id, "Second try"), Success)
    assert [a.text for a in listed(app, actor, job_id)[0].answers] == ["First try", "Second try"]


# --- concurrency --------------------------------------------------------------------------


def test_concurrent_questions_by_a_free_user_store_exactly_5():
    app = FakeApp()
    actor = app.user()
    job_ids = [new_job(app, actor) for _ in range(20)]
    results = at_once([lambda job_id=job_id: ask(app, actor, job_id) for job_id in job_ids])
    assert sum(isinstance(r, Success) for r in results) == 5
    assert all(isinstance(r, Success) or r == PLAN_LIMIT for r in results), results
    assert stored(app) == (5, 0)
    assert questions_created(app, actor) == 5


def test_concurrent_questions_on_one_job_are_never_stored_twice():
    app = FakeApp()
    actor = app.user(plan="pro")
    job_id = new_job(app, actor)
    results = at_once([lambda: ask(app, actor, job_id) for _ in range(10)])
    assert all(isinstance(r, Success) for r in results), results
    texts = [q.text for q in listed(app, actor, job_id)]
    assert len(texts) == len(set(texts)) == len({r.data.question_id for r in results})
    assert questions_created(app, actor) == len(texts)
