"""How well the offline coach does its job, measured on the labelled set in
``coach_eval_set.py`` through the ``Coach`` port only (so it runs on any
version of the coach):

- question relevance per role family by a keyword oracle (first 10 questions
  for each job), and off-role questions among 60 generated for each
  non-engineering family;
- grading: Spearman rank correlation of ratings with the labels (pooled),
  how often a confidently wrong answer scores above a mediocre one, the
  share of confidently wrong answers rated <= 3, and STAR stories;
- a mock interview's overall rating for a knowledgeable, a fluent-but-wrong
  and an honest weak candidate;
- resumes against matching and non-matching jobs (overall scores);
- the cost of ``question()`` with a long history, as a ratio.

Run from the repository: ``python benchmarks/coach_eval.py`` (a few seconds
to a minute). It prints figures; it asserts nothing.
"""

from __future__ import annotations

import json
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from coach_eval_set import (  # noqa: E402
    ANSWERS,
    ENGINEERING,
    GENERIC,
    HELD_OUT_WRONG,
    INTERVIEW_QUESTIONS,
    JOBS,
    LABELS,
    ORACLE,
    RESUME_JOBS,
    RESUMES,
    STAR,
)

from adapters.ai.offline import OfflineCoach  # noqa: E402
from core.domain import Difficulty, ExperienceLevel, JobContext, Speaker, TranscriptEntry  # noqa: E402
from core.errors import AiFailed  # noqa: E402

RATING = re.compile(r"Rating: (\d+)/10")
coach = OfflineCoach()


def bank_texts() -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in sorted((ROOT / "adapters/ai/offline/data").glob("questions-*.json")):
        for entry in json.loads(path.read_text(encoding="utf-8")):
            texts[entry["id"]] = entry["text"]
    return texts


def job_context(job: dict[str, str]) -> JobContext:
    return JobContext(job["name"], job["title"], ExperienceLevel(job["level"]), job["description"])


def _hit(text: str, word: str) -> bool:
    if word.endswith("*"):
        return re.search(rf"(?<![a-z0-9]){re.escape(word[:-1])}", text) is not None
    return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?:s|es)?(?![a-z0-9])", text) is not None


def classify(family: str, markdown: str) -> str:
    """on / neutral / off for a question shown to a job of ``family``."""
    text = " ".join(line for line in markdown.lower().splitlines() if not line.startswith("_"))
    if any(_hit(text, w) for w in ORACLE[family]):
        return "on"
    others = [
        f for f in ORACLE if f != family and any(_hit(text, w) for w in ORACLE[f] if w not in GENERIC)
    ]
    return "off" if others else "neutral"


def questions(job: JobContext, count: int) -> list[str]:
    asked: list[str] = []
    difficulties = [Difficulty.MEDIUM, Difficulty.EASY, Difficulty.HARD]
    for i in range(count):
        try:
            asked.append("".join(coach.question(job, difficulties[i % 3], asked)))
        except AiFailed:
            break
    return asked


def rating(job: JobContext, question: str, answer: str) -> int:
    match = RATING.search("".join(coach.answer_feedback(job, question, answer)))
    assert match is not None
    return int(match.group(1))


def ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return result


def spearman(xs: list[float], ys: list[float]) -> float:
    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy) if vx and vy else 0.0


def relevance() -> None:
    print("## Question relevance (keyword oracle, first 10 questions per job)\n")
    print("| family | job | on-role | neutral | off-role | off-role in 60 |")
    print("|---|---|---|---|---|---|")
    for job in JOBS:
        context = job_context(job)
        first = [classify(job["family"], q) for q in questions(context, 10)]
        sixty = "-"
        if job["family"] not in ENGINEERING:
            many = questions(context, 60)
            off = sum(classify(job["family"], q) == "off" for q in many)
            sixty = f"{off}" + ("" if len(many) == 60 else f" (only {len(many)} asked)")
        print(
            f"| {job['family']} | {job['title']} | {first.count('on')} | "
            f"{first.count('neutral')} | {first.count('off')} | {sixty} |"
        )
    print()


def grading(texts: dict[str, str]) -> None:
    job = job_context(JOBS[0])
    ids = [i for i in ANSWERS if i in texts]
    ratings: dict[str, dict[str, int]] = {}
    for n, qid in enumerate(ids):
        answers = dict(ANSWERS[qid])
        answers["off"] = ANSWERS[ids[(n + 15) % len(ids)]]["excellent"]
        ratings[qid] = {label: rating(job, texts[qid], a) for label, a in answers.items()}
    xs = [float(LABELS[label]) for r in ratings.values() for label in r]
    ys = [float(value) for r in ratings.values() for value in r.values()]
    wrong_above = sum(r["wrong"] > r["mediocre"] for r in ratings.values())
    wrong_low = sum(r["wrong"] <= 3 for r in ratings.values())
    off_low = sum(r["off"] <= 3 for r in ratings.values())
    print(f"## Grading ({len(ids)} questions x 4 answers)\n")
    for label in LABELS:
        values = [r[label] for r in ratings.values()]
        print(f"- mean rating, {label}: {sum(values) / len(values):.1f}")
    print(f"- Spearman (pooled, labels excellent 3 > mediocre 2 > wrong = off 1): "
          f"{spearman(xs, ys):.2f}")
    print(f"- confidently wrong rated above mediocre: {wrong_above}/{len(ids)}")
    print(f"- confidently wrong rated <= 3: {wrong_low}/{len(ids)}")
    print(f"- off-topic rated <= 3: {off_low}/{len(ids)}")
    for qid, values in STAR.items():
        if qid in texts:
            shown = {label: rating(job, texts[qid], a) for label, a in values.items()}
            print(f"- STAR {qid}: excellent {shown['excellent']}, mediocre {shown['mediocre']}")
    held = {qid: rating(job, texts[qid], a) for qid, a in HELD_OUT_WRONG.items() if qid in texts}
    if held:
        print(f"- held-out confidently wrong rated <= 3: {sum(r <= 3 for r in held.values())}/{len(held)} "
              f"({', '.join(f'{q}={r}' for q, r in held.items())})")
    print("\n<details><summary>per question</summary>\n")
    for qid, r in ratings.items():
        print(f"    {qid:10} " + "  ".join(f"{k}={v}" for k, v in r.items()))
    print("\n</details>\n")


def interview(texts: dict[str, str]) -> None:
    job = job_context(JOBS[0])
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    print("## Mock interview feedback (backend job, five questions)\n")
    for label in ("excellent", "wrong", "mediocre"):
        entries: list[TranscriptEntry] = []
        at = start
        for qid in INTERVIEW_QUESTIONS:
            entries.append(TranscriptEntry(Speaker.INTERVIEWER, texts[qid], at))
            answer = ANSWERS[qid][label]
            at += timedelta(seconds=20 + 2 * len(answer.split()))  # typed, about 30 wpm
            entries.append(TranscriptEntry(Speaker.CANDIDATE, answer, at))
            at += timedelta(seconds=5)
        markdown = "".join(coach.interview_feedback(job, entries))
        scores = dict(re.findall(r"^## (.+?): (\d+)/10$", markdown, re.MULTILINE))
        print(
            f"- {label}: overall {scores.get('Overall Rating')}, response quality "
            f"{scores.get('Response Quality')}, role fit {scores.get('Role Fit')}, "
            f"pacing {scores.get('Pacing and Timing')}"
        )
    print()


def resumes() -> None:
    jobs = {job["family"]: job for job in JOBS}
    print("## Resumes (overall score; rows: resume, columns: job)\n")
    print("| resume | " + " | ".join(RESUME_JOBS) + " |")
    print("|---|" + "---|" * len(RESUME_JOBS))
    non_matching: list[int] = []
    ordered = 0
    for family, text in RESUMES.items():
        scores = {j: coach.analyze_resume(job_context(jobs[j]), text).overall_score
                  for j in RESUME_JOBS}
        non_matching += [s for j, s in scores.items() if j != family]
        ordered += all(scores[family] > s for j, s in scores.items() if j != family)
        print(f"| {family} | " + " | ".join(str(scores[j]) for j in RESUME_JOBS) + " |")
    low = sum(s <= 4 for s in non_matching)
    print(f"\n- matching job scores highest: {ordered}/{len(RESUMES)} resumes")
    print(f"- non-matching overall <= 4: {low}/{len(non_matching)} "
          f"(max {max(non_matching)})\n")


def history_cost() -> None:
    job = job_context(JOBS[0])
    noise = [f"### Question number {i} about something else entirely?" for i in range(20000)]

    def timed(previous: list[str]) -> float:
        best = float("inf")
        for _ in range(3):
            began = time.perf_counter()
            "".join(coach.question(job, Difficulty.MEDIUM, previous))
            best = min(best, time.perf_counter() - began)
        return best

    timed([])
    ratio = timed(noise) / timed(noise[:10])
    print(f"## Cost of history\n\n- question() with 20,000 previous / with 10: {ratio:.1f}x\n")


def main() -> None:
    texts = bank_texts()
    print(f"# Offline coach evaluation ({len(texts)} bank questions)\n")
    relevance()
    grading(texts)
    interview(texts)
    resumes()
    history_cost()


if __name__ == "__main__":
    main()
