"""The offline coach's resume analysis: what a job seeker reads after
uploading a resume for a job."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.ai.offline.resume import analyze_resume
from adapters.ai.offline.skills import extract_skills
from core.domain import CategoryAnalysis, ExperienceLevel, FeedbackType, JobContext, ResumeAnalysis

SENIOR_PYTHON_JOB = JobContext(
    name="Acme backend",
    title="Senior Backend Engineer",
    experience_level=ExperienceLevel.SENIOR,
    description=(
        "We are hiring a senior backend engineer to design and scale our Python services. "
        "You will own PostgreSQL schema design and query tuning, build REST APIs with Django, "
        "run services on AWS with Docker and Kubernetes, and mentor other engineers. "
        "5+ years of experience required; Redis and Terraform are a plus."
    ),
)

STRONG_RESUME = """Jane Doe
Senior Backend Engineer
jane.doe@example.com | +44 20 7946 0958 | linkedin.com/in/janedoe | github.com/janedoe

Summary
Senior backend engineer with 8 years of experience building Python services on PostgreSQL
for payments and logistics, and leading small teams.

Experience
Senior Backend Engineer, Payly — Mar 2020 – Present
- Led the redesign of the Django payments API serving 2 million requests a day, cutting p95 latency by 45%.
- Tuned PostgreSQL queries and indexes, reducing database CPU by 30% and saving $40k a year.
- Migrated 14 services to Docker and Kubernetes on AWS with zero downtime.
- Mentored 5 engineers and introduced code review guidelines adopted by 3 teams.
- Built a Redis-backed rate limiter that blocked 99% of abusive traffic.
- Designed the event schema for a ledger that reconciles 300,000 transactions a night.

Backend Engineer, Shipfast — Jan 2016 – Feb 2020
- Built REST APIs in Python and Django for a fleet of 1,200 delivery vans.
- Automated infrastructure with Terraform, reducing environment setup from 2 days to 1 hour.
- Designed a PostgreSQL partitioning scheme for 4 TB of tracking data.
- Shipped a route-planning service that cut fuel costs by 12%.

Education
BSc Computer Science, University of Leeds — 2012 – 2015

Skills
Python, Django, PostgreSQL, Redis, Docker, Kubernetes, AWS, Terraform, REST APIs, Git
"""

WEAK_RESUME = """John Smith

Objective
I am looking for a job where I can use my skills.

Work history
Developer at Some Company
- Responsible for working on the website and helped the the team with various tasks.
- Worked on bug fixes.
- I was involved in meetings and assisted with testing of the application when required.

Skills
Java, HTML
"""


def skill(name: str) -> str:
    """The taxonomy's canonical name for a skill, however it spells it."""
    (canonical,) = extract_skills(name)
    return canonical


def items(category: CategoryAnalysis, kind: FeedbackType) -> list[str]:
    return [f"{item.name}: {item.message}" for item in category.feedback if item.type is kind]


def all_categories(analysis: ResumeAnalysis) -> list[CategoryAnalysis]:
    return [
        analysis.ats,
        analysis.job_match,
        analysis.writing_and_formatting,
        analysis.keyword_coverage,
        analysis.other,
    ]


def test_names_the_skills_the_resume_is_missing():
    resume = STRONG_RESUME.replace("PostgreSQL", "MySQL").replace("Kubernetes", "Nomad")

    analysis = analyze_resume(SENIOR_PYTHON_JOB, resume)

    coverage = analysis.keyword_coverage
    improvements = " ".join(
        items(coverage, FeedbackType.MAJOR_IMPROVEMENT) + items(coverage, FeedbackType.MINOR_IMPROVEMENT)
    )
    assert skill("PostgreSQL") in improvements
    assert skill("Kubernetes") in improvements
    assert skill("PostgreSQL") in coverage.summary
    assert skill("Python") not in improvements
    assert skill("Python") in " ".join(items(coverage, FeedbackType.STRENGTH))
    assert coverage.score < 10


def test_a_resume_with_every_skill_covers_the_keywords():
    analysis = analyze_resume(SENIOR_PYTHON_JOB, STRONG_RESUME)

    assert analysis.keyword_coverage.score == 10
    assert not items(analysis.keyword_coverage, FeedbackType.MAJOR_IMPROVEMENT)


def test_a_strong_resume_scores_above_a_weak_one():
    strong = analyze_resume(SENIOR_PYTHON_JOB, STRONG_RESUME)
    weak = analyze_resume(SENIOR_PYTHON_JOB, WEAK_RESUME)

    assert strong.overall_score >= 8
    assert weak.overall_score <= 4
    for better, worse in zip(all_categories(strong), all_categories(weak), strict=True):
        assert better.score > worse.score


def test_the_weak_resume_is_told_what_to_fix():
    analysis = analyze_resume(SENIOR_PYTHON_JOB, WEAK_RESUME)

    ats = " ".join(items(analysis.ats, FeedbackType.MAJOR_IMPROVEMENT))
    assert "email" in ats
    assert "date" in ats
    writing = " ".join(
        items(analysis.writing_and_formatting, FeedbackType.MAJOR_IMPROVEMENT)
        + items(analysis.writing_and_formatting, FeedbackType.MINOR_IMPROVEMENT)
    )
    assert "“responsible for”" in writing
    assert "Worked on bug fixes" in writing  # quoted as a bullet without a number
    assert "“I”" in writing
    other = " ".join(items(analysis.other, FeedbackType.MINOR_IMPROVEMENT))
    assert "“the the”" in other


def test_the_strong_resume_hears_what_works():
    analysis = analyze_resume(SENIOR_PYTHON_JOB, STRONG_RESUME, this_year=2024)

    assert any("Experience" in s for s in items(analysis.ats, FeedbackType.STRENGTH))
    assert any("8 years" in s for s in items(analysis.job_match, FeedbackType.STRENGTH))
    assert any("backend engineer" in s for s in items(analysis.job_match, FeedbackType.STRENGTH))
    assert any("45%" in s for s in items(analysis.writing_and_formatting, FeedbackType.STRENGTH))


def test_a_senior_job_flags_too_little_experience():
    resume = (
        STRONG_RESUME.replace("8 years", "2 years")
        .replace("Jan 2016 – Feb 2020", "Jan 2019 – Feb 2020")
        .replace("Mar 2020 – Present", "Mar 2020 – Jan 2021")
    )

    analysis = analyze_resume(SENIOR_PYTHON_JOB, resume)

    flagged = items(analysis.job_match, FeedbackType.MAJOR_IMPROVEMENT)
    assert any("2 years" in s and "senior" in s for s in flagged)


def test_skills_only_listed_are_asked_to_be_demonstrated():
    resume = STRONG_RESUME.replace("Terraform, reducing", "shell scripts, reducing")

    analysis = analyze_resume(SENIOR_PYTHON_JOB, resume)

    listed_only = [
        s for s in items(analysis.keyword_coverage, FeedbackType.MINOR_IMPROVEMENT) if "only in" in s
    ]
    assert listed_only and skill("Terraform") in listed_only[0]


def test_a_job_without_known_skills_falls_back_to_its_frequent_terms():
    job = JobContext(
        name="Bakery",
        title="Pastry Chef",
        experience_level=ExperienceLevel.MID_LEVEL,
        description="Pastry chef for croissants, sourdough and laminated dough. Croissants daily; sourdough weekly.",
    )
    resume = "Pastry chef making sourdough every morning.\njane@example.com"

    analysis = analyze_resume(job, resume)

    assert "croissants" in analysis.keyword_coverage.summary
    assert "sourdough" not in analysis.keyword_coverage.summary.split("missing")[-1]


def test_the_analysis_is_deterministic():
    assert analyze_resume(SENIOR_PYTHON_JOB, STRONG_RESUME) == analyze_resume(
        SENIOR_PYTHON_JOB, STRONG_RESUME
    )


@settings(max_examples=150, deadline=None)
@given(
    st.text(max_size=3000)
    | st.lists(
        st.sampled_from(
            [
                "Experience",
                "SKILLS",
                "Education:",
                "- Led a team of 5",
                "• helped with things",
                "Jan 2020 – Present",
                "01/2019 - 2021",
                "I I did my work",
                "jane@example.com",
                "+1 (555) 010-9999",
                "Python, PostgreSQL",
                "\uf0b7 Built it",
                "x" * 500,
                "word " * 120,
            ]
        ),
        max_size=60,
    ).map("\n".join),
    st.sampled_from(list(ExperienceLevel)),
)
def test_any_text_gives_a_valid_analysis(text, level):
    job = JobContext("Job", None, level, SENIOR_PYTHON_JOB.description)

    analysis = analyze_resume(job, text)

    assert 0 <= analysis.overall_score <= 10
    for category in all_categories(analysis):
        assert 0 <= category.score <= 10
        assert category.summary


def test_a_role_held_until_present_counts_up_to_this_year():
    resume = STRONG_RESUME.replace("8 years", "many years").replace(
        "Jan 2016 – Feb 2020", "Jan 2019 – Feb 2020"
    )

    analysis = analyze_resume(SENIOR_PYTHON_JOB, resume, this_year=2026)

    assert any("About 7 years" in s for s in items(analysis.job_match, FeedbackType.STRENGTH))
