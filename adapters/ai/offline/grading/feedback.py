"""The markdown a user reads after answering: the rating, what the answer
got wrong and why, what it covered, missed or only touched on, how to
improve, then the model answer (or, for a question of the user's own, what
a strong answer would contain)."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.ai.offline.bank import BankQuestion, Kind
from adapters.ai.offline.grading.grade import Grade, key_terms
from adapters.ai.offline.roles import family_name, family_rubric


def feedback_chunks(grade: Grade, question: BankQuestion | None, question_text: str) -> list[str]:
    """The feedback markdown, in chunks that join to
    ``## Feedback (Rating: n/10)\\n\\n<feedback>\\n\\n---\\n\\n## Correct Answer\\n\\n<answer>``."""
    body = _assessment(grade) if question is not None else _assessment_unknown(grade)
    return [
        f"## Feedback (Rating: {grade.rating}/10)\n\n",
        "\n\n".join(body),
        "\n\n---\n\n",
        "## Correct Answer\n\n",
        question.answer if question is not None else _no_model_answer(grade, question_text),
    ]


def _summary(grade: Grade) -> str:
    if grade.word_count == 0:
        return "No answer was given, so there is nothing to credit yet."
    if grade.wrong:
        return (
            "This answer states something that is not correct, so it cannot score well however "
            "fluent it is. See what is wrong below."
        )
    if grade.off_topic:
        return (
            "This answer does not seem to be about the question: it shares almost nothing "
            "with what the question asks. Re-read the question and answer it directly."
        )
    if grade.stuffed:
        return (
            "This answer lists terms without explaining how they connect, so it does not show "
            "understanding. Explain in full sentences."
        )
    if grade.rating <= 2:
        return "This answer does not address the question yet."
    if grade.rating <= 4:
        return "A start, but too thin: it leaves out most of what an interviewer listens for."
    if grade.rating <= 6:
        return (
            "A reasonable answer that covers part of what matters; closing the gaps below "
            "would make it strong."
        )
    if grade.rating <= 8:
        return "A good answer that covers most of what matters."
    return "An excellent answer: complete, specific and well explained."


def _bullets(title: str, items: Sequence[str], capitalize: bool = True) -> str:
    shown = (f"{item[:1].upper()}{item[1:]}" if capitalize else item for item in items)
    lines = "\n".join(f"- {item}" for item in shown)
    return f"**{title}**\n\n{lines}"


def _quote(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split()).replace("`", "'")
    return "“" + (flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…") + "”"


def _errors(grade: Grade) -> str:
    lines = []
    for error in grade.wrong:
        lines.append(
            f"You said {_quote(error.quote)}. That is not right: {error.claim[:1].lower()}"
            f"{error.claim[1:].rstrip('.')} is a misconception. {error.why}"
        )
    return _bullets("What is wrong", lines, capitalize=False)


def _star_notes(grade: Grade) -> list[str]:
    star = grade.star
    if star is None:
        return []
    shown = []
    shown.append("Situation: " + ("set out" if star.situation else "missing: say where and when this happened"))
    shown.append(
        f"Your own actions: {star.actions} sentence{'s' if star.actions != 1 else ''} saying what you did"
        if star.actions
        else "Your own actions: missing: say what *you* did (“I asked…”, “I proposed…”)"
    )
    shown.append(
        "Result: " + ("stated" + (" and measured" if star.measured else ", but not measured"))
        if star.result
        else "Result: missing: say how it turned out, with a number if you can"
    )
    shown.append("What you learned: " + ("stated" if star.learning else "missing: end with what you took from it"))
    return [_bullets("Your story, part by part (STAR)", shown)]


def _assessment(grade: Grade) -> list[str]:
    parts = [_summary(grade)]
    if grade.wrong:
        parts.append(_errors(grade))
    parts += _star_notes(grade)
    if grade.covered:
        parts.append(_bullets("What you covered well", grade.covered))
    if grade.partial:
        parts.append(_bullets("What you touched on but did not develop", grade.partial))
    if grade.missed:
        parts.append(_bullets("What was missing", grade.missed))
    parts.append(_bullets("How to improve", _tips(grade)))
    return parts


def _assessment_unknown(grade: Grade) -> list[str]:
    terms_shown = ", ".join(f"**{w}**" for w in (*grade.covered, *grade.missed)) or "none"
    rubric = family_rubric(grade.family)
    how = (
        "on the structure of your story (STAR)"
        if grade.star is not None
        else f"against the key terms of the question itself ({terms_shown}) and on its form"
    )
    parts = [
        _summary(grade),
        "This question is not in the offline coach's question bank, so there is no model "
        f"answer to compare with and correctness could not be checked. Your answer was graded "
        f"with the general rubric for {family_name(grade.family)} roles, {how}: a strong answer "
        f"{rubric}.",
    ]
    parts += _star_notes(grade)
    if grade.covered and grade.star is None:
        parts.append(_bullets("Key terms you addressed", grade.covered, capitalize=False))
    if grade.missed and grade.star is None:
        parts.append(_bullets("Key terms you did not address", grade.missed, capitalize=False))
    parts.append(_bullets("How to improve", _tips(grade)))
    return parts


def _tips(grade: Grade) -> list[str]:
    tips: list[str] = []
    if grade.word_count == 0:
        tips.append(
            "Write an answer, even a short one: explain what you know and how you would "
            "find out the rest."
        )
    elif grade.off_topic:
        tips.append("Start with one sentence that answers the question directly, then explain it.")
    if grade.wrong:
        tips.append("Correct the points above first: a confident wrong claim costs more than a gap.")
    if grade.stuffed:
        tips.append("Turn the list of terms into sentences that say how each one answers the question.")
    if grade.missed and grade.word_count and grade.star is None:
        first = grade.missed[0]
        if grade.in_bank:
            tips.append(f"Cover the missing points; start with: {first[:1].lower()}{first[1:]}.")
        else:
            tips.append(f"Address every part of the question; start with **{first}**.")
    if grade.partial:
        tips.append(
            "Develop the points you only touched on: what it is, why it matters and when "
            "it applies."
        )
    if 0 < grade.word_count < 40:
        tips.append(
            f"Your answer is short ({grade.word_count} words). In an interview, aim for a few "
            "well-developed sentences, roughly 80 to 200 words."
        )
    if grade.star is not None:
        if grade.star.parts < 4 or not grade.star.measured:
            tips.append(
                "Tell one real situation using STAR: the Situation, your Task, the Actions "
                "you took yourself and the Result (with a number if you can), then what you learned."
            )
        if grade.star.we_heavy:
            tips.append("Say “I” for your own part; “we” hides what you did.")
    elif not grade.has_example:
        tips.append(
            "Add a concrete example: a short snippet, a command, or a situation from your "
            "own work."
        )
    if not grade.has_specifics and grade.word_count and grade.star is None:
        tips.append(
            "Be specific: name the tools, numbers or results involved (for example, "
            '"cut waiting time from 40 to 15 minutes").'
        )
    if grade.kind is Kind.SYSTEM_DESIGN and grade.coverage < 0.7:
        tips.append(
            "Structure the design: clarify requirements, sketch the main components and data "
            "flow, then discuss scaling, failure modes and trade-offs."
        )
    if not grade.has_structure and grade.word_count > 120:
        tips.append(
            "Give it a clear order: lead with the direct answer, then the details step by step."
        )
    if not tips:
        tips.append("Keep it up: practise saying this answer aloud in under two minutes.")
    return tips[:5]


def _no_model_answer(grade: Grade, question_text: str) -> str:
    if grade.star is not None:
        return (
            "The offline coach has no model answer for this question. A strong answer tells "
            "one real situation: what was going on, what you did yourself, how it turned out "
            "(measured if you can) and what you learned."
        )
    listed = ", ".join(f"**{w}**" for w in key_terms(question_text))
    address = f"address {listed} directly" if listed else "answer the question directly"
    rubric = family_rubric(grade.family)
    return (
        f"The offline coach has no model answer for this question. A strong answer would "
        f"{address} and {rubric}."
    )
