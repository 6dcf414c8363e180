"""``OfflineCoach``: the built-in AI coach, implementing ``core.ports.Coach``
deterministically and without any network access.

Questions come from the bank, answers are graded against the bank's key
points, and the mock interviewer follows a script; resume analysis and
interview feedback are delegated to their own modules.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from adapters.ai.offline import interviewer
from adapters.ai.offline.bank import BankQuestion, JobProfile, QuestionBank, choose, load_bank
from adapters.ai.offline.grading import feedback_chunks, grade_answer
from core.coaching import Difficulty, JobContext, ResumeAnalysis, TranscriptEntry
from core.errors import AiFailed

_TIPS = {
    "technical": (
        "Explain the idea, the trade-offs, and give a concrete example from your experience."
    ),
    "behavioral": "Answer with one real situation: what happened, what you did, and the result.",
    "system-design": (
        "Start from the requirements, sketch the main components and data flow, then discuss "
        "scaling, failure modes and trade-offs."
    ),
}


class OfflineCoach:
    """The ``Coach`` port without a language model. ``bank`` defaults to the
    question bank shipped with the package."""

    def __init__(self, bank: QuestionBank | None = None) -> None:
        self._bank = bank

    @property
    def bank(self) -> QuestionBank:
        return self._bank or load_bank()

    def question(
        self, job: JobContext, difficulty: Difficulty, previous: Sequence[str]
    ) -> Iterator[str]:
        """The best-fitting bank question not among ``previous`` (recognised
        by its text), as markdown in a few chunks. Raises ``AiFailed`` when
        every question of the bank has been asked."""
        bank = self.bank
        asked = [q for q in (bank.find(text) for text in previous) if q is not None]
        question = choose(bank, JobProfile.of(job), difficulty, asked)
        if question is None:
            raise AiFailed("Failed to generate question")
        return iter(_question_chunks(question))

    def answer_feedback(self, job: JobContext, question: str, answer: str) -> Iterator[str]:
        """Feedback on ``answer``: ``## Feedback (Rating: n/10)``, the
        assessment, ``---``, then ``## Correct Answer`` with the model
        answer."""
        found = self.bank.find(question)
        grade = grade_answer(found, question, answer)
        return iter(feedback_chunks(grade, found, question))

    def interviewer_turn(self, job: JobContext, transcript: Sequence[TranscriptEntry]) -> str:
        return interviewer.interviewer_turn(job, transcript, self.bank)

    def interview_feedback(
        self, job: JobContext, transcript: Sequence[TranscriptEntry]
    ) -> Iterator[str]:
        from adapters.ai.offline.interview_feedback import interview_feedback

        return iter(_chunked(interview_feedback(job, transcript)))

    def analyze_resume(self, job: JobContext, resume_text: str) -> ResumeAnalysis:
        from adapters.ai.offline.resume import analyze_resume

        return analyze_resume(job, resume_text)


def _question_chunks(question: BankQuestion) -> list[str]:
    topics = " · ".join(question.skills)
    label = "Topics" if len(question.skills) > 1 else "Topic"
    words = question.text.split(" ")
    half = len(words) // 2
    return [
        f"**{label}:** {topics} · **Difficulty:** {question.difficulty.value.capitalize()}\n\n",
        "### " + " ".join(words[:half]) + (" " if half else ""),
        " ".join(words[half:]) + "\n\n",
        f"_{_TIPS[question.kind.value]}_\n",
    ]


def _chunked(text: str) -> list[str]:
    """``text`` in paragraph-sized chunks that join back to it exactly."""
    paragraphs = text.split("\n\n")
    return [p + "\n\n" for p in paragraphs[:-1]] + [paragraphs[-1]]
