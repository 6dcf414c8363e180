"""The offline coach's resume analysis."""

from adapters.ai.offline.resume.legacy import analyze_resume

__all__ = ["analyze_resume"]
