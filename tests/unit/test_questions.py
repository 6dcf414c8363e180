"""Question actions on the fakes with the real offline coach: the allowance
of 5 questions that deleting never gives back, questions that never repeat
for a job, answers rated and kept, a coach that fails storing nothing,
privacy, fresh reads and the allowance holding under concurrent calls. The
AI buckets and the pipeline order are ``test_question_limits.py``'s."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.ai.offline.bank import fits_family
from adapters.ai.offline.coach import OfflineCoach
from adapters.ai.offline.roles import family_of
from adapters.fakes.coach import FailingCoach
from core.errors import AiFailed
from core.pipeline import Streaming, Success
from core.questions import rating_of
from tests.concurrently import at_once
from tests.conftest import FORBIDDEN, PLAN_LIMIT, ai_failed
from tests.unit.app_on_fakes import FakeApp
from tests.unit.questions_on_fakes import (
    HOUR,
    JOB,
    OFF_TOPIC,
    answer,
    ask,
    listed,
    model_answer,
    questions_created,
    stored,
)

# --- plan allowance -----------------------------------------------------------


def test_a_free_user_gets_5_questions_ever():
    app = FakeApp()
    actor = app.user()
    job_id = app.job_info(actor, JOB)
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(5))
    assert ask(app, actor, job_id) == PLAN_LIMIT
    assert ask(app, actor, app.job_info(actor, JOB), "hard") == PLAN_LIMIT
    # deleting the job info deletes its questions, and gives nothing back
    assert isinstance(app.run("deleteJobInfo", actor, {"id": job_id}), Success)
    assert stored(app) == (0, 0)
    app.clock.advance(30 * 24 * HOUR)
    assert ask(app, actor, app.job_info(actor, JOB)) == PLAN_LIMIT
    assert questions_created(app, actor) == 5


@given(steps=st.lists(st.sampled_from(["ask", "delete job info", "wait a day"]), max_size=14))
@settings(deadline=None, max_examples=30)
def test_a_free_user_never_exceeds_the_allowance(steps: list[str]):
    app = FakeApp()
    actor = app.user()
    job_id = app.job_info(actor, JOB)
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
            job_id = app.job_info(actor, JOB)
        else:
            app.clock.advance(24 * HOUR)
    assert questions_created(app, actor) == asked


def test_a_pro_user_has_no_allowance_and_30_questions_never_repeat():
    app = FakeApp()
    actor = app.user(plan="pro")
    job_id = app.job_info(actor, JOB)
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
    job_id, twin_id = app.job_info(actor, JOB), app.job_info(actor, JOB)
    first = ask(app, actor, job_id).data.text
    assert any(skill in first for skill in ("Python", "PostgreSQL", "Django", "SQL"))
    assert ask(app, actor, job_id).data.text != first
    # the same job described again starts afresh: its own questions only
    assert ask(app, actor, twin_id).data.text == first


# --- answers, feedback and the list ----------------------------------------------


def test_a_good_answer_rates_higher_than_an_empty_or_off_topic_one():
    app = FakeApp()
    actor = app.user(plan="pro")
    job_id = app.job_info(actor, JOB)
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
    job_id = app.job_info(actor, JOB)
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
    job_id = app.job_info(actor, JOB)
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
    job_id = app.job_info(actor, JOB)
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
    job_id = app.job_info(actor, JOB)
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
    job_id = app.job_info(actor, JOB)
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
    foreign_job_id = app.job_info(other, JOB)
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
    job_id, kept_id = app.job_info(actor, JOB), app.job_info(actor, JOB)
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
    job_id = app.job_info(actor, JOB)
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
    job_id = app.job_info(actor, JOB)
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
    job_ids = [app.job_info(actor, JOB) for _ in range(20)]
    results = at_once([lambda job_id=job_id: ask(app, actor, job_id) for job_id in job_ids])
    assert sum(isinstance(r, Success) for r in results) == 5
    assert all(isinstance(r, Success) or r == PLAN_LIMIT for r in results), results
    assert stored(app) == (5, 0)
    assert questions_created(app, actor) == 5


def test_concurrent_questions_on_one_job_are_never_stored_twice():
    app = FakeApp()
    actor = app.user(plan="pro")
    job_id = app.job_info(actor, JOB)
    results = at_once([lambda: ask(app, actor, job_id) for _ in range(10)])
    assert all(isinstance(r, Success) for r in results), results
    texts = [q.text for q in listed(app, actor, job_id)]
    assert len(texts) == len(set(texts)) == len({r.data.question_id for r in results})
    assert questions_created(app, actor) == len(texts)
