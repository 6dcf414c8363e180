"""Role families: what kind of work a job (or a resume) is about — software,
data, nursing, sales … — recognised from its title and text with the
vocabulary in ``data/roles.json``. The family decides which questions fit a
job, which behavioural questions may be asked, which rubric grades a custom
question and how far a resume fits.

The ids are fixed (see ``data/README.md``): the families of ``roles.json``,
``general`` for a job none of them fits, and ``any`` on a question that fits
every family.
"""

from __future__ import annotations

from functools import cache

from adapters.ai.offline import data
from adapters.ai.offline.skills import extract_skills
from adapters.ai.offline.text import capped, normalize
from core.records import frozen

GENERAL = "general"
ANY = "any"
SOFTWARE = "software"
_LONGEST_PHRASE = 4
_TITLE_LIMIT = 300
_MIN_SCORE = 2.0


@frozen
class Family:
    id: str
    name: str
    titles: tuple[str, ...]
    keywords: tuple[str, ...]
    skills: tuple[str, ...]
    rubric: str


@frozen
class _Vocabulary:
    families: dict[str, Family]
    general_rubric: str
    engineering: frozenset[str]
    titles: dict[tuple[str, ...], tuple[str, ...]]
    keywords: dict[tuple[str, ...], tuple[str, ...]]
    skills: dict[str, tuple[str, ...]]


@cache
def _vocabulary() -> _Vocabulary:
    raw = data.load("roles.json")
    families = {
        entry["id"]: Family(
            id=entry["id"],
            name=entry["name"],
            titles=tuple(entry["titles"]),
            keywords=tuple(entry["keywords"]),
            skills=tuple(entry["skills"]),
            rubric=entry["rubric"],
        )
        for entry in raw["families"]
    }
    titles: dict[tuple[str, ...], list[str]] = {}
    keywords: dict[tuple[str, ...], list[str]] = {}
    skills: dict[str, list[str]] = {}
    for family in families.values():
        for phrase in family.titles:
            titles.setdefault(tuple(normalize(phrase).split()), []).append(family.id)
        for phrase in family.keywords:
            keywords.setdefault(tuple(normalize(phrase).split()), []).append(family.id)
        for skill in family.skills:
            skills.setdefault(skill, []).append(family.id)
    return _Vocabulary(
        families=families,
        general_rubric=raw["general_rubric"],
        engineering=frozenset(raw["engineering"]),
        titles={k: tuple(v) for k, v in titles.items()},
        keywords={k: tuple(v) for k, v in keywords.items()},
        skills={k: tuple(v) for k, v in skills.items()},
    )


def family_ids() -> list[str]:
    """Every family id a question may carry: the recognised families,
    ``general`` and ``any``."""
    return [*_vocabulary().families, GENERAL, ANY]


def engineering() -> frozenset[str]:
    """The engineering families (software, data, ML, mobile)."""
    return _vocabulary().engineering


def family_name(family: str) -> str:
    """How a family is called in feedback ("nursing and healthcare")."""
    found = _vocabulary().families.get(family)
    return found.name if found else "general"


def family_rubric(family: str) -> str:
    """What a strong answer does in ``family``'s work, completing "A strong
    answer …": the general rubric custom questions are graded with."""
    vocabulary = _vocabulary()
    found = vocabulary.families.get(family)
    return found.rubric if found else vocabulary.general_rubric


def skill_families(skill: str) -> tuple[str, ...]:
    """The families whose work ``skill`` belongs to (may be empty)."""
    return _vocabulary().skills.get(skill, ())


def _phrases(words: list[str], table: dict[tuple[str, ...], tuple[str, ...]]):
    for start in range(len(words)):
        for size in range(1, _LONGEST_PHRASE + 1):
            if start + size > len(words):
                break
            found = table.get(tuple(words[start : start + size]))
            if found:
                yield size, found


def family_scores(text: str) -> dict[str, float]:
    """How strongly ``text`` speaks of each family's work: its keywords,
    each mention counted, and the skills the family uses."""
    vocabulary = _vocabulary()
    capped_text = capped(text)
    scores: dict[str, float] = {}
    for _, families in _phrases(normalize(capped_text).split(), vocabulary.keywords):
        for family in families:
            scores[family] = scores.get(family, 0.0) + 1
    for skill in extract_skills(capped_text):
        for family in vocabulary.skills.get(skill, ()):
            scores[family] = scores.get(family, 0.0) + (0.5 if family == SOFTWARE else 1)
    return scores


def family_of(title: str | None, text: str) -> str:
    """The family of a job with ``title`` and description ``text``: the
    family of the most specific role name in the title (its description
    breaking a tie), else the family its description speaks of most, else
    ``general``."""
    words = normalize((title or "")[:_TITLE_LIMIT]).split()
    found = list(_phrases(words, _vocabulary().titles))
    scores = family_scores(text)
    if found:
        longest = max(size for size, _ in found)
        tied = {f for size, families in found if size == longest for f in families}
        return min(tied, key=lambda f: (-scores.get(f, 0.0), f == SOFTWARE, f))
    if not scores:
        return GENERAL
    best, score = max(scores.items(), key=lambda item: (item[1], item[0] != SOFTWARE))
    return best if score >= _MIN_SCORE else GENERAL
