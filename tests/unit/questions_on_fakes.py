"""What the question tests share: a job to ask about, an answer off its
topic, and the calls they make on a ``FakeApp``."""

from __future__ import annotations

from adapters.ai.offline.coach import OfflineCoach
from core.pipeline import Success
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


def ask(app: FakeApp, actor, job_id: str, difficulty: str = "medium"):
    return app.run("generateQuestion", actor, {"jobInfoId": job_id, "difficulty": difficulty})


def answer(app: FakeApp, actor, question_id: str, text: str):
    return app.run("generateQuestionFeedback", actor, {"questionId": question_id, "answer": text})


def listed(app: FakeApp, actor, job_id: str) -> list:
    result = app.run("listQuestions", actor, {"jobInfoId": job_id})
    assert isinstance(result, Success), result
    return result.data.questions


def stored(app: FakeApp) -> tuple[int, int]:
    """How many questions and answers are stored."""
    tables = app.storage.snapshot()
    return len(tables.questions), len(tables.answers)


def questions_created(app: FakeApp, actor) -> int:
    """Questions taken from the allowance: counted, or held by a call still running."""
    with app.storage.unit_of_work() as uow:
        held = uow.users.holds(actor.user_id, "questions", app.clock.now())
        return uow.users.usage(actor.user_id).questions_created + held


def model_answer(question_text: str) -> str:
    """What a well-prepared candidate says: the bank's own answer."""
    found = OfflineCoach().bank.find(question_text)
    assert found is not None, question_text
    return found.answer
