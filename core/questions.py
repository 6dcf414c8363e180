"""Technical questions on a job info, and the coach's feedback on the user's
answers to them.

generateQuestion follows createInterview's pattern — ownership, the plan
(an unlimited feature, or a limited allowance reserved under the user's
lock), the AI token bucket — and only then asks the coach, whose text
streams out as it comes; the finished text is stored in one write
transaction. A coach that fails, or a client that stops reading, stores
nothing and gives the reservation back. An optional ``topic`` (a skill the
user is weak at) is handed to the coach; the question is kept with the
topic it turned out to be on (``question_topic``), for the progress view.
addQuestion stores a question of the user's own under the same ownership
and allowance rules (one copy of them, ``_store_question``).
generateQuestionFeedback rates an answer and keeps it with its feedback, and
listQuestions gives both back.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from attrs import field

from core.allowances import Allowances, Reservation
from core.domain import Actor, Answer, Difficulty, JobContext, Question
from core.errors import AiFailed
from core.jobinfos import JobInfoRecordsQuery
from core.ownership import cached_job_info_records
from core.paging import SortKey
from core.pipeline import Action, Context, Streaming
from core.ports import Clock, Coach, Ids, Storage, TagCache, UnitOfWork
from core.rate_limit import ActionLimiter
from core.records import frozen
from core.validation import identifier, text

ANSWER_MAX = 10_000
QUESTION_MAX = 5_000
TOPIC_MAX = 80
QUESTION_FAILED = "Failed to generate question"
FEEDBACK_FAILED = "Failed to generate feedback"
_RATING_HEADER = re.compile(r"\s*## Feedback \(Rating: (\d{1,2})/10\)[ \t]*(?:\r?\n|$)")
_TOPIC_LINE = re.compile(r"\A\s*\*\*Topics?:\*\*[ \t]*([^\n]{1,400})")


# --- commands ---------------------------------------------------------------


@frozen(kw_only=True)
class GenerateQuestionCommand:
    job_info_id: str = field(validator=identifier)
    difficulty: Difficulty
    topic: str | None = field(default=None, validator=text(TOPIC_MAX, required=False))


@frozen(kw_only=True)
class AddQuestionCommand:
    """A question of the user's own; ``difficulty`` is how hard they find it."""

    job_info_id: str = field(validator=identifier)
    text: str = field(validator=text(QUESTION_MAX, multiline=True))
    difficulty: Difficulty = Difficulty.MEDIUM


@frozen(kw_only=True)
class GenerateQuestionFeedbackCommand:
    question_id: str = field(validator=identifier)
    answer: str = field(validator=text(ANSWER_MAX, multiline=True))


# --- results ----------------------------------------------------------------


@frozen
class QuestionGenerated:
    question_id: str
    text: str


@frozen
class AnswerRated:
    feedback: str
    rating: int


@frozen
class ListedQuestion:
    """A question with the user's answers to it, oldest first."""

    id: str
    job_info_id: str
    text: str
    difficulty: Difficulty
    created_at: datetime
    answers: list[Answer]


@frozen
class QuestionList:
    questions: list[ListedQuestion]
    next_cursor: str | None = None


def rating_of(feedback: str) -> int:
    """The rating in the header ``## Feedback (Rating: n/10)`` that feedback
    must start with; ``AiFailed`` when it is missing or not 1 to 10."""
    header = _RATING_HEADER.match(feedback)
    rating = int(header.group(1)) if header else 0
    if not 1 <= rating <= 10:
        raise AiFailed(FEEDBACK_FAILED)
    return rating


def question_topic(markdown: str, asked: str | None) -> str | None:
    """The topic a generated question is kept under: a skill named on its
    first line (``**Topic:** Docker · **Difficulty:** Easy``, as both
    coaches write it), the one asked for when it is among them, else the
    first; with no such line, the topic asked for, if any."""
    line = _TOPIC_LINE.match(markdown)
    named = [n.strip() for n in line.group(1).split("·") if n.strip() and "**" not in n] if line else []
    wanted = asked.strip() if asked and asked.strip() else None
    if named:
        chosen = next((n for n in named if wanted and n.casefold() == wanted.casefold()), named[0])
        return chosen[:TOPIC_MAX]
    return wanted


# --- use cases --------------------------------------------------------------

RECENT_QUESTIONS = 50
"""How many of a job's newest questions are read for a new one. A new
question is kept apart from those and from every question of the job that
is one of the coach's own (``Question.coach_key``, indexed): the coach is
told them (never to repeat one), and a question with the same text as one
of them is not stored twice. Both are bounded (by this, by the coach's
questions), so generating one costs the same with 100,000 questions on the
job as with 10."""


def _asked(uow: UnitOfWork, job_info_id: str) -> list[Question]:
    """The job's newest questions and those from the coach, newest first."""
    recent = uow.questions.list_for_job_info(job_info_id, limit=RECENT_QUESTIONS)
    seen = {q.id for q in recent}
    return recent + [q for q in uow.questions.from_coach(job_info_id) if q.id not in seen]



@frozen(kw_only=True)
class GenerateQuestion:
    storage: Storage
    clock: Clock
    ids: Ids
    allowances: Allowances
    limiter: ActionLimiter
    coach: Coach

    def __call__(self, context: Context, command: GenerateQuestionCommand) -> Streaming[QuestionGenerated]:
        actor = context.caller
        # authorize: ownership, then the plan (a limited allowance is reserved)
        with self.storage.unit_of_work() as uow:
            job_info = uow.owned_job_info(actor, command.job_info_id)
            previous = [q.text for q in _asked(uow, job_info.id)]
            allowance = self.allowances.of(actor, "questions", uow)
        reservation = self.allowances.reserve(allowance)
        with self.allowances.given_back_on_failure(reservation):
            # rate limit: only an otherwise acceptable call takes a token
            self.limiter.charge(actor.user_id)
            chunks = self.coach.question(
                JobContext.of(job_info), command.difficulty, previous, topic=command.topic
            )
        return Streaming(
            self._given_back_on_failure(chunks, reservation),
            lambda produced: self._store(actor, command, reservation, produced),
        )

    def _given_back_on_failure(self, chunks: Iterable[str], reservation: Reservation) -> Iterator[str]:
        """The coach's text; the reservation is given back if the coach
        fails or the client stops reading before the end."""
        with self.allowances.given_back_on_failure(reservation):
            yield from chunks

    def _store(
        self, actor: Actor, command: GenerateQuestionCommand, reservation: Reservation, produced: str
    ) -> QuestionGenerated:
        with self.allowances.given_back_on_failure(reservation):
            if not produced.strip():
                raise AiFailed(QUESTION_FAILED)
            now = self.clock.now()
            question = Question(
                self.ids.new(), command.job_info_id, produced, command.difficulty, now, now,
                topic=question_topic(produced, command.topic), coach_key=self.coach.question_key(produced),
            )
            return _store_question(self.storage, self.allowances, actor, reservation, question)


def _store_question(
    storage: Storage, allowances: Allowances, actor: Actor, reservation: Reservation, question: Question
) -> QuestionGenerated:
    """Store a question on the caller's job info, counted by its
    reservation. A question with the same text on that job (a concurrent
    call given the same one, or the user adding one twice) is not stored nor
    counted twice: that one is the answer (looked for as ``RECENT_QUESTIONS``
    says). Call it where a failure gives the reservation back."""
    with storage.unit_of_work(write=True) as uow:
        uow.owned_job_info(actor, question.job_info_id)  # gone meanwhile?
        asked = _asked(uow, question.job_info_id)
        same = next((q for q in asked if q.text == question.text), None)
        if same is None:
            uow.questions.add(question)
            allowances.record(uow, reservation)
            uow.commit()
    if same is not None:
        allowances.release(reservation)
        return QuestionGenerated(same.id, same.text)
    return QuestionGenerated(question.id, question.text)


@frozen(kw_only=True)
class AddQuestion:
    storage: Storage
    clock: Clock
    ids: Ids
    allowances: Allowances

    coach: Coach

    def __call__(self, context: Context, command: AddQuestionCommand) -> QuestionGenerated:
        actor = context.caller
        with self.storage.unit_of_work() as uow:
            uow.owned_job_info(actor, command.job_info_id)
            allowance = self.allowances.of(actor, "questions", uow)
        reservation = self.allowances.reserve(allowance)
        with self.allowances.given_back_on_failure(reservation):
            now = self.clock.now()
            wording = command.text.strip()
            question = Question(
                self.ids.new(), command.job_info_id, wording, command.difficulty, now, now,
                coach_key=self.coach.question_key(wording),
            )
            return _store_question(self.storage, self.allowances, actor, reservation, question)


@frozen(kw_only=True)
class GenerateQuestionFeedback:
    storage: Storage
    clock: Clock
    ids: Ids
    limiter: ActionLimiter
    coach: Coach

    def __call__(self, context: Context, command: GenerateQuestionFeedbackCommand) -> Streaming[AnswerRated]:
        actor = context.caller
        with self.storage.unit_of_work() as uow:
            question, job_info = uow.owned_question(actor, command.question_id)
        self.limiter.charge(actor.user_id)
        chunks = self.coach.answer_feedback(JobContext.of(job_info), question.text, command.answer)
        return Streaming(chunks, lambda feedback: self._store(actor, question, command.answer, feedback))

    def _store(self, actor: Actor, question: Question, answer_text: str, feedback: str) -> AnswerRated:
        rating = rating_of(feedback)
        answer = Answer(self.ids.new(), question.id, answer_text, feedback, rating, self.clock.now())
        with self.storage.unit_of_work(write=True) as uow:
            uow.owned_question(actor, question.id)  # gone with its job info meanwhile?
            uow.answers.add(answer)
            uow.commit()
        return AnswerRated(feedback, rating)


@frozen(kw_only=True)
class ListQuestions:
    storage: Storage
    cache: TagCache

    def __call__(self, context: Context, command: JobInfoRecordsQuery) -> QuestionList:
        return QuestionList(
            *cached_job_info_records(
                self.storage, self.cache, context.caller, command.job_info_id, "questions",
                command.cursor, command.limit, self._load, lambda q: SortKey(q.created_at, q.id),
            )
        )

    def _load(self, job_info_id: str, after: SortKey | None, limit: int) -> list[ListedQuestion]:
        with self.storage.unit_of_work() as uow:
            questions = uow.questions.list_for_job_info(job_info_id, after=after, limit=limit)
            answers = uow.answers.list_for_questions([q.id for q in questions])
        by_question: dict[str, list[Answer]] = defaultdict(list)
        for answer in answers:
            by_question[answer.question_id].append(answer)
        return [
            ListedQuestion(q.id, q.job_info_id, q.text, q.difficulty, q.created_at, by_question[q.id])
            for q in questions
        ]


actions: list[Action[Any, Any]] = [
    Action("generateQuestion", GenerateQuestionCommand, QuestionGenerated, GenerateQuestion,
           summary="A new technical question for a job info, streamed as it is written "
                   "(plan allowance and AI rate limit apply)",
           buckets={"user": "ai"}),
    Action("addQuestion", AddQuestionCommand, QuestionGenerated, AddQuestion,
           summary="Add a question of the user's own to a job info (the plan allowance of "
                   "questions applies)"),
    Action("generateQuestionFeedback", GenerateQuestionFeedbackCommand, AnswerRated,
           GenerateQuestionFeedback,
           summary="Feedback and a rating out of 10 on an answer, streamed; the answer is kept",
           buckets={"user": "ai"}),
    Action("listQuestions", JobInfoRecordsQuery, QuestionList, ListQuestions,
           summary="A job info's questions, newest first, each with its answers"),
]
"""The question actions, in the order the API lists them."""
