"""The offline coach's resume analysis: deterministic checks a recruiter or an
applicant tracking system (ATS) would make, scored per category.

``analyze_resume`` reads the resume as plain text (``reading``), compares it
with the job's skills or requirement terms (``keywords``), and scores ATS
structure (``ats``), writing (``writing``), job match (``match``) and smaller
issues (``other``). Fit gates the overall score: a resume that covers little
of the job, or is for another profession, cannot score well overall however
well it is written. A resume not in English is recognised and told so.
"""

from __future__ import annotations

from datetime import UTC, datetime

import attrs

from adapters.ai.offline.resume.ats import ats
from adapters.ai.offline.resume.keywords import Coverage, coverage_of, keyword_coverage
from adapters.ai.offline.resume.language import language_of
from adapters.ai.offline.resume.match import job_match
from adapters.ai.offline.resume.other import other
from adapters.ai.offline.resume.reading import MINOR, clamp, feedback_item, read_resume
from adapters.ai.offline.resume.writing import writing
from adapters.ai.offline.roles import GENERAL, engineering, family_name, family_of
from adapters.ai.offline.text import capped
from core.domain import CategoryAnalysis, JobContext, ResumeAnalysis

WEIGHTS = {
    "keyword_coverage": 0.25,
    "job_match": 0.25,
    "ats": 0.2,
    "writing_and_formatting": 0.2,
    "other": 0.1,
}
_OTHER_PROFESSION = 4
"""The most a resume for another profession scores overall."""
_NEAR_PROFESSION = 6
"""The most a resume from a neighbouring engineering family scores overall."""


def fit_cap(job: JobContext, resume_text: str, coverage: Coverage) -> tuple[int, str | None]:
    """The highest overall score the resume's fit allows, and why (None when
    fit does not limit it): 3 plus up to 7 for the share of the job's skills
    it covers, and at most 4 for a resume of another profession."""
    cap = 10.0
    if coverage.wanted:
        cap = 3 + 7 * coverage.share
    job_family = family_of(job.title or job.name, job.description)
    resume_family = family_of(None, resume_text)
    reason = None
    if GENERAL not in (job_family, resume_family) and job_family != resume_family:
        near = {job_family, resume_family} <= engineering()
        cap = min(cap, _NEAR_PROFESSION if near else _OTHER_PROFESSION)
        reason = (
            f"This resume reads as {family_name(resume_family)} experience, while the job is in "
            f"{family_name(job_family)}"
        )
    elif coverage.wanted and coverage.share < 0.5:
        reason = f"This resume covers only {len(coverage.found)} of the {len(coverage.wanted)} things the job asks for"
    return int(cap), reason


def analyze_resume(job: JobContext, resume_text: str, *, this_year: int | None = None) -> ResumeAnalysis:
    """Score the resume against the job in five categories and overall, 0–10.
    ``this_year`` (default: the current year) is what “Present” means in a
    role's dates."""
    this_year = this_year or datetime.now(UTC).year
    text = capped(resume_text)
    resume = read_resume(text)
    coverage = coverage_of(job, resume)
    categories = {
        "ats": ats(job, resume),
        "job_match": job_match(job, resume, coverage, this_year),
        "writing_and_formatting": writing(resume),
        "keyword_coverage": keyword_coverage(coverage, resume),
        "other": other(coverage, resume),
    }
    language = language_of(text)
    if language != "English":
        categories["other"] = _with_note(
            categories["other"],
            f"Resume in {language}",
            f"This resume appears to be written in {language}. The checks here are built for English, "
            "so wording, verbs and keywords may be judged unfairly; dates and structure were still "
            "read. If the job is advertised in English, send an English resume.",
        )
    overall = sum(WEIGHTS[name] * category.score for name, category in categories.items())
    cap, reason = fit_cap(job, text, coverage)
    if reason is not None and overall > cap:
        categories["job_match"] = _with_note(
            categories["job_match"],
            "Fit limits the overall score",
            f"{reason}, so the overall score is held at {cap}/10 however well the resume is written.",
        )
    return ResumeAnalysis(overall_score=clamp(min(overall, cap)), **categories)


def _with_note(category: CategoryAnalysis, name: str, message: str) -> CategoryAnalysis:
    return attrs.evolve(category, feedback=[feedback_item(MINOR, name, message), *category.feedback][:50])
