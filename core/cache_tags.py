"""The cache tags of the design: what a read is cached under and what a write
invalidates.

A record of a job info (an interview, a question, a resume analysis) of
``kind`` is tagged ``global:<kind>``, ``jobInfo:<job info id>:<kind>`` and
``id:<its id>:<kind>``; a job info likewise under its user."""

from __future__ import annotations


def user_tags(user_id: str) -> list[str]:
    return ["global:users", f"id:{user_id}:users"]


def job_info_tags(job_info_id: str, user_id: str) -> list[str]:
    return ["global:jobInfos", user_job_infos_tag(user_id), job_info_tag(job_info_id)]


def user_job_infos_tag(user_id: str) -> str:
    return f"user:{user_id}:jobInfos"


def job_info_tag(job_info_id: str) -> str:
    return f"id:{job_info_id}:jobInfos"


def session_tag(token_digest: str) -> str:
    """What revoking the session invalidates."""
    return f"session:{token_digest}"


def session_tags(token_digest: str) -> list[str]:
    """A session read is cached under its own tag (sign-out invalidates it)
    and under every user (deleting a user ends their sessions)."""
    return [session_tag(token_digest), "global:users"]


def job_info_records_tag(kind: str, job_info_id: str) -> str:
    """Every record of ``kind`` of one job info."""
    return f"jobInfo:{job_info_id}:{kind}"


def _job_info_record_tags(kind: str, record_id: str, job_info_id: str) -> list[str]:
    return [f"global:{kind}", job_info_records_tag(kind, job_info_id), f"id:{record_id}:{kind}"]


def interview_tags(interview_id: str, job_info_id: str) -> list[str]:
    return _job_info_record_tags("interviews", interview_id, job_info_id)


def question_tags(question_id: str, job_info_id: str) -> list[str]:
    return _job_info_record_tags("questions", question_id, job_info_id)


def resume_analysis_tags(analysis_id: str, job_info_id: str) -> list[str]:
    return _job_info_record_tags("resumeAnalyses", analysis_id, job_info_id)


def interview_tag(interview_id: str) -> str:
    return f"id:{interview_id}:interviews"
