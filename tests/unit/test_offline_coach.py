"""The offline coach: its question bank, skill extraction, question selection,
answer grading and mock interviewer, through the ``Coach`` port where a user
meets them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.ai.offline import OfflineCoach
from adapters.ai.offline.bank import QuestionBank, fits_family, load_bank
from adapters.ai.offline.skills import SYSTEM_DESIGN, extract_skills
from core.domain import Difficulty, ExperienceLevel, JobContext, Speaker, TranscriptEntry
from core.errors import AiFailed

FEEDBACK_SHAPE = re.compile(
    r"\A## Feedback \(Rating: (?P<rating>\d+)/10\)\n\n(?P<feedback>.+?)"
    r"\n\n---\n\n## Correct Answer\n\n(?P<answer>.+)\Z",
    re.DOTALL,
)

SENIOR_PYTHON = JobContext(
    name="Platform team",
    title="Senior Backend Engineer",
    experience_level=ExperienceLevel.SENIOR,
    description=(
        "We are looking for a senior Python engineer to design and run our APIs. You will "
        "model data in PostgreSQL, tune Postgres queries and mentor other engineers. "
        "Strong Python skills and good communication are a must."
    ),
)

NOW = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)

coach = OfflineCoach()
bank = load_bank()


def ask(job: JobContext, difficulty: Difficulty, previous: list[str]) -> str:
    return "".join(coach.question(job, difficulty, previous))


def feedback(question: str, answer: str) -> tuple[int, str, str]:
    text = "".join(coach.answer_feedback(SENIOR_PYTHON, question, answer))
    match = FEEDBACK_SHAPE.match(text)
    assert match is not None, text
    return int(match["rating"]), match["feedback"], match["answer"]


# --- the bank ----------------------------------------------------------------


@pytest.mark.parametrize(
    "skill",
    [
        "Python", "JavaScript", "TypeScript", "Java", "Go", "SQL", "PostgreSQL", "React",
        "Node.js", "Docker", "Kubernetes", "AWS", "Git", "REST APIs", "HTTP",
        "Data Structures & Algorithms", "Testing", "Security", "Linux", "Behavioral",
        SYSTEM_DESIGN,
    ],
)
def test_the_bank_covers_common_technologies(skill):
    questions = [q for q in bank.questions if skill in q.skills]
    assert len(questions) >= 8
    assert len({q.difficulty for q in questions}) >= 2


# --- skill extraction --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("Experience with Postgres is required", "PostgreSQL"),
        ("You know your way around psql", "PostgreSQL"),
        ("We deploy on k8s", "Kubernetes"),
        ("Modern JS and TS", "JavaScript"),
        ("Modern JS and TS", "TypeScript"),
        ("Amazon Web Services experience", "AWS"),
        ("csharp or java", "C#"),
        ("Services in golang", "Go"),
        ("Services in Go and Rust", "Go"),
        ("nodejs backend", "Node.js"),
        ("ASP.NET Core and .NET 8", ".NET"),
        ("PYTHON and DJANGO", "Python"),
    ],
)
def test_aliases_give_canonical_skills(text, skill):
    assert skill in extract_skills(text)


def test_matching_respects_word_boundaries():
    assert extract_skills("A good team that goes the extra mile") == []
    assert "Java" not in extract_skills("JavaScript and TypeScript")
    assert extract_skills("Strong C++ and C# skills") == ["C++", "C#"]
    assert extract_skills("the rest of the team will react quickly") == []


def test_skills_come_in_order_of_relevance():
    text = "Kubernetes is nice. Python, Python and more Python. Some SQL. Python again."
    assert extract_skills(text) == ["Python", "Kubernetes", "SQL"]


# --- questions ---------------------------------------------------------------


@pytest.mark.parametrize("difficulty", list(Difficulty))
def test_questions_for_a_senior_python_job_fit_it_and_never_repeat(difficulty):
    previous: list[str] = []
    for _ in range(30):
        previous.append(ask(SENIOR_PYTHON, difficulty, previous))
    asked = [bank.find(markdown) for markdown in previous]
    assert all(q is not None for q in asked)
    assert len({q.id for q in asked}) == 30
    for question in asked:
        assert ExperienceLevel.SENIOR in question.levels
        assert question.general or {"Python", "PostgreSQL", "SQL"} & set(question.skills)
    assert sum("Python" in q.skills for q in asked) >= 5
    assert sum("PostgreSQL" in q.skills for q in asked) >= 5


def test_questions_are_deterministic_and_come_in_chunks():
    chunks = list(coach.question(SENIOR_PYTHON, Difficulty.HARD, []))
    assert len(chunks) > 1
    assert "".join(chunks) == ask(SENIOR_PYTHON, Difficulty.HARD, [])
    question = bank.find("".join(chunks))
    assert question is not None and question.text in "".join(chunks)
    assert question.answer not in "".join(chunks)


def test_a_job_of_no_known_family_gets_only_role_neutral_questions():
    job = JobContext("Shop", "Store manager", ExperienceLevel.JUNIOR, "Run a friendly shop.")
    previous: list[str] = []
    for _ in range(5):
        previous.append(ask(job, Difficulty.EASY, previous))
    assert all({"any", "general"} & bank.find(m).roles for m in previous)


def test_every_question_that_fits_the_job_is_used_before_failing_and_nothing_repeats():
    fitting = [q for q in bank.questions if fits_family(q, "software")]
    previous: list[str] = []
    for _ in range(len(fitting)):
        previous.append(ask(SENIOR_PYTHON, Difficulty.MEDIUM, previous))
    assert {bank.find(m).id for m in previous} == {q.id for q in fitting}
    with pytest.raises(AiFailed) as failure:
        ask(SENIOR_PYTHON, Difficulty.MEDIUM, previous)
    assert failure.value.message == "Failed to generate question"


def test_a_small_bank_runs_out_with_ai_failed():
    small = OfflineCoach(QuestionBank.of(bank.questions[:3]))
    previous: list[str] = []
    for _ in range(3):
        previous.append("".join(small.question(SENIOR_PYTHON, Difficulty.EASY, previous)))
    with pytest.raises(AiFailed):
        list(small.question(SENIOR_PYTHON, Difficulty.EASY, previous))


# --- grading -----------------------------------------------------------------

LIST_VS_TUPLE = (
    "What is the difference between a list and a tuple in Python, and when would you use each?"
)
GOOD_LIST_ANSWER = (
    "A list is mutable: you can append, remove or change its elements after creating it. A "
    "tuple is immutable, so once created it cannot be changed. Because tuples are hashable "
    "when their items are, they can be used as dict keys or stored in a set, which lists "
    "cannot. For example, I use a list for a collection that grows, like orders I append to, "
    "and a tuple for a fixed record such as a (latitude, longitude) pair or to return two "
    "values from a function. Tuples are also slightly faster and smaller."
)
OFF_TOPIC = "I enjoy cooking pasta on weekends and hiking in the mountains with my family."


def test_a_good_answer_rates_high_and_beats_empty_and_off_topic_ones():
    good, _, model = feedback(f"### {LIST_VS_TUPLE}", GOOD_LIST_ANSWER)
    empty, _, _ = feedback(LIST_VS_TUPLE, "")
    off, off_text, _ = feedback(LIST_VS_TUPLE, OFF_TOPIC)
    assert good >= 7
    assert empty <= 3 and off <= 3
    assert good > empty and good > off
    assert model == bank.find(LIST_VS_TUPLE).answer
    assert "not seem to be about the question" in off_text


def test_feedback_names_covered_and_missed_key_points():
    rating, text, _ = feedback(LIST_VS_TUPLE, "Lists are mutable and tuples are immutable.")
    assert "Lists are mutable" in text.split("**What was missing**")[0]
    assert "Tuples are hashable and can be dictionary keys" in text.split("**What was missing**")[1]
    assert rating <= 4


def test_a_good_behavioural_answer_rates_high():
    question = (
        "Tell me about a time you disagreed with a teammate or manager. How did you handle it?"
    )
    answer = (
        "In my previous job a senior teammate wanted to rewrite our billing service from "
        "scratch, while I thought we should refactor it step by step. First I asked him to "
        "walk me through his reasons and listened to understand his view. Then I collected "
        "data: 80% of incidents came from two modules. We discussed it respectfully with our "
        "manager and reached a compromise: rewrite those two modules and refactor the rest, "
        "and I committed to that decision. The outcome was that incidents dropped by half "
        "within three months, and I learned that evidence makes disagreements easier."
    )
    good, _, _ = feedback(question, answer)
    vague, _, _ = feedback(question, "I would just talk to them.")
    assert good >= 7 and vague <= 3


def test_a_question_from_elsewhere_is_graded_on_its_own_terms_and_says_so():
    question = "**Question:** How does consistent hashing help when adding cache nodes?"
    rating, text, answer = feedback(
        question,
        "Consistent hashing places cache nodes and keys on a ring, so adding nodes only moves "
        "the keys between the new node and its neighbour instead of rehashing everything. "
        "For example, with 10 nodes adding one moves about 1/11 of the keys.",
    )
    assert "not in the offline coach's question bank" in text
    assert "no model answer" in answer
    assert 1 <= rating <= 10
    off, _, _ = feedback(question, OFF_TOPIC)
    assert off < rating and off <= 3


@settings(max_examples=150, deadline=None)
@given(
    answer=st.text(max_size=600),
    question=st.sampled_from([LIST_VS_TUPLE, "Why is the sky blue?", "", "What is C++?"]),
)
def test_any_answer_gets_an_integer_rating_and_the_feedback_shape(answer, question):
    chunks = list(coach.answer_feedback(SENIOR_PYTHON, question, answer))
    assert len(chunks) > 1
    match = FEEDBACK_SHAPE.match("".join(chunks))
    assert match is not None
    assert 1 <= int(match["rating"]) <= 10
    assert match["rating"] == str(int(match["rating"]))


# --- the mock interviewer ----------------------------------------------------


def run_interview(job: JobContext, answers: list[str], turns: int = 40) -> list[str]:
    transcript: list[TranscriptEntry] = []
    lines: list[str] = []
    for turn in range(turns):
        line = coach.interviewer_turn(job, transcript)
        lines.append(line)
        transcript.append(TranscriptEntry(Speaker.INTERVIEWER, line, NOW))
        if "end of the interview" in line:
            break
        transcript.append(TranscriptEntry(Speaker.CANDIDATE, answers[turn % len(answers)], NOW))
    return lines


def asked_in(lines: list[str]) -> list[str]:
    return [q.id for line in lines for q in bank.mentioned_in(line)]


def test_the_interviewer_greets_asks_follows_up_and_closes_without_repeating():
    lines = run_interview(SENIOR_PYTHON, ["Not sure.", GOOD_LIST_ANSWER])
    assert lines[0].startswith("Hello") and "Senior Backend Engineer" in lines[0]
    assert len(asked_in(lines[:1])) == 1
    assert "concrete" in lines[1] and not asked_in(lines[1:2])  # follow-up on "Not sure."
    asked = asked_in(lines)
    assert len(asked) == len(set(asked)) == 6
    assert "end of the interview" in lines[-1]


def test_after_closing_the_interviewer_only_says_goodbye():
    lines = run_interview(SENIOR_PYTHON, [GOOD_LIST_ANSWER])
    transcript = [TranscriptEntry(Speaker.INTERVIEWER, line, NOW) for line in lines]
    after = coach.interviewer_turn(SENIOR_PYTHON, transcript)
    assert "interview is over" in after and not asked_in([after])


def test_the_interviewer_is_deterministic():
    answers = ["I used Python and PostgreSQL for years, for example at my last job."]
    assert run_interview(SENIOR_PYTHON, answers) == run_interview(SENIOR_PYTHON, answers)


def test_the_interviewer_waits_then_moves_on_when_nobody_answers():
    first = coach.interviewer_turn(SENIOR_PYTHON, [])
    transcript = [TranscriptEntry(Speaker.INTERVIEWER, first, NOW)]
    nudge = coach.interviewer_turn(SENIOR_PYTHON, transcript)
    assert "Take your time" in nudge and not asked_in([nudge])
    transcript.append(TranscriptEntry(Speaker.INTERVIEWER, nudge, NOW))
    moved_on = coach.interviewer_turn(SENIOR_PYTHON, transcript)
    assert asked_in([moved_on]) and set(asked_in([moved_on])).isdisjoint(asked_in([first]))


@settings(max_examples=40, deadline=None)
@given(
    answers=st.lists(st.text(max_size=300), min_size=1, max_size=5),
    level=st.sampled_from(list(ExperienceLevel)),
)
def test_any_interview_ends_within_bounds_and_never_repeats(answers, level):
    job = JobContext("Web", "Full-stack developer", level, "React, Node.js and SQL; Docker.")
    lines = run_interview(job, answers)
    asked = asked_in(lines)
    assert len(asked) == len(set(asked)) <= 6
    assert "end of the interview" in lines[-1]
    assert len(lines) <= 2 * 6 + 1
