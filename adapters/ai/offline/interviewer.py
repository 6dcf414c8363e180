"""The offline mock interviewer: the scripted stand-in for a voice
interviewer. Given the conversation so far it says the next line: a greeting
and a first question, then a reaction to each answer (a follow-up when the
answer was short or vague) and the next question, and after six questions a
closing line. Questions come from the bank; none is asked twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.ai.offline.bank import BankQuestion, JobProfile, Kind, QuestionBank, choose, load_bank
from adapters.ai.offline.grading import Grade, grade_answer
from core.coaching import Difficulty, JobContext, Speaker, TranscriptEntry
from core.domain import ExperienceLevel

QUESTIONS_PER_INTERVIEW = 6

# The opening question, asked first whenever the bank has it.
OPENER_ID = "beh-001"

_E, _M, _H = Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD
_T, _B, _S = Kind.TECHNICAL, Kind.BEHAVIORAL, Kind.SYSTEM_DESIGN
PLANS: dict[ExperienceLevel, tuple[tuple[Kind, Difficulty], ...]] = {
    ExperienceLevel.JUNIOR: ((_B, _E), (_T, _E), (_T, _E), (_T, _M), (_T, _M), (_B, _M)),
    ExperienceLevel.MID_LEVEL: ((_B, _E), (_T, _E), (_T, _M), (_T, _M), (_S, _M), (_B, _M)),
    ExperienceLevel.SENIOR: ((_B, _E), (_T, _M), (_T, _H), (_S, _H), (_T, _H), (_B, _H)),
}

CLOSING = (
    "That was my last question, and that brings us to the end of the interview. Thank you "
    "for your time today. End the session whenever you are ready, and your feedback will be "
    "waiting for you. Good luck with your preparation!"
)
AFTER_CLOSING = (
    "Our interview is over. Thank you again! You can end the session now to see your feedback."
)
NUDGE = (
    "Take your time. Whenever you are ready, go ahead with your answer; thinking out loud "
    "is perfectly fine."
)

_GOOD = ("Great answer, thank you.", "That's a strong answer.", "Very clear, thanks.")
_FAIR = ("Thanks.", "Okay, thank you.", "Alright, thanks for that.")
_WEAK = (
    "Okay, thank you. That one is tricky, so let's keep going.",
    "Thanks for giving it a go.",
    "Alright, no problem.",
)
_TRANSITIONS = (
    "Next question:",
    "Let's move on.",
    "Here's the next one:",
    "Now, something different.",
)


def interviewer_turn(
    job: JobContext, transcript: Sequence[TranscriptEntry], bank: QuestionBank | None = None
) -> str:
    """The interviewer's next line after ``transcript``."""
    bank = bank or load_bank()
    profile = JobProfile.of(job)
    if not transcript:
        first = _next_question(bank, profile, [])
        return f"{_greeting(job)} Let's begin. {_spoken(first)}" if first else CLOSING
    lines = [e.text for e in transcript if e.speaker is Speaker.INTERVIEWER]
    if any(CLOSING in line or AFTER_CLOSING in line for line in lines):
        return AFTER_CLOSING
    asked = _asked(bank, lines)
    if transcript[-1].speaker is Speaker.INTERVIEWER:
        if NUDGE not in transcript[-1].text:
            return NUDGE
        return _advance(bank, profile, asked, "Let's move on.")
    current, answer, followed_up = _current(bank, transcript)
    if current is None:
        return _advance(bank, profile, asked, "Thank you.")
    grade = grade_answer(current, current.text, answer)
    if not followed_up and _needs_follow_up(grade):
        return _follow_up(current, grade)
    return _advance(bank, profile, asked, _acknowledge(grade, len(asked)))


def _greeting(job: JobContext) -> str:
    role = (job.title or job.name).strip()
    return (
        f"Hello, and thank you for joining. I'll be your interviewer today for the {role} "
        "role. We'll go through about six questions, a mix of technical "
        "and behavioural ones, so take your time and feel free to think out loud."
    )


def _spoken(question: BankQuestion) -> str:
    return question.text.replace("`", "")


def _asked(bank: QuestionBank, interviewer_lines: Sequence[str]) -> list[BankQuestion]:
    asked: dict[str, BankQuestion] = {}
    for line in interviewer_lines:
        for question in bank.mentioned_in(line):
            asked.setdefault(question.id, question)
    return list(asked.values())


def _current(
    bank: QuestionBank, transcript: Sequence[TranscriptEntry]
) -> tuple[BankQuestion | None, str, bool]:
    """The question being answered, everything the candidate has said since
    it was asked, and whether the interviewer has already followed it up."""
    for index in range(len(transcript) - 1, -1, -1):
        entry = transcript[index]
        if entry.speaker is not Speaker.INTERVIEWER:
            continue
        mentioned = bank.mentioned_in(entry.text)
        if mentioned:
            after = transcript[index + 1 :]
            answer = " ".join(e.text for e in after if e.speaker is Speaker.CANDIDATE)
            followed_up = any(
                e.speaker is Speaker.INTERVIEWER and NUDGE not in e.text for e in after
            )
            return mentioned[-1], answer, followed_up
    return None, "", False


def _needs_follow_up(grade: Grade) -> bool:
    return grade.word_count < 25 or (not grade.has_example and grade.coverage < 0.4)


def _follow_up(question: BankQuestion, grade: Grade) -> str:
    if grade.word_count == 0:
        return "No problem if you are unsure. How would you go about finding the answer?"
    if question.kind is Kind.BEHAVIORAL:
        return (
            "Could you make that concrete for me? Tell me about one specific situation: what "
            "was going on, what you did yourself, and how it turned out."
        )
    gaps = grade.missed or grade.partial
    if gaps:
        point = gaps[0]
        return (
            "Could you expand on that a little? I'd especially like to hear about this "
            f"aspect: {point}. A concrete example from your own work would help too."
        )
    return "Could you give me a concrete example of that from a project you have worked on?"


def _acknowledge(grade: Grade, index: int) -> str:
    if grade.rating >= 7:
        said = _GOOD[index % len(_GOOD)]
        if grade.covered:
            return f"{said} I liked that you covered this: {grade.covered[0]}."
        return said
    if grade.rating >= 4:
        said = _FAIR[index % len(_FAIR)]
        gaps = grade.missed or grade.partial
        return f"{said} One thing worth adding there: {gaps[0]}." if gaps else said
    return _WEAK[index % len(_WEAK)]


def _advance(
    bank: QuestionBank, profile: JobProfile, asked: list[BankQuestion], reaction: str
) -> str:
    if len(asked) >= QUESTIONS_PER_INTERVIEW:
        return f"{reaction} {CLOSING}"
    question = _next_question(bank, profile, asked)
    if question is None:
        return f"{reaction} {CLOSING}"
    if len(asked) == QUESTIONS_PER_INTERVIEW - 1:
        transition = "Last question:"
    else:
        transition = _TRANSITIONS[len(asked) % len(_TRANSITIONS)]
    return f"{reaction} {transition} {_spoken(question)}"


def _next_question(
    bank: QuestionBank, profile: JobProfile, asked: list[BankQuestion]
) -> BankQuestion | None:
    plan = PLANS[profile.level]
    kind, difficulty = plan[min(len(asked), len(plan) - 1)]
    opener = bank.by_id.get(OPENER_ID)
    if not asked and opener is not None:
        return opener
    return choose(bank, profile, difficulty, asked, prefer=kind)
