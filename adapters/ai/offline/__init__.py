"""The built-in offline AI coach: deterministic, no network. Questions come
from a bank shipped as data, answers are graded against key points, and a
scripted interviewer runs mock interviews."""

from adapters.ai.offline.coach import OfflineCoach

__all__ = ["OfflineCoach"]
