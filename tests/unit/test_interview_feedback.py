"""The offline coach's feedback on a mock interview, computed from the
transcript: ratings a candidate can trust and quotes of their own words."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.ai.offline.interview import interview_feedback
from adapters.ai.offline.skills import extract_skills
from core.domain import ExperienceLevel, JobContext, Speaker, TranscriptEntry
from core.errors import NotCompleted
from core.speech import Filler, SpeechMetrics

JOB = JobContext(
    name="Acme backend",
    title="Senior Backend Engineer",
    experience_level=ExperienceLevel.SENIOR,
    description=(
        "Senior backend engineer for our Python services on PostgreSQL. You will design REST "
        "APIs with Django, run them on AWS and mentor other engineers."
    ),
)

CATEGORIES = [
    "Communication Clarity",
    "Confidence",
    "Response Quality",
    "Pacing and Timing",
    "Engagement",
    "Role Fit",
    "Strengths and Areas to Improve",
]

START = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def transcript(*turns: tuple[str, float, str]) -> list[TranscriptEntry]:
    """Entries from (speaker "i" or "c", seconds after the previous line, text)."""
    entries = []
    at = START
    for who, after, text in turns:
        at += timedelta(seconds=after)
        speaker = Speaker.INTERVIEWER if who == "i" else Speaker.CANDIDATE
        entries.append(TranscriptEntry(speaker, text, at))
    return entries


STRONG = transcript(
    ("i", 0, "Tell me about a system you designed."),
    (
        "c",
        6,
        "At my last job I led the redesign of our payments API in Python and Django. First, we "
        "profiled the slow endpoints; then I moved the heavy reports to a PostgreSQL read "
        "replica. As a result, p95 latency dropped by 45% and we saved $40k a year.",
    ),
    ("i", 40, "How do you mentor junior engineers?"),
    (
        "c",
        5,
        "I mentored five engineers through weekly pairing. For example, one of them went from "
        "fixing small bugs to owning our caching layer in six months, because we agreed clear goals.",
    ),
    ("i", 30, "Do you have any questions for me?"),
    (
        "c",
        4,
        "Yes. How does the team measure success in the first six months? And what does on-call "
        "look like for backend engineers? I'm excited about the scale of this role.",
    ),
)

HESITANT = transcript(
    ("i", 0, "Tell me about a system you designed."),
    ("c", 95, "Um, I think we, like, made a website. Uh, maybe."),
    ("i", 10, "What databases have you used?"),
    ("c", 70, "Um, sort of, I guess, uh, some SQL stuff? Sorry."),
    ("i", 10, "Anything else?"),
    ("c", 3, "No, I don't know."),
)


def ratings(markdown: str) -> dict[str, int]:
    return {
        name: int(score)
        for name, score in re.findall(r"^## (.+?): (\d+)/10$", markdown, flags=re.MULTILINE)
    }


def section(markdown: str, name: str) -> str:
    match = re.search(rf"^## {re.escape(name)}: \d+/10$(.*?)(?=^## |\Z)", markdown, re.MULTILINE | re.DOTALL)
    assert match, name
    return match.group(1)


def test_starts_with_the_overall_rating_then_the_seven_categories():
    markdown = interview_feedback(JOB, STRONG)

    first_line = markdown.splitlines()[0]
    assert re.fullmatch(r"## Overall Rating: (10|[1-9])/10", first_line)
    found = ratings(markdown)
    assert list(found) == ["Overall Rating", *CATEGORIES]
    assert all(1 <= score <= 10 for score in found.values())


def test_a_strong_interview_rates_above_a_hesitant_one():
    strong = ratings(interview_feedback(JOB, STRONG))
    hesitant = ratings(interview_feedback(JOB, HESITANT))

    assert strong["Overall Rating"] >= 8
    assert hesitant["Overall Rating"] <= 4
    for name in CATEGORIES:
        assert strong[name] > hesitant[name], name


def test_quotes_the_candidate():
    markdown = interview_feedback(JOB, STRONG)

    assert "“As a result, p95 latency dropped by 45% and we saved $40k a year”" in section(
        markdown, "Response Quality"
    )
    assert "“How does the team measure success in the first six months?”" in section(
        markdown, "Engagement"
    )


def test_flags_filler_words_with_a_quote():
    clarity = section(interview_feedback(JOB, HESITANT), "Communication Clarity")

    assert "filler" in clarity
    assert "“um”" in clarity and "“uh”" in clarity
    assert "“Um, I think we, like, made a website”" in clarity


def test_flags_hedging_and_not_knowing():
    confidence = section(interview_feedback(JOB, HESITANT), "Confidence")

    assert "“I think”" in confidence
    assert "“No, I don't know”" in confidence


def test_flags_slow_responses_from_the_timestamps():
    pacing = section(interview_feedback(JOB, HESITANT), "Pacing and Timing")

    assert "95 seconds" in pacing
    assert "“Tell me about a system you designed”" in pacing
    assert "slow" in pacing


def test_a_long_answer_after_a_long_gap_is_not_slow():
    answer = " ".join(["I designed the ingestion pipeline and its PostgreSQL schema."] * 10)
    entries = transcript(("i", 0, "Walk me through a project."), ("c", 80, answer))

    pacing = section(interview_feedback(JOB, entries), "Pacing and Timing")

    assert "slow" not in pacing


def test_an_unsure_answer_is_not_counted_as_a_question_to_the_interviewer():
    engagement = section(interview_feedback(JOB, HESITANT), "Engagement")

    assert "did not ask the interviewer any questions" in engagement


def test_role_fit_names_the_job_skills_mentioned_and_missed():
    role_fit = section(interview_feedback(JOB, STRONG), "Role Fit")

    (python,) = extract_skills("Python")
    (aws,) = extract_skills("AWS")
    mentioned, _, missed = role_fit.partition("You did not mention")
    assert python in mentioned
    assert aws in missed


def test_consecutive_candidate_lines_are_one_answer_timed_from_the_question():
    entries = transcript(
        ("i", 0, "Why this role?"),
        ("c", 4, "I enjoy backend work."),
        ("c", 50, "I have built Python services for six years and I'm excited by your scale."),
    )

    markdown = interview_feedback(JOB, entries)

    assert "You gave 1 answer" in markdown
    assert "median of 4 seconds" in section(markdown, "Pacing and Timing")


@pytest.mark.parametrize(
    "entries",
    [
        [],
        transcript(("i", 0, "Hello, tell me about yourself."), ("i", 30, "Are you there?")),
        transcript(("i", 0, "Hello, tell me about yourself."), ("c", 5, "   ")),
    ],
    ids=["empty", "interviewer-only", "blank-candidate"],
)
def test_an_interview_without_the_candidate_is_not_completed(entries):
    with pytest.raises(NotCompleted):
        interview_feedback(JOB, entries)


def test_the_feedback_is_deterministic():
    assert interview_feedback(JOB, HESITANT) == interview_feedback(JOB, HESITANT)


_entry = st.builds(
    TranscriptEntry,
    st.sampled_from(list(Speaker)),
    st.text(max_size=300)
    | st.sampled_from(["Um, like, I think so?", "What is the team like?", "I led 3 teams.", ""]),
    st.datetimes(timezones=st.sampled_from([UTC]))
    | st.datetimes(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_entry, max_size=12))
def test_any_transcript_gives_feedback_or_not_completed(entries):
    try:
        markdown = interview_feedback(JOB, entries)
    except NotCompleted:
        assert not any(e.speaker is Speaker.CANDIDATE and e.text.strip() for e in entries)
        return
    assert list(ratings(markdown)) == ["Overall Rating", *CATEGORIES]


def _spoken(entries: list[TranscriptEntry], wpm: float, pauses: list[float], fillers: int) -> list[TranscriptEntry]:
    """The same transcript, each candidate line spoken at ``wpm`` with these
    long pauses and this many fillers heard (as sendInterviewAudio stores)."""
    spoken = []
    for entry in entries:
        if entry.speaker is Speaker.CANDIDATE:
            words = len(entry.text.split())
            speaking = 60 * words / wpm
            metrics = SpeechMetrics(
                audio_seconds=speaking + sum(pauses) + 1, speaking_seconds=speaking, response_delay_seconds=1.0,
                words=words, words_per_minute=wpm, long_pauses=list(pauses), filler_words=fillers,
                fillers=[Filler("um", fillers)] if fillers else [],
            )
            entry = TranscriptEntry(entry.speaker, entry.text, entry.at, metrics)
        spoken.append(entry)
    return spoken


def test_spoken_answers_are_paced_from_the_audio_in_words_per_minute():
    comfortable = interview_feedback(JOB, _spoken(STRONG, 140, [], 0))
    rushed = interview_feedback(JOB, _spoken(STRONG, 230, [3.5, 4.0, 5.0, 6.0], 0))

    pacing = section(comfortable, "Pacing and Timing")
    assert "about 140 words per minute" in pacing
    assert "about 230 words per minute" in section(rushed, "Pacing and Timing")
    assert "12 long pauses" in section(rushed, "Pacing and Timing")  # four in each of three answers
    assert ratings(comfortable)["Pacing and Timing"] > ratings(rushed)["Pacing and Timing"]
    assert "words per minute" not in section(interview_feedback(JOB, STRONG), "Pacing and Timing")  # typed


def test_fillers_heard_in_the_audio_lower_confidence():
    sure = interview_feedback(JOB, _spoken(STRONG, 140, [], 0))
    unsure = interview_feedback(JOB, _spoken(STRONG, 140, [], 6))

    assert "per 100 words" in section(unsure, "Confidence")
    assert ratings(sure)["Confidence"] > ratings(unsure)["Confidence"]
