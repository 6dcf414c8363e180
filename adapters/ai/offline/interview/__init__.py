"""The offline mock interview: the scripted interviewer (``interviewer``)
and the feedback on a finished interview (``feedback``, built from
``transcript``, ``delivery`` and ``substance``)."""

from adapters.ai.offline.interview.feedback import interview_feedback
from adapters.ai.offline.interview.interviewer import interviewer_turn

__all__ = ["interview_feedback", "interviewer_turn"]
