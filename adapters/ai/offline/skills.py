"""Skill extraction: which technologies and topics a text (a job description,
a resume) mentions, against a taxonomy of canonical skills with aliases read
from ``data/skills.json`` and every ``data/skills-*.json`` pack.

Matching is case-insensitive and word-boundary aware: "go" is not found in
"good" nor "java" in "javascript", while "C++", "C#" and ".NET" are. Aliases
that are also ordinary English words ("Go", "REST", "React", "Spring") are
listed as ``exact`` in the taxonomy and only match in that exact spelling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache

from adapters.ai.offline import data
from adapters.ai.offline.text import capped
from core.records import frozen

BEHAVIORAL = "Behavioral"
SYSTEM_DESIGN = "System Design"

# A match may not touch a letter, digit or one of the characters that continue
# a technology's name ("C++", "C#", "node.js", "k8s").
_BEFORE = r"(?<![A-Za-z0-9_+#])"
_AFTER = r"(?![A-Za-z0-9_+#]|\.[A-Za-z0-9])"


@frozen
class Skill:
    name: str
    aliases: tuple[str, ...]
    exact: tuple[str, ...]
    related: tuple[str, ...]


@frozen
class _Taxonomy:
    skills: dict[str, Skill]
    pattern: re.Pattern[str]
    by_alias: dict[str, str]
    exact: dict[str, str]


def skill_files() -> list[str]:
    """The taxonomy's data files: ``skills.json`` and the packs beside it."""
    return ["skills.json", *data.names("skills-")]


@cache
def _taxonomy() -> _Taxonomy:
    skills: dict[str, Skill] = {}
    by_alias: dict[str, str] = {}
    exact: dict[str, str] = {}
    for entry in (e for name in skill_files() for e in data.load(name)):
        skill = Skill(
            name=entry["name"],
            aliases=tuple(entry.get("aliases", ())),
            exact=tuple(entry.get("exact", ())),
            related=tuple(entry.get("related", ())),
        )
        skills[skill.name] = skill
        for alias in skill.exact:
            exact[alias] = skill.name
    exact_lowered = {alias.lower() for alias in exact}
    for skill in skills.values():
        for alias in (skill.name, *skill.aliases):
            if alias.lower() not in exact_lowered:
                by_alias.setdefault(alias.lower(), skill.name)
    spellings = sorted({*by_alias, *(a.lower() for a in exact)}, key=len, reverse=True)
    alternatives = "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in spellings)
    pattern = re.compile(f"{_BEFORE}(?:{alternatives}){_AFTER}", re.IGNORECASE)
    return _Taxonomy(skills=skills, pattern=pattern, by_alias=by_alias, exact=exact)


def _canonical(matched: str) -> str | None:
    taxonomy = _taxonomy()
    spelled = " ".join(matched.split())
    if spelled in taxonomy.exact:
        return taxonomy.exact[spelled]
    # Any other casing of an exact-only spelling is an ordinary English word.
    return taxonomy.by_alias.get(spelled.lower())


def count_skills(text: str) -> dict[str, int]:
    """How often each canonical skill is mentioned in ``text`` (its first
    ``MAX_TEXT`` characters), most relevant first: by number of mentions,
    then by earliest mention."""
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for match in _taxonomy().pattern.finditer(capped(text)):
        name = _canonical(match.group(0))
        if name is None:
            continue
        counts[name] = counts.get(name, 0) + 1
        first.setdefault(name, match.start())
    ranked = sorted(counts, key=lambda n: (-counts[n], first[n]))
    return {name: counts[name] for name in ranked}


def extract_skills(text: str) -> list[str]:
    """The canonical names of the skills ``text`` mentions, most relevant
    first (most mentions, then earliest mention)."""
    return list(count_skills(text))


def related_skills(names: Sequence[str]) -> list[str]:
    """Skills close to ``names`` (PostgreSQL -> SQL, React -> JavaScript) that
    are not among them, in the order the given skills list them."""
    skills = _taxonomy().skills
    given = set(names)
    related: dict[str, None] = {}
    for name in names:
        skill = skills.get(name)
        for other in skill.related if skill else ():
            if other not in given:
                related.setdefault(other, None)
    return list(related)


def skill_named(name: str) -> str | None:
    """The canonical skill that ``name`` spells (a name or an alias, any
    case), or None."""
    taxonomy = _taxonomy()
    spelled = " ".join(name.split())
    if spelled in taxonomy.skills:
        return spelled
    lowered = spelled.lower()
    for skill in taxonomy.skills:
        if skill.lower() == lowered:
            return skill
    return taxonomy.exact.get(spelled) or taxonomy.by_alias.get(lowered)


def all_skills() -> list[str]:
    """Every canonical skill name of the taxonomy."""
    return list(_taxonomy().skills)


def is_known(names: Iterable[str]) -> bool:
    """Whether every name is a canonical skill of the taxonomy (or one of the
    two general topics, behavioural and system design)."""
    skills = _taxonomy().skills
    return all(n in skills or n == BEHAVIORAL for n in names)
