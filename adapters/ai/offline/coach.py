"""``OfflineCoach``: the built-in AI coach, implementing ``core.ports.Coach``
deterministically and without any network access.

Questions come from the bank (``bank``), answers are graded by ``grading``,
the mock interviewer and its final feedback live in ``interview`` and resume
analysis in ``resume``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from adapters.ai.offline.bank import JobProfile, QuestionBank, choose, load_bank, question_chunks
from adapters.ai.offline.grading import feedback_chunks, grade_answer
from adapters.ai.offline.interview import interview_feedback, interviewer_turn
from adapters.ai.offline.resume import analyze_resume
from adapters.ai.offline.roles import family_of
from core.domain import Difficulty, JobContext, ResumeAnalysis, TranscriptEntry
from core.errors import AiFailed


class OfflineCoach:
    """The ``Coach`` port without a language model. ``bank`` defaults to the
    question bank shipped with the package."""

    name = "offline"
    """Which coach answers, for pages that say so."""

    def __init__(self, bank: QuestionBank | None = None) -> None:
        self._bank = bank

    @property
    def bank(self) -> QuestionBank:
        return self._bank or load_bank()

    def question(
        self,
        job: JobContext,
        difficulty: Difficulty,
        previous: Sequence[str],
        topic: str | None = None,
    ) -> Iterator[str]:
        """The best-fitting bank question not among ``previous`` (recognised
        by the markdown it was shown as, one look-up each), on ``topic`` when
        given and the bank has one, as markdown in a few chunks. Raises
        ``AiFailed`` when every question that fits the job has been asked."""
        bank = self.bank
        question = choose(bank, JobProfile.of(job), difficulty, bank.asked(previous), topic=topic)
        if question is None:
            raise AiFailed("Failed to generate question")
        return iter(question_chunks(question))

    def question_key(self, text: str) -> str | None:
        """The id of the bank question ``text`` is, as shown or as its text."""
        question = self.bank.shown(text)
        return None if question is None else question.id

    def answer_feedback(self, job: JobContext, question: str, answer: str) -> Iterator[str]:
        """Feedback on ``answer``: ``## Feedback (Rating: n/10)``, the
        assessment, ``---``, then ``## Correct Answer``. A question of the
        user's own is graded against the bank question it rewords, or else
        with the general rubric of the job's family."""
        bank = self.bank
        found = bank.find(question) or bank.closest(question)
        family = family_of(job.title or job.name, job.description)
        grade = grade_answer(found, question, answer, family)
        return iter(feedback_chunks(grade, found, question))

    def interviewer_turn(self, job: JobContext, transcript: Sequence[TranscriptEntry]) -> str:
        return interviewer_turn(job, transcript, self.bank)

    def interview_feedback(
        self, job: JobContext, transcript: Sequence[TranscriptEntry]
    ) -> Iterator[str]:
        return iter(_chunked(interview_feedback(job, transcript, self.bank)))

    def analyze_resume(self, job: JobContext, resume_text: str) -> ResumeAnalysis:
        return analyze_resume(job, resume_text)


def _chunked(text: str) -> list[str]:
    """``text`` in paragraph-sized chunks that join back to it exactly."""
    paragraphs = text.split("\n\n")
    return [p + "\n\n" for p in paragraphs[:-1]] + [paragraphs[-1]]
