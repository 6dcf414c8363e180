"""The offline mock interviewer: the scripted stand-in for a voice
interviewer. Given the conversation so far it says the next line: a greeting
and a first question, then a reaction to each answer and the next question,
and after six questions a closing line.

Questions fit the job's role family (engineering stories are never asked of
a nurse). The reaction follows the answer's grade: a strong answer is called
strong, a wrong claim is corrected, a vague answer gets one follow-up (a
concrete one is asked about its gap instead), and an answer that repeats an
earlier one or is off the question is noticed. None is asked twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.ai.offline.bank import BankQuestion, JobProfile, Kind, QuestionBank, choose, fits_family, load_bank
from adapters.ai.offline.grading import Grade, grade_answer, key_terms
from adapters.ai.offline.roles import SOFTWARE, engineering
from adapters.ai.offline.text import term_set
from core.domain import Difficulty, ExperienceLevel, JobContext, Speaker, TranscriptEntry

QUESTIONS_PER_INTERVIEW = 6
OPENER_ID = "beh-001"
"""The opening question, asked first whenever the bank has it."""
_OFF_TOPIC_WORDS = 12
"""Shorter answers are too short to call off the question."""
_HISTORY = 200
"""The most recent lines of a transcript the interviewer reads."""

_E, _M, _H = Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD
_T, _B, _S = Kind.TECHNICAL, Kind.BEHAVIORAL, Kind.SYSTEM_DESIGN
PLANS: dict[ExperienceLevel, tuple[tuple[Kind, Difficulty], ...]] = {
    ExperienceLevel.JUNIOR: ((_B, _E), (_T, _E), (_T, _E), (_T, _M), (_T, _M), (_B, _M)),
    ExperienceLevel.MID_LEVEL: ((_B, _E), (_T, _E), (_T, _M), (_T, _M), (_S, _M), (_B, _M)),
    ExperienceLevel.SENIOR: ((_B, _E), (_T, _M), (_T, _H), (_S, _H), (_T, _H), (_B, _H)),
}
_KNOWLEDGE = frozenset({Kind.TECHNICAL, Kind.SITUATIONAL})

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
_STRONG = ("That's a strong answer.", "A strong answer, exactly what I was looking for.", "Very strong, thank you.")
_GOOD = ("Good answer, thank you.", "That's a solid answer.", "Clear, thanks.")
_FAIR = ("Thanks.", "Okay, thank you.", "Alright, thanks for that.")
_WEAK = ("Okay, thank you. Let's keep going.", "Alright, thank you.", "Thanks, let's move on.")
_TRANSITIONS = ("Next question:", "Let's move on.", "Here's the next one:", "Now, something different.")


def interviewer_turn(
    job: JobContext, transcript: Sequence[TranscriptEntry], bank: QuestionBank | None = None
) -> str:
    """The interviewer's next line after ``transcript``."""
    bank = bank or load_bank()
    profile = JobProfile.of(job)
    if not transcript:
        first = _next_question(bank, profile, [])
        return f"{_greeting(job)} Let's begin. {_spoken(first)}" if first else CLOSING
    recent = transcript[-_HISTORY:]
    lines = [e.text for e in recent if e.speaker is Speaker.INTERVIEWER]
    if any(CLOSING in line or AFTER_CLOSING in line for line in lines):
        return AFTER_CLOSING
    asked = _asked(bank, lines)
    if recent[-1].speaker is Speaker.INTERVIEWER:
        if NUDGE not in recent[-1].text:
            return NUDGE
        return _advance(bank, profile, asked, "Let's move on.")
    current, answer, earlier, followed_up = _current(bank, recent)
    if current is None:
        return _advance(bank, profile, asked, "Thank you.")
    grade = grade_answer(current, current.text, answer, profile.family)
    repeated = _repeats(answer, earlier)
    if not followed_up:
        if repeated:
            return (
                "That sounds much like what you told me earlier. For this question, could you "
                "give me a different example, one that fits it specifically?"
            )
        if grade.off_topic and grade.word_count >= _OFF_TOPIC_WORDS:
            return _back_to_question(current)
        if _needs_follow_up(grade):
            return _follow_up(current, grade)
    return _advance(bank, profile, asked, _acknowledge(grade, len(asked), repeated))


def _greeting(job: JobContext) -> str:
    role = (job.title or job.name).strip()
    return (
        f"Hello, and thank you for joining. I'll be your interviewer today for the {role} "
        "role. We'll go through about six questions, a mix of questions about the work "
        "and about your experience, so take your time and feel free to think out loud."
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
) -> tuple[BankQuestion | None, str, list[str], bool]:
    """The question being answered, everything the candidate has said since
    it was asked, what they said before it, and whether the interviewer has
    already followed it up."""
    for index in range(len(transcript) - 1, -1, -1):
        entry = transcript[index]
        if entry.speaker is not Speaker.INTERVIEWER:
            continue
        mentioned = bank.mentioned_in(entry.text)
        if mentioned:
            after = transcript[index + 1 :]
            answer = " ".join(e.text for e in after if e.speaker is Speaker.CANDIDATE)
            earlier = [e.text for e in transcript[:index] if e.speaker is Speaker.CANDIDATE]
            followed_up = any(
                e.speaker is Speaker.INTERVIEWER and NUDGE not in e.text for e in after
            )
            return mentioned[-1], answer, earlier, followed_up
    return None, "", [], False


def _repeats(answer: str, earlier: Sequence[str]) -> bool:
    """Whether ``answer`` says mostly what an earlier answer said."""
    mine = term_set(answer[:4000])
    if len(mine) < 5:
        return False
    return any(len(mine & term_set(e[:4000])) >= 0.8 * len(mine) for e in earlier)


def _back_to_question(question: BankQuestion) -> str:
    if question.kind is Kind.BEHAVIORAL:
        about = "one specific situation that fits it"
    else:
        about = ", ".join(f"“{t}”" for t in key_terms(question.text)[:4]) or "what it asks"
    return f"I'm not sure that answers what I asked. Could you come back to the question and tell me about {about}?"


def _needs_follow_up(grade: Grade) -> bool:
    if grade.rating >= 7 or grade.wrong:
        return False
    return grade.word_count < 25 or (not grade.concrete and grade.coverage < 0.4)


def _follow_up(question: BankQuestion, grade: Grade) -> str:
    if grade.word_count == 0:
        return "No problem if you are unsure. How would you go about finding the answer?"
    if question.kind is Kind.BEHAVIORAL:
        if grade.concrete:
            return (
                "Thanks. How did it turn out in the end, and what did you take away from it?"
            )
        return (
            "Could you make that concrete for me? Tell me about one specific situation: what "
            "was going on, what you did yourself, and how it turned out."
        )
    gaps = grade.missed or grade.partial
    if gaps:
        example = "" if grade.concrete else " A concrete example from your own work would help too."
        return (
            "Could you expand on that a little? I'd especially like to hear about this "
            f"aspect: {gaps[0]}.{example}"
        )
    if grade.concrete:
        return "Could you tell me a little more about why you would do it that way?"
    return "Could you give me a concrete example of that from your own work?"


def _acknowledge(grade: Grade, index: int, repeated: bool) -> str:
    if grade.wrong:
        error = grade.wrong[0]
        return f"Thanks. One correction before we move on: {error.why}"
    if grade.rating >= 8:
        said = _STRONG[index % len(_STRONG)]
        return f"{said} I liked that you covered this: {grade.covered[0]}." if grade.covered else said
    if grade.rating >= 6:
        return _GOOD[index % len(_GOOD)]
    if repeated:
        return "Thanks. I noticed that was close to an earlier answer; try to vary your examples."
    if grade.rating >= 4:
        said = _FAIR[index % len(_FAIR)]
        gaps = grade.missed or grade.partial
        return f"{said} One thing worth adding there: {gaps[0]}." if gaps else said
    return _WEAK[index % len(_WEAK)]


def _advance(bank: QuestionBank, profile: JobProfile, asked: list[BankQuestion], reaction: str) -> str:
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


def _prefer(kind: Kind, family: str) -> frozenset[Kind]:
    if kind is Kind.BEHAVIORAL:
        return frozenset({kind})
    if kind is Kind.SYSTEM_DESIGN and family == SOFTWARE:
        return frozenset({kind})
    if family in engineering():
        return frozenset({Kind.TECHNICAL})
    return _KNOWLEDGE


def _next_question(bank: QuestionBank, profile: JobProfile, asked: list[BankQuestion]) -> BankQuestion | None:
    plan = PLANS[profile.level]
    kind, difficulty = plan[min(len(asked), len(plan) - 1)]
    opener = bank.by_id.get(OPENER_ID)
    if not asked and opener is not None and fits_family(opener, profile.family):
        return opener
    return choose(bank, profile, difficulty, asked, prefer=_prefer(kind, profile.family))
