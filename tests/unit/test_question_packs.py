"""Every question pack and skills file follows the format of
``adapters/ai/offline/data/README.md``: what the coach relies on to pick
questions for a job's family and to grade answers for correctness."""

from __future__ import annotations

import re
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from adapters.ai.offline import data
from adapters.ai.offline.bank import Kind, load_bank
from adapters.ai.offline.coverage import coverage_markdown
from adapters.ai.offline.grading.correctness import asserted
from adapters.ai.offline.grading.reading import read_answer
from adapters.ai.offline.roles import ANY, GENERAL, engineering, family_ids
from adapters.ai.offline.skills import BEHAVIORAL, all_skills, skill_files
from adapters.ai.offline.text import normalize, words

PACKS = data.names("questions-")
RAW = [(name, entry) for name in PACKS for entry in data.load(name)]
MIN_QUESTIONS = 1000
KINDS = {"technical", "situational", "behavioral", "system-design"}
LEVELS = {"junior", "mid-level", "senior"}
FAMILIES = set(family_ids())
SKILLS = set(all_skills()) | {BEHAVIORAL}
ENGINEERING_STORY = re.compile(r"\b(bug|code review|codebase|production|outage|deploy\w*|incident|technical debt)\b", re.I)


def ids(entry: dict) -> str:
    return entry["id"]


def test_the_bank_holds_at_least_1000_questions():
    assert len(load_bank().questions) == len(RAW) >= MIN_QUESTIONS


@pytest.mark.parametrize("name", PACKS)
def test_each_pack_is_a_list_of_question_objects_under_1_mb(name):
    text = data.load(name)
    assert isinstance(text, list) and text
    size = len(resources.files(data.__name__).joinpath(name).read_bytes())
    assert size < 1_000_000


def test_ids_and_texts_are_unique_across_packs_and_none_hides_in_another():
    found = Counter(entry["id"] for _, entry in RAW)
    assert [i for i, n in found.items() if n > 1] == []
    texts = Counter(normalize(entry["text"]) for _, entry in RAW)
    assert [t for t, n in texts.items() if n > 1] == []
    # The interviewer finds asked questions inside its own lines.
    keys = sorted(texts, key=len)
    assert not [(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :] if f" {a} " in f" {b} "]


@pytest.mark.parametrize(("name", "entry"), RAW, ids=lambda v: v["id"] if isinstance(v, dict) else v)
def test_every_question_follows_the_schema(name, entry):
    assert re.fullmatch(r"[a-z0-9]+-\d{3}", entry["id"])
    assert entry["text"].strip() and "\n" not in entry["text"] and len(entry["text"]) <= 600
    assert entry["kind"] in KINDS
    assert entry["roles"] and set(entry["roles"]) <= FAMILIES
    assert entry["skills"] and set(entry["skills"]) <= SKILLS, set(entry["skills"]) - SKILLS
    assert entry["levels"] and set(entry["levels"]) <= LEVELS and len(set(entry["levels"])) == len(entry["levels"])
    assert entry["difficulty"] in {"easy", "medium", "hard"}
    assert 3 <= len(entry["key_points"]) <= 6
    assert all(0 < len(point) <= 120 for point in entry["key_points"])
    assert 100 <= len(entry["answer"]) <= 2000 and "\n\n---\n\n" not in entry["answer"]
    if entry["kind"] == "behavioral":
        assert entry["skills"] == [BEHAVIORAL]
        if ANY in entry["roles"]:  # engineering stories are never asked of other families
            assert not ENGINEERING_STORY.search(entry["text"]), entry["text"]
    else:
        assert entry["misconceptions"], "technical and situational questions need misconceptions"
    for misconception in entry.get("misconceptions", []):
        assert misconception["claim"].strip() and misconception["why"].strip()
        assert misconception["cues"]
        for alternative in misconception["cues"]:
            assert 2 <= len(alternative) <= 5, alternative
            assert all(cue == cue.lower() and cue.strip() and words(cue) for cue in alternative), alternative
        contradicts = misconception.get("contradicts")
        assert contradicts is None or 0 <= contradicts < len(entry["key_points"])


def test_no_model_answer_asserts_one_of_its_own_misconceptions():
    bank = load_bank()
    assert [q.id for q in bank.questions if asserted(q.misconceptions, read_answer(q.answer))] == []


def test_every_family_has_questions_of_its_own_and_stories_it_may_be_asked():
    bank = load_bank()
    for family in FAMILIES - {ANY, GENERAL}:
        own = [q for q in bank.questions if family in q.roles and q.kind is not Kind.BEHAVIORAL]
        stories = [
            q for q in bank.questions if q.kind is Kind.BEHAVIORAL and ({family, ANY} & q.roles)
        ]
        assert len(own) >= 20, family
        assert len(stories) >= 6, family
    engineering_stories = [
        q for q in bank.questions if q.kind is Kind.BEHAVIORAL and ENGINEERING_STORY.search(q.text)
    ]
    assert engineering_stories and all(q.roles <= engineering() for q in engineering_stories)


def test_skills_files_name_each_skill_once_with_lower_case_aliases_and_known_relations():
    entries = [entry for name in skill_files() for entry in data.load(name)]
    names = Counter(entry["name"] for entry in entries)
    assert [n for n, count in names.items() if count > 1] == []
    for entry in entries:
        assert all(alias == alias.lower() for alias in entry.get("aliases", [])), entry["name"]
        assert set(entry.get("related", [])) <= set(names), entry["name"]


def test_the_coverage_doc_is_up_to_date():
    doc = Path(__file__).resolve().parents[2] / "docs" / "question-coverage.md"
    assert doc.read_text(encoding="utf-8") == coverage_markdown(load_bank()), (
        "run: python benchmarks/question_coverage.py"
    )
