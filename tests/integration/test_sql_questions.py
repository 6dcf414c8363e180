"""The storage contract for questions and answers, on the in-memory fake,
SQLite and PostgreSQL alike: round trips, order, what a job info's lists
hold, rollback, the cascade from a deleted job info (or user) down to the
answers, and allowance counters that deleting never gives back. Records get
random ids, so runs never collide on the shared PostgreSQL schema."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from attrs import evolve
from sqlalchemy.exc import IntegrityError

from core.domain import Answer, Difficulty, ExperienceLevel, Question
from core.ports import Storage
from tests.conftest import T0, a_user_with_a_job_info, make_job_info, new_id, saved

FEEDBACK = "## Feedback (Rating: 8/10)\n\nClear — ✓ `EXPLAIN ANALYZE`\n\n---\n\n## Correct Answer\n\nIndexes."


def new_question(job_info_id: str, at: datetime = T0, difficulty: Difficulty = Difficulty.MEDIUM) -> Question:
    text = f"**Topic:** PostgreSQL\n\n### How do you find a slow query? ({uuid.uuid4().hex[:6]})\n"
    return Question(new_id(), job_info_id, text, difficulty, at, at)


def new_answer(question_id: str, at: datetime, rating: int = 8) -> Answer:
    return Answer(new_id(), question_id, "I'd start with pg_stat_statements — then EXPLAIN.", FEEDBACK, rating, at)


def test_a_question_round_trips(storage: Storage) -> None:
    _, job_info = a_user_with_a_job_info(storage)
    questions = [new_question(job_info.id, difficulty=d) for d in Difficulty]
    saved(storage, *questions)
    with storage.unit_of_work() as uow:
        for question in questions:
            assert uow.questions.get(question.id) == question
        assert uow.questions.get(new_id()) is None


def test_a_job_infos_questions_newest_first_and_its_answers_oldest_first(storage: Storage) -> None:
    _, job_info = a_user_with_a_job_info(storage)
    _, other_job_info = a_user_with_a_job_info(storage)
    questions = [new_question(job_info.id, T0 + timedelta(minutes=n)) for n in (5, 0, 10)]
    elsewhere = new_question(other_job_info.id)
    saved(storage, *questions, elsewhere)
    answers = [
        new_answer(questions[0].id, T0 + timedelta(minutes=20), rating=3),
        new_answer(questions[1].id, T0 + timedelta(minutes=11), rating=10),
        new_answer(questions[0].id, T0 + timedelta(minutes=12), rating=1),
    ]
    saved(storage, *answers, new_answer(elsewhere.id, T0))
    with storage.unit_of_work() as uow:
        assert uow.questions.list_for_job_info(job_info.id) == [questions[2], questions[0], questions[1]]
        listed = [q.id for q in uow.questions.list_for_job_info(job_info.id)]
        assert uow.answers.list_for_questions(listed) == [answers[1], answers[2], answers[0]]
        assert uow.questions.list_for_job_info(new_id()) == []
        assert uow.answers.list_for_questions([new_id()]) == []


def test_the_questions_from_the_coach_are_found_by_their_key_newest_first(storage: Storage) -> None:
    _, job_info = a_user_with_a_job_info(storage)
    _, other_job_info = a_user_with_a_job_info(storage)
    own = [evolve(new_question(job_info.id, T0 + timedelta(minutes=n)), coach_key=f"q-{n}") for n in (1, 3)]
    custom = new_question(job_info.id, T0 + timedelta(minutes=2))
    elsewhere = evolve(new_question(other_job_info.id), coach_key="q-1")
    saved(storage, *own, custom, elsewhere)
    with storage.unit_of_work() as uow:
        assert uow.questions.from_coach(job_info.id) == [own[1], own[0]]
        assert uow.questions.get(own[0].id) == own[0]  # the key round-trips
        assert uow.questions.from_coach(new_id()) == []


def test_nothing_is_stored_without_commit(storage: Storage) -> None:
    _, job_info = a_user_with_a_job_info(storage)
    question = new_question(job_info.id)
    with storage.unit_of_work(write=True) as uow:
        uow.questions.add(question)
        uow.answers.add(new_answer(question.id, T0))
        assert uow.questions.get(question.id) == question  # a unit of work sees its own writes
    with storage.unit_of_work() as uow:
        assert uow.questions.get(question.id) is None
        assert uow.answers.list_for_questions([question.id]) == []


def test_deleting_the_job_info_deletes_its_questions_and_their_answers(storage: Storage) -> None:
    user, job_info = a_user_with_a_job_info(storage)
    kept = make_job_info(user_id=user.id, name="Frontend", experience_level=ExperienceLevel.JUNIOR, description="React")
    with storage.unit_of_work(write=True) as uow:
        uow.job_infos.add(kept)
        uow.commit()
    gone, stays = new_question(job_info.id), new_question(kept.id)
    saved(storage, gone, stays)
    saved(storage, new_answer(gone.id, T0), new_answer(stays.id, T0))
    with storage.unit_of_work(write=True) as uow:
        for _ in range(5):
            uow.users.count_created(user.id, "questions")
        uow.commit()
    with storage.unit_of_work(write=True) as uow:
        uow.job_infos.delete(job_info.id)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.questions.get(gone.id) is None
        assert uow.questions.list_for_job_info(job_info.id) == []
        assert uow.answers.list_for_questions([gone.id]) == []
        assert uow.questions.list_for_job_info(kept.id) == [stays]
        assert len(uow.answers.list_for_questions([stays.id])) == 1
        # the allowance counts what was ever created: nothing is given back
        assert uow.users.usage(user.id).questions_created == 5


def test_deleting_the_user_deletes_everything_down_to_the_answers(storage: Storage) -> None:
    user, job_info = a_user_with_a_job_info(storage)
    question = new_question(job_info.id)
    saved(storage, question)
    saved(storage, new_answer(question.id, T0))
    with storage.unit_of_work(write=True) as uow:
        uow.users.delete(user.id)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.questions.get(question.id) is None
        assert uow.answers.list_for_questions([question.id]) == []


def test_counting_questions_created_is_kept_per_user(storage: Storage) -> None:
    user, _ = a_user_with_a_job_info(storage)
    other, _ = a_user_with_a_job_info(storage)
    with storage.unit_of_work(write=True) as uow:
        assert uow.users.lock_usage(user.id).questions_created == 0
        uow.users.count_created(user.id, "questions")
        uow.users.count_created(user.id, "questions")
        uow.users.count_created(user.id, "questions", -1)
        uow.commit()
    with storage.unit_of_work() as uow:
        assert uow.users.usage(user.id).questions_created == 1
        assert uow.users.usage(user.id).interviews_created == 0
        assert uow.users.usage(other.id).questions_created == 0


@pytest.mark.parametrize("orphan", ["question", "answer"])
def test_sql_refuses_an_orphan(sql_storage: Storage, orphan: str) -> None:
    """The foreign keys hold: a question needs its job info, an answer its question."""
    record = new_question(new_id()) if orphan == "question" else new_answer(new_id(), T0)
    with pytest.raises(IntegrityError):
        saved(sql_storage, record)
