"""The mock-interview transcript and resume-analysis repositories on the
in-memory tables (an analysis added is counted in its user's practice
totals)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.fakes.paging import newest_first
from adapters.fakes.practice import count_analysis
from core.cache_tags import interview_tag, resume_analysis_tags
from core.domain import InterviewMessage, StoredResumeAnalysis
from core.paging import SortKey
from core.unit_of_work import Wrote

if TYPE_CHECKING:
    from adapters.fakes.tables import Tables


class FakeInterviewMessages:
    def __init__(self, tables: Tables, wrote: Wrote) -> None:
        self._t = tables
        self._wrote = wrote

    def add(self, message: InterviewMessage) -> None:
        taken = any(
            m.interview_id == message.interview_id and m.seq == message.seq
            for m in self._t.interview_messages.values()
        )
        if taken:  # as the unique index does in SQL
            raise ValueError(f"line {message.seq} of interview {message.interview_id} exists")
        self._t.interview_messages[message.id] = message
        self._wrote([interview_tag(message.interview_id)])

    def list_for_interview(self, interview_id: str) -> list[InterviewMessage]:
        found = [m for m in self._t.interview_messages.values() if m.interview_id == interview_id]
        return sorted(found, key=lambda m: m.seq)


class FakeResumeAnalyses:
    def __init__(self, tables: Tables, wrote: Wrote) -> None:
        self._t = tables
        self._wrote = wrote

    def add(self, analysis: StoredResumeAnalysis) -> None:
        self._t.resume_analyses[analysis.id] = analysis
        count_analysis(self._t, analysis.job_info_id)
        self._wrote(resume_analysis_tags(analysis.id, analysis.job_info_id))

    def list_for_job_info(
        self, job_info_id: str, *, after: SortKey | None = None, limit: int | None = None
    ) -> list[StoredResumeAnalysis]:
        found = [a for a in self._t.resume_analyses.values() if a.job_info_id == job_info_id]
        return newest_first(found, lambda a: SortKey(a.created_at, a.id), after, limit)
