"""Reading a resume's plain text: its lines, sections (recognised by their
headings), bullets and achievements, and the small helpers every category
uses to quote it and build feedback."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from adapters.ai.offline.resume.vocabulary import BULLET, HEADING_KEYWORDS, HEADING_OF, MAX_NAMES, WORD
from core.domain import CategoryAnalysis, FeedbackItem, FeedbackType
from core.records import frozen

STRENGTH = FeedbackType.STRENGTH
MINOR = FeedbackType.MINOR_IMPROVEMENT
MAJOR = FeedbackType.MAJOR_IMPROVEMENT

@frozen
class Resume:
    text: str
    lines: list[str]
    word_count: int
    sections: dict[str, list[str]]
    bullet_marks: list[str]
    achievements: list[str]
    """Bullet points, or failing those the sentences of experience and projects."""


def _normal_heading(text: str) -> str:
    cleaned = re.sub(r"[^a-z&/ ]", "", text.lower()).replace("&", " and ").replace("/", " and ")
    return " ".join(cleaned.split())


def _heading(line: str) -> tuple[str, str] | None:
    """The section a heading line opens, and any content after a colon on it
    (“Skills: Python, SQL”); None for a line that is not a heading."""
    head, colon, rest = line.partition(":")
    if colon and rest.strip():
        section = HEADING_OF.get(_normal_heading(head))
        return (section, rest.strip()) if section else None
    cleaned = _normal_heading(line)
    if not cleaned or len(cleaned.split()) > 5 or any(ch.isdigit() for ch in line):
        return None
    if cleaned in HEADING_OF:
        return HEADING_OF[cleaned], ""
    stripped = line.strip().rstrip(":")
    looks_like_heading = stripped.isupper() or stripped.istitle() or line.strip().endswith(":")
    if looks_like_heading and len(cleaned.split()) <= 4:
        for word in cleaned.split():
            if word in HEADING_KEYWORDS:
                return HEADING_KEYWORDS[word], ""
    return None


def read_resume(text: str) -> Resume:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    sections: dict[str, list[str]] = {}
    current = "header"
    bullets: list[str] = []
    marks: list[str] = []
    for line in lines:
        heading = _heading(line)
        if heading is not None:
            current, line = heading
            sections.setdefault(current, [])
            if not line:
                continue
        sections.setdefault(current, []).append(line)
        mark = BULLET.match(line)
        if mark and len(line) > mark.end():
            marks.append(line[: mark.end()].strip()[:1] if not line[0].isdigit() else "1.")
            bullets.append(line[mark.end() :].strip())
    if not bullets:
        bullets = [
            sentence.strip()
            for name in ("experience", "projects")
            for line in sections.get(name, [])
            for sentence in re.split(r"(?<=[.!?])\s+", line)
            if len(sentence.split()) >= 6
        ]
    return Resume(
        text=text,
        lines=lines,
        word_count=len(WORD.findall(text)),
        sections=sections,
        bullet_marks=marks,
        achievements=bullets,
    )




def quote(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split()).replace("“", '"').replace("”", '"')
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return f"“{flat.removesuffix('.')}”"


def listed(names: Sequence[str]) -> str:
    shown = list(names[:MAX_NAMES])
    rest = len(names) - len(shown)
    if rest:
        return ", ".join(shown) + f" and {rest} more"
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def them(count: int) -> str:
    return "it" if count == 1 else "them"


def clamp(points: float) -> int:
    return max(0, min(10, int(points + 0.5)))


def feedback_item(kind: FeedbackType, name: str, message: str) -> FeedbackItem:
    return FeedbackItem(kind, name[:200], message[:2000])


def scored(score: float, summary: str, items: Iterable[FeedbackItem]) -> CategoryAnalysis:
    order = {MAJOR: 0, MINOR: 1, STRENGTH: 2}
    ranked = sorted(items, key=lambda item: order[item.type])
    return CategoryAnalysis(clamp(score), summary[:2000], ranked[:50])


def mentions(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w+#]){re.escape(phrase)}(?![\w+#])", text, re.IGNORECASE) is not None
