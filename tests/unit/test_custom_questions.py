"""Questions of the user's own (addQuestion) and questions on a topic
(generateQuestion's ``topic``), on the fakes with the real offline coach:
the same ownership and plan allowance as generated questions, under
concurrent calls too, clear validation that writes nothing, and a topic that
reaches the coach."""

from __future__ import annotations

import uuid

import pytest

from adapters.ai.offline.bank import load_bank
from core.errors import ErrorCode, Failure
from core.pipeline import Success
from core.questions import QUESTION_MAX, TOPIC_MAX
from tests.concurrently import at_once
from tests.conftest import FORBIDDEN, PLAN_LIMIT
from tests.unit.app_on_fakes import FakeApp
from tests.unit.questions_on_fakes import JOB, ask, listed, questions_created, stored

OWN = "How would you roll back a failed database migration on a table with a billion rows?"


def add(app: FakeApp, actor, job_id: str, text: str = OWN, **extra: str):
    return app.run("addQuestion", actor, {"jobInfoId": job_id, "text": text, **extra})


def test_an_own_question_is_listed_and_answered_like_a_generated_one():
    app = FakeApp()
    actor = app.user()
    job_id = app.job_info(actor, JOB)
    added = add(app, actor, job_id, "  " + OWN + "\n", difficulty="hard")
    assert isinstance(added, Success), added
    assert added.data.text == OWN
    [question] = listed(app, actor, job_id)
    assert (question.id, question.text, question.difficulty.value) == (added.data.question_id, OWN, "hard")
    rated = app.run("generateQuestionFeedback", actor, {"questionId": question.id, "answer": "I don't know"})
    assert isinstance(rated, Success) and 1 <= rated.data.rating <= 10
    assert len(listed(app, actor, job_id)[0].answers) == 1


def test_the_difficulty_of_an_own_question_defaults_to_medium():
    app = FakeApp()
    actor = app.user()
    job_id = app.job_info(actor, JOB)
    assert isinstance(add(app, actor, job_id), Success)
    assert listed(app, actor, job_id)[0].difficulty.value == "medium"


def test_someone_elses_job_and_a_missing_one_look_the_same_and_cost_nothing():
    app = FakeApp()
    actor, other = app.user(), app.user("other")
    foreign = app.job_info(other, JOB)
    assert add(app, actor, foreign) == FORBIDDEN
    assert add(app, actor, str(uuid.uuid4())) == FORBIDDEN
    assert stored(app) == (0, 0)
    assert questions_created(app, actor) == 0
    assert listed(app, other, foreign) == []


def test_own_and_generated_questions_share_the_free_allowance():
    app = FakeApp()
    actor = app.user()
    job_id = app.job_info(actor, JOB)
    assert all(isinstance(ask(app, actor, job_id), Success) for _ in range(3))
    assert all(isinstance(add(app, actor, job_id, f"{OWN} ({n})"), Success) for n in range(2))
    assert add(app, actor, job_id, "One more of my own?") == PLAN_LIMIT
    assert ask(app, actor, job_id) == PLAN_LIMIT
    assert questions_created(app, actor) == 5
    assert stored(app) == (5, 0)


def test_a_pro_user_adds_beyond_the_free_allowance():
    app = FakeApp()
    actor = app.user(plan="pro")
    job_id = app.job_info(actor, JOB)
    assert all(isinstance(add(app, actor, job_id, f"{OWN} ({n})"), Success) for n in range(8))
    assert len(listed(app, actor, job_id)) == 8


def test_the_same_question_added_twice_is_stored_and_counted_once():
    app = FakeApp()
    actor = app.user()
    job_id = app.job_info(actor, JOB)
    first, again = add(app, actor, job_id), add(app, actor, job_id)
    assert isinstance(first, Success) and again == first
    assert questions_created(app, actor) == 1
    assert stored(app) == (1, 0)


def test_concurrent_adds_never_exceed_the_allowance():
    app = FakeApp()
    actor = app.user()
    job_id = app.job_info(actor, JOB)
    results = at_once([lambda n=n: add(app, actor, job_id, f"{OWN} ({n})") for n in range(12)])
    assert sum(isinstance(r, Success) for r in results) == 5
    assert all(r == PLAN_LIMIT for r in results if not isinstance(r, Success))
    assert questions_created(app, actor) == 5
    assert len(listed(app, actor, job_id)) == 5


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "x" * (QUESTION_MAX + 1)}, "text"),
        ({"text": "Why?\x00"}, "text"),
        ({"text": OWN, "difficulty": "impossible"}, "difficulty"),
        ({"jobInfoId": ""}, "job_info_id"),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(payload: dict, field: str):
    app = FakeApp()
    actor = app.user()
    job_id = app.job_info(actor, JOB)
    commits = app.storage.commits
    result = app.run("addQuestion", actor, {"jobInfoId": job_id, "text": OWN, **payload})
    assert isinstance(result, Failure) and result.code is ErrorCode.VALIDATION
    assert list(result.field_errors) == [field]
    assert app.storage.commits == commits
    assert questions_created(app, actor) == 0


def test_the_longest_question_is_accepted():
    app = FakeApp()
    actor = app.user()
    assert isinstance(add(app, actor, app.job_info(actor, JOB), "x" * QUESTION_MAX), Success)


# --- generateQuestion's topic -------------------------------------------------


def test_a_question_on_a_topic_is_about_it():
    app = FakeApp()
    actor = app.user(plan="pro")
    job_id = app.job_info(actor, {**JOB, "description": JOB["description"] + " Docker and Git."})
    for topic in ["Docker", "git"]:
        result = app.run("generateQuestion", actor, {"jobInfoId": job_id, "difficulty": "medium", "topic": topic})
        assert isinstance(result, Success), result
        found = load_bank().find(result.data.text)
        assert found is not None and topic.lower() in " ".join(found.skills).lower()


@pytest.mark.parametrize("topic", ["", "  ", "x" * (TOPIC_MAX + 1), "SQL\nindexes"])
def test_a_bad_topic_is_refused_before_anything_is_counted(topic: str):
    app = FakeApp()
    actor = app.user()
    job_id = app.job_info(actor, JOB)
    result = app.run("generateQuestion", actor, {"jobInfoId": job_id, "difficulty": "easy", "topic": topic})
    assert isinstance(result, Failure) and list(result.field_errors) == ["topic"]
    assert questions_created(app, actor) == 0
