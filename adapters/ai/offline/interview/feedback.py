"""The offline coach's feedback on a finished mock interview: an overall
rating, then seven categories out of 10, each with notes that quote the
candidate's own words from the answer to the right question.

Substance (response quality, role fit) comes from grading each answer
(``substance``) and weighs double; delivery (clarity, confidence, pacing,
engagement) from how it was said (``delivery``). When the answers are
mostly wrong, fluent delivery cannot lift the overall rating above them.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.ai.offline.bank import QuestionBank, load_bank
from adapters.ai.offline.grading import grade_answer
from adapters.ai.offline.interview.delivery import clarity, confidence, engagement
from adapters.ai.offline.interview.pacing import pacing
from adapters.ai.offline.interview.substance import quality, role_fit
from adapters.ai.offline.interview.transcript import answers as read_answers
from adapters.ai.offline.interview.transcript import clip, plural
from adapters.ai.offline.roles import family_of
from core.domain import JobContext, TranscriptEntry
from core.errors import NotCompleted


def interview_feedback(
    job: JobContext, transcript: Sequence[TranscriptEntry], bank: QuestionBank | None = None
) -> str:
    """Markdown: ``## Overall Rating: n/10``, then the seven categories, each
    with a ``## Name: n/10`` heading. Raises NotCompleted when the candidate
    said nothing."""
    bank = bank or load_bank()
    answers = read_answers(transcript, bank)
    if not answers:
        raise NotCompleted()
    family = family_of(job.title or job.name, job.description)
    graded = [a for a in answers if not a.to_invitation] or answers
    grades = [grade_answer(a.bank_question, a.question or "", a.text, family) for a in graded]
    substance = [quality(graded, grades), role_fit(job, answers, graded, grades)]
    delivery = [
        clarity(answers), confidence(answers, transcript), pacing(answers, transcript), engagement(job, answers)
    ]
    ratings = [delivery[0], delivery[1], substance[0], delivery[2], delivery[3], substance[1]]
    weighted = (2 * sum(r.score for r in substance) + sum(r.score for r in delivery)) / 8
    if substance[0].score <= 3:
        weighted = min(weighted, substance[0].score + 1)
    overall = max(1, min(10, int(weighted + 0.5)))
    best = max(ratings, key=lambda r: r.score)
    worst = min(ratings, key=lambda r: r.score)
    role = job.title or job.name
    lines = [
        f"## Overall Rating: {overall}/10",
        "",
        f"You gave {plural(len(answers), 'answer')} in this mock interview for {clip(role, 80)}. "
        f"Your strongest area was {best.title.lower()} ({best.score}/10) and the one to work on "
        f"first is {worst.title.lower()} ({worst.score}/10).",
    ]
    for rating in ratings:
        lines += ["", f"## {rating.title}: {rating.score}/10", ""]
        lines += [f"- {point}" for point in rating.points]
    strengths = [s for r in sorted(ratings, key=lambda r: -r.score) for s in r.strengths][:4]
    improvements = [s for r in sorted(ratings, key=lambda r: r.score) for s in r.improvements][:4]
    lines += ["", f"## Strengths and Areas to Improve: {overall}/10", "", "**Strengths**", ""]
    lines += [f"- {s}" for s in strengths] or ["- You completed the interview: keep practising."]
    lines += ["", "**Areas to improve**", ""]
    lines += [f"- {s}" for s in improvements] or ["- Keep practising with harder questions."]
    return "\n".join(lines) + "\n"
