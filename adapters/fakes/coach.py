"""A coach that breaks down, for tests of what a failing AI leaves behind."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from core.domain import Difficulty, JobContext, ResumeAnalysis, TranscriptEntry
from core.errors import AiFailed


class FailingCoach:
    """The ``Coach`` port failing the way a provider does mid-answer: every
    streamed text yields ``partial`` and then raises ``AiFailed``; the other
    methods raise at once."""

    def __init__(self, partial: str = "## Feedback (Rating: 7/10)\n") -> None:
        self.partial = partial

    def _broken(self, message: str) -> Iterator[str]:
        yield self.partial
        raise AiFailed(message)

    def question(
        self, job: JobContext, difficulty: Difficulty, previous: Sequence[str], topic: str | None = None
    ) -> Iterator[str]:
        return self._broken("Failed to generate question")

    def question_key(self, text: str) -> str | None:
        return None

    def answer_feedback(self, job: JobContext, question: str, answer: str) -> Iterator[str]:
        return self._broken("Failed to generate feedback")

    def interviewer_turn(self, job: JobContext, transcript: Sequence[TranscriptEntry]) -> str:
        raise AiFailed("Failed to generate the interviewer's reply")

    def interview_feedback(
        self, job: JobContext, transcript: Sequence[TranscriptEntry]
    ) -> Iterator[str]:
        return self._broken("Failed to generate feedback")

    def analyze_resume(self, job: JobContext, resume_text: str) -> ResumeAnalysis:
        raise AiFailed("Failed to generate analysis")
