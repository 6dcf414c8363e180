"""Answer grading for the offline coach: how an answer is read
(``reading``), whether it is correct (``correctness``), how a story is
structured (``star``), the rating (``grade``) and the feedback markdown
(``feedback``)."""

from adapters.ai.offline.grading.feedback import feedback_chunks
from adapters.ai.offline.grading.grade import Grade, grade_answer, key_terms

__all__ = ["Grade", "feedback_chunks", "grade_answer", "key_terms"]
