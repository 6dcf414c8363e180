"""No input crashes the offline coach, and its work grows at most linearly
with the input. Work is measured deterministically, as the Python bytecode
instructions executed (``sys.settrace`` with opcode events), never by the
clock; the patterns it runs on user text are checked for the nested
quantifiers that make a regular expression super-linear."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.ai.offline import OfflineCoach
from core.domain import Difficulty, ExperienceLevel, JobContext, Speaker, TranscriptEntry
from core.errors import NotCompleted

coach = OfflineCoach()
JOB = JobContext("Ward 4", "Registered Nurse", ExperienceLevel.MID_LEVEL,
                 "Patient assessment, triage, medication administration, SBAR handover.")
BACKEND = JobContext("Payly", "Backend Engineer", ExperienceLevel.SENIOR, "Python, Kubernetes and PostgreSQL.")
SECRETS = "How do ConfigMaps and Secrets work in Kubernetes?"
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def operations(call: Callable[[], object]) -> int:
    """Bytecode instructions executed by ``call`` (and what it calls)."""
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        frame.f_trace_opcodes = True
        if event == "opcode":
            count += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


def interview(text: str) -> list[TranscriptEntry]:
    return [TranscriptEntry(Speaker.INTERVIEWER, f"Next question: {SECRETS}", NOW),
            TranscriptEntry(Speaker.CANDIDATE, text, NOW + timedelta(seconds=30))]


def feedback_on(text: str) -> str:
    try:
        return "".join(coach.interview_feedback(BACKEND, interview(text)))
    except NotCompleted:
        assert not text.strip()  # only an interview where the candidate said nothing
        return ""


ENTRY_POINTS: dict[str, Callable[[str], object]] = {
    "answer_feedback": lambda text: "".join(coach.answer_feedback(BACKEND, SECRETS, text)),
    "custom_question": lambda text: "".join(coach.answer_feedback(JOB, text, text)),
    "analyze_resume": lambda text: coach.analyze_resume(JOB, text),
    "interview_feedback": feedback_on,
    "interviewer_turn": lambda text: coach.interviewer_turn(BACKEND, interview(text)),
    "question": lambda text: "".join(coach.question(BACKEND, Difficulty.MEDIUM, text.splitlines())),
}

units = st.text(
    alphabet=st.sampled_from("aeiou tnrsl.,;:!?-\n0123456789I'%$()/@#+") | st.characters(max_codepoint=0x2FFF),
    min_size=1,
    max_size=40,
) | st.sampled_from([
    "Secrets are encrypted, so committing them is safe. ",
    "I led the team and we cut costs by 40% in 2021. ",
    "jan" * 10, "1" * 30, "a@b." * 5, "- triage\n",
])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit=units, entry=st.sampled_from(sorted(ENTRY_POINTS)))
def test_work_grows_at_most_linearly_with_the_input(unit, entry):
    run = ENTRY_POINTS[entry]
    small, large = unit * 25, unit * 100
    run(small)  # warm the caches (stems, the bank) so that both runs compare like with like
    run(large)
    assert operations(lambda: run(large)) <= 6 * operations(lambda: run(small)) + 20_000


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=2000))
def test_no_input_crashes_the_coach(text):
    for run in ENTRY_POINTS.values():
        run(text)


NESTED = re.compile(r"\((?:[^()\\]|\\.)*(?:[+*]|,\})\)(?:[+*]|\{\d*,\})")
"""A group that ends in an unbounded repetition and is itself repeated
without bound: (a+)+, (\\s*x)*, (x{2,})+."""


def test_no_pattern_of_the_coach_nests_unbounded_repetitions():
    root = Path(__file__).resolve().parents[2] / "adapters" / "ai" / "offline"
    found = []
    for path in root.rglob("*.py"):
        for literal in re.findall(r'r"((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8")):
            if NESTED.search(literal):
                found.append((path.name, literal))
    assert found == []
