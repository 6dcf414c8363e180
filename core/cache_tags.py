"""The cache tags of the design: what a read is cached under and what a write
invalidates."""

from __future__ import annotations


def user_tags(user_id: str) -> list[str]:
    return ["global:users", f"id:{user_id}:users"]


def job_info_tags(job_info_id: str, user_id: str) -> list[str]:
    return ["global:jobInfos", f"user:{user_id}:jobInfos", f"id:{job_info_id}:jobInfos"]


def user_job_infos_tag(user_id: str) -> str:
    return f"user:{user_id}:jobInfos"


def job_info_tag(job_info_id: str) -> str:
    return f"id:{job_info_id}:jobInfos"


def session_tags(token_digest: str) -> list[str]:
    """A session read is cached under its own tag (sign-out invalidates it)
    and under every user (deleting a user ends their sessions)."""
    return [f"session:{token_digest}", "global:users"]


def interview_tags(interview_id: str, job_info_id: str) -> list[str]:
    return ["global:interviews", f"jobInfo:{job_info_id}:interviews", f"id:{interview_id}:interviews"]


def question_tags(question_id: str, job_info_id: str) -> list[str]:
    return ["global:questions", f"jobInfo:{job_info_id}:questions", f"id:{question_id}:questions"]


def interview_tag(interview_id: str) -> str:
    return f"id:{interview_id}:interviews"


def job_info_interviews_tag(job_info_id: str) -> str:
    return f"jobInfo:{job_info_id}:interviews"


def job_info_questions_tag(job_info_id: str) -> str:
    return f"jobInfo:{job_info_id}:questions"


def resume_analysis_tags(analysis_id: str, job_info_id: str) -> list[str]:
    return ["global:resumeAnalyses", f"jobInfo:{job_info_id}:resumeAnalyses", f"id:{analysis_id}:resumeAnalyses"]


def job_info_resume_analyses_tag(job_info_id: str) -> str:
    return f"jobInfo:{job_info_id}:resumeAnalyses"
