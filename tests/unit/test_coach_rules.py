"""The rules of issue 11 that a user of the offline coach relies on: the job's
role family decides what is asked, answers are judged on correctness and
stories on their structure, custom questions are graded honestly, and the
interviewer reacts to what was actually said. Most cases use a small bank of
their own so that they do not depend on the shipped content."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.ai.offline import OfflineCoach
from adapters.ai.offline.bank import JobProfile, QuestionBank, load_bank
from adapters.ai.offline.bank.model import parse
from adapters.ai.offline.bank.selection import emphasis
from adapters.ai.offline.roles import family_of
from core.domain import Difficulty, ExperienceLevel, JobContext, Speaker, TranscriptEntry
from core.errors import AiFailed

LEVELS = ["junior", "mid-level", "senior"]
MODEL = (
    "ConfigMaps and Secrets keep configuration out of the image. A Secret is only base64 "
    "encoded, not encrypted by default, so enable encryption at rest, restrict it with RBAC "
    "and never commit it to a repository; mount either as files or environment variables."
)


def question(qid: str, text: str, kind: str, roles: list[str], skills: list[str], **extra) -> dict:
    return {
        "id": qid, "text": text, "kind": kind, "roles": roles, "skills": skills, "levels": LEVELS,
        "difficulty": extra.pop("difficulty", "medium"),
        "key_points": extra.pop("key_points", ["first point here", "second point here", "third point here"]),
        "answer": extra.pop("answer", MODEL), **extra,
    }


SECRETS = question(
    "k8s-901", "How do ConfigMaps and Secrets work in Kubernetes?", "technical", ["software"], ["Kubernetes"],
    key_points=[
        "decouple configuration from images",
        "Secret values are base64 encoded not encrypted by default",
        "mount as files or environment variables",
        "enable encryption at rest and restrict access with RBAC",
    ],
    misconceptions=[{
        "claim": "Kubernetes Secrets are encrypted, so committing them to a repository is safe",
        "cues": [["secrets", "encrypted", "safe"], ["secrets", "encrypted", "commit"]],
        "why": "Secrets are only base64 encoded; anyone who can read the manifest can decode them.",
        "contradicts": 1,
    }],
)
BANK = QuestionBank.of(parse(entry) for entry in [
    SECRETS,
    question("py-901", "What is a Python generator?", "technical", ["software", "data"], ["Python"],
             misconceptions=[{"claim": "x", "cues": [["zzz", "yyy"]], "why": "x"}]),
    question("beh-901", "Describe a challenging bug you fixed.", "behavioral", ["software", "data", "ml", "mobile"],
             ["Behavioral"]),
    question("beh-902", "Tell me about a time you disagreed with a colleague.", "behavioral", ["any"], ["Behavioral"],
             key_points=["the disagreement", "listened to their view", "outcome and learning"]),
    question("nur-901", "A patient after surgery has a heart rate of 118. What do you do first?", "situational",
             ["healthcare"], ["Behavioral"], misconceptions=[{"claim": "x", "cues": [["zzz", "yyy"]], "why": "x"}]),
])
coach = OfflineCoach(BANK)
NURSE = JobContext("St Mary's", "Registered Nurse", ExperienceLevel.MID_LEVEL,
                   "Surgical ward nurse: patient assessment, triage, medication, SBAR handover, BLS.")
BACKEND = JobContext("Payly", "Backend Engineer", ExperienceLevel.MID_LEVEL,
                     "Requirements: Python, Kubernetes and PostgreSQL. Nice to have: Redis.")


def feedback(job: JobContext, text: str, answer: str, on: OfflineCoach = coach) -> tuple[int, str]:
    markdown = "".join(on.answer_feedback(job, text, answer))
    return int(markdown.split("Rating: ")[1].split("/")[0]), markdown


# --- role families -------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "description", "family"),
    [
        ("Registered Nurse", "Ward nursing, triage and medication.", "healthcare"),
        ("Account Executive", "Own a quota; prospecting, demos and closing.", "sales"),
        ("Product Manager", "Own the roadmap, discovery and success metrics. SQL is a plus.", "product"),
        ("Staff Accountant", "Month-end close, reconciliations and journal entries under GAAP.", "finance"),
        ("Machine Learning Engineer", "Train PyTorch models and ship them.", "ml"),
        ("iOS Developer", "Build our app in Swift and SwiftUI.", "mobile"),
        ("Data Engineer", "Airflow, dbt and Spark pipelines into the warehouse.", "data"),
        ("Maths Teacher", "Lesson planning and classroom behaviour management.", "teaching"),
        ("Senior Backend Engineer", "Python services on PostgreSQL.", "software"),
        (None, "Patients, ward rounds, medication and triage, BLS certified.", "healthcare"),
        ("Store manager", "Run a friendly shop.", "general"),
    ],
)
def test_a_job_is_recognised_by_its_family(title, description, family):
    assert family_of(title, description) == family


# --- selection -----------------------------------------------------------------


def test_requirements_and_the_title_weigh_more_than_nice_to_haves():
    weights = emphasis(BACKEND)
    assert weights["Python"] > weights["Redis"] and weights["Kubernetes"] > weights["Redis"]
    titled = emphasis(JobContext("x", "Kubernetes Engineer", ExperienceLevel.SENIOR, "Python and Kubernetes."))
    assert titled["Kubernetes"] > titled["Python"]


def test_a_stressed_skill_is_asked_about_more_often():
    job = JobContext("x", "Python Developer", ExperienceLevel.MID_LEVEL,
                     "You write Python every day: Python services, Python tooling. SQL is a plus.")
    previous: list[str] = []
    for _ in range(12):
        previous.append("".join(OfflineCoach().question(job, Difficulty.MEDIUM, previous)))
    asked = [load_bank().find(m) for m in previous]
    python = sum("Python" in q.skills for q in asked)
    sql = sum("SQL" in q.skills for q in asked)
    assert python >= 2 * max(sql, 1)


def test_a_nurse_is_never_asked_an_engineering_or_software_question_and_the_pool_then_runs_out():
    previous: list[str] = []
    for _ in range(2):
        previous.append("".join(coach.question(NURSE, Difficulty.EASY, previous)))
    asked = [BANK.find(m).id for m in previous]
    assert sorted(asked) == ["beh-902", "nur-901"]
    with pytest.raises(AiFailed):
        list(coach.question(NURSE, Difficulty.EASY, previous))


def test_a_topic_is_honoured_while_the_bank_has_questions_on_it():
    real = OfflineCoach()
    for topic in ["Docker", "docker", "Git"]:
        shown = "".join(real.question(BACKEND, Difficulty.MEDIUM, [], topic=topic))
        assert topic.lower() in " ".join(load_bank().find(shown).skills).lower()
    assert "".join(real.question(BACKEND, Difficulty.MEDIUM, [], topic="knitting"))  # falls back


def test_a_long_history_of_other_questions_changes_nothing():
    noise = [f"### Some question number {i}?" for i in range(50_000)]
    plain = "".join(coach.question(BACKEND, Difficulty.MEDIUM, []))
    assert "".join(coach.question(BACKEND, Difficulty.MEDIUM, noise)) == plain
    assert JobProfile.of(BACKEND).family == "software"


# --- correctness ---------------------------------------------------------------

WRONG = (
    "ConfigMaps hold configuration and Secrets hold passwords, mounted as files or environment "
    "variables. Secret values are base64 encoded and encrypted by default, so committing the "
    "manifests to a public repository is safe and nobody can read them without the cluster key."
)


def test_a_confidently_wrong_answer_is_capped_and_told_what_is_wrong_and_why():
    rating, markdown = feedback(BACKEND, SECRETS["text"], WRONG)
    assert rating <= 3
    assert "What is wrong" in markdown and "only base64 encoded" in markdown
    praised = markdown.partition("**What you covered well**")[2].partition("**What")[0]
    assert "Secret values are base64 encoded" not in praised


@pytest.mark.parametrize(
    "sentence",
    [
        "Secrets are not encrypted by default, so committing them is never safe.",
        "A common misconception is that Secrets are encrypted and safe to commit.",
        "Are Secrets encrypted and safe to commit? No: they are only base64 encoded.",
    ],
)
def test_a_negated_or_reported_claim_is_not_taken_as_asserted(sentence):
    rating, markdown = feedback(BACKEND, SECRETS["text"], f"{MODEL} {sentence}")
    assert "What is wrong" not in markdown and rating >= 6


def test_keyword_stuffing_does_not_score():
    stuffed = ("ConfigMap, Secret, base64, encryption at rest, RBAC, etcd, Vault, volumes, files, "
               "environment variables, images, configuration, decoupling, mounts, kubelet.")
    rating, markdown = feedback(BACKEND, SECRETS["text"], stuffed)
    assert rating <= 3 and "lists terms" in markdown


STAR = (
    "At my last company our tech lead wanted to rewrite the billing service, while I thought we "
    "should refactor it step by step. I asked for a meeting and listened to his reasons. I then "
    "pulled the incident data: 80% of incidents came from two modules. I proposed rewriting those "
    "two and refactoring the rest, and we agreed. Incidents dropped by 60% within three months. "
    "I learned that data makes disagreements about the problem, not the people."
)


def test_a_strong_star_story_scores_high_and_a_vague_one_low():
    strong, markdown = feedback(BACKEND, BANK.by_id["beh-902"].text, STAR)
    vague, _ = feedback(BACKEND, BANK.by_id["beh-902"].text, "I would just talk to them and it was fine.")
    assert strong >= 8 and vague <= 3
    assert "STAR" in markdown


def test_a_reworded_bank_question_is_graded_against_it():
    _, markdown = feedback(BACKEND, "How do Kubernetes ConfigMaps and Secrets work?", WRONG)
    assert markdown.endswith(MODEL) and "What is wrong" in markdown


def test_a_custom_question_is_graded_with_the_family_rubric_and_says_so():
    rating, markdown = feedback(NURSE, "How would you handle a family member who is angry about visiting hours?",
                                "I would listen, explain the reasons calmly and offer a compromise with the ward.")
    assert "not in the offline coach's question bank" in markdown
    assert "nursing and healthcare roles" in markdown and "patient safety" in markdown
    assert 1 <= rating <= 10


# --- the interviewer -----------------------------------------------------------

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def reply(job: JobContext, asked: str, answer: str, earlier: list[str] = ()) -> str:
    transcript = [TranscriptEntry(Speaker.INTERVIEWER, "Hello. Tell me about yourself.", NOW)]
    for said in earlier:
        transcript.append(TranscriptEntry(Speaker.CANDIDATE, said, NOW))
    transcript += [TranscriptEntry(Speaker.INTERVIEWER, f"Next question: {asked}", NOW),
                   TranscriptEntry(Speaker.CANDIDATE, answer, NOW)]
    return coach.interviewer_turn(job, transcript)


def test_the_interviewer_calls_a_strong_answer_strong_and_moves_on():
    line = reply(BACKEND, BANK.by_id["beh-902"].text, STAR)
    assert "strong" in line.lower() and "concrete" not in line


def test_the_interviewer_corrects_a_wrong_answer():
    assert "One correction" in reply(BACKEND, SECRETS["text"], WRONG)


def test_a_concrete_answer_is_not_asked_to_be_concrete_again():
    answer = "At my last job we used ConfigMaps for 12 feature flags, mounted as files in every pod."
    line = reply(BACKEND, SECRETS["text"], answer)
    assert "concrete" not in line and "expand" in line


def test_a_repeated_answer_and_an_off_topic_one_are_noticed():
    assert "earlier" in reply(BACKEND, BANK.by_id["beh-902"].text, STAR, earlier=[STAR])
    off = "I really enjoy cooking pasta on weekends, hiking in the mountains and reading novels with my family."
    assert "not sure that answers" in reply(BACKEND, SECRETS["text"], off)


# --- interview feedback --------------------------------------------------------


def interview(answer: str, typed_seconds: float) -> str:
    entries, at = [], NOW
    for _ in range(3):
        entries.append(TranscriptEntry(Speaker.INTERVIEWER, f"Next question: {SECRETS['text']}", at))
        at += timedelta(seconds=typed_seconds)
        entries.append(TranscriptEntry(Speaker.CANDIDATE, answer, at))
    return "".join(coach.interview_feedback(BACKEND, entries))


def test_interview_feedback_ranks_knowledge_above_fluent_errors_and_quotes_the_right_question():
    good = interview(MODEL, 90)
    wrong = interview(WRONG, 90)
    overall = [int(m.split("Overall Rating: ")[1].split("/")[0]) for m in (good, wrong)]
    assert overall[0] > overall[1]
    quality = wrong.split("## Response Quality")[1].split("## ")[0]
    assert "“How do ConfigMaps and Secrets work in Kubernetes?”" in quality
    assert "Secret values are base64 encoded and encrypted by default" in quality


def test_typed_answers_are_not_called_slow():
    pacing = interview(MODEL, 100).split("## Pacing and Timing")[1].split("## ")[0]
    assert "slowly" not in pacing


def test_a_reply_to_a_follow_up_counts_with_the_answer_it_completes():
    entries = [
        TranscriptEntry(Speaker.INTERVIEWER, f"Next question: {SECRETS['text']}", NOW),
        TranscriptEntry(Speaker.CANDIDATE, "They hold configuration.", NOW),
        TranscriptEntry(Speaker.INTERVIEWER, "Could you expand on that a little?", NOW),
        TranscriptEntry(Speaker.CANDIDATE, MODEL, NOW),
    ]
    markdown = "".join(coach.interview_feedback(BACKEND, entries))
    assert "You gave 1 answer" in markdown
