"""Every list action pages by cursor on the fakes: each record once, in the
design's order, even when many share a timestamp; ``limit`` bounded; and a
cursor that is not one this list answered is a VALIDATION error."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from core.domain import Answer, Difficulty, ExperienceLevel, Interview, JobInfo, Question, StoredResumeAnalysis
from core.errors import ErrorCode, Failure
from core.pipeline import Success
from tests.conftest import FORBIDDEN, make_job_info, make_resume_analysis
from tests.unit.app_on_fakes import FakeApp

COUNT = 121  # three pages of 50; timestamps repeat in runs of 7, across page ends
LISTS = {  # action: (the result's list field, how a record sorts)
    "listInterviews": ("interviews", "created_at"),
    "listQuestions": ("questions", "created_at"),
    "listResumeAnalyses": ("analyses", "created_at"),
}


def seeded(app: FakeApp, actor) -> JobInfo:
    """A job info of ``actor`` with COUNT records of every kind."""
    now = app.clock.now()
    job_info = make_job_info(id=app.ids.new(), user_id=actor.user_id, description="Go", created_at=now, updated_at=now)
    with app.storage.unit_of_work(write=True) as uow:
        uow.job_infos.add(job_info)
        for i in range(COUNT):
            at = now + timedelta(seconds=i // 7)
            uow.interviews.add(Interview(app.ids.new(), job_info.id, "00:00:00", None, None, at, at))
            question = Question(app.ids.new(), job_info.id, f"q{i}", Difficulty.EASY, at, at)
            uow.questions.add(question)
            uow.answers.add(Answer(app.ids.new(), question.id, f"a{i}", "f", 5, at))
            uow.resume_analyses.add(StoredResumeAnalysis(app.ids.new(), job_info.id, make_resume_analysis(5), at))
        uow.commit()
    return job_info


def pages(app: FakeApp, actor, action: str, payload: dict, field: str) -> list[list]:
    found, cursor = [], None
    while True:
        result = app.run(action, actor, {**payload, **({"cursor": cursor} if cursor else {})})
        assert isinstance(result, Success), result
        found.append(getattr(result.data, field))
        cursor = result.data.next_cursor
        if cursor is None:
            return found
        assert len(found) <= COUNT


def field_error(result, name: str) -> bool:
    return isinstance(result, Failure) and result.code is ErrorCode.VALIDATION and name in result.field_errors


@pytest.mark.parametrize("action", LISTS)
def test_pages_give_every_record_once_newest_first(action: str) -> None:
    app = FakeApp()
    actor = app.user()
    job_info = seeded(app, actor)
    field, key = LISTS[action]

    by_default = pages(app, actor, action, {"jobInfoId": job_info.id}, field)
    small = pages(app, actor, action, {"jobInfoId": job_info.id, "limit": 6}, field)

    assert [len(p) for p in by_default] == [50, 50, 21]
    for walked in (by_default, small):
        records = [r for p in walked for r in p]
        assert len({r.id for r in records}) == COUNT
        assert records == sorted(records, key=lambda r: (getattr(r, key), r.id), reverse=True)
    if action == "listQuestions":  # each with its own answer
        assert all([a.text for a in q.answers] == [f"a{q.text[1:]}"] for p in by_default for q in p)


def test_job_infos_page_last_updated_first_with_and_without_a_search() -> None:
    app = FakeApp()
    actor = app.user()
    now = app.clock.now()
    with app.storage.unit_of_work(write=True) as uow:
        for i in range(70):
            at = now + timedelta(seconds=i // 9)
            uow.job_infos.add(make_job_info(id=app.ids.new(), user_id=actor.user_id, name=f"role {i % 2}",
                                            experience_level=ExperienceLevel.MID_LEVEL, description="d",
                                            created_at=at, updated_at=at))
        uow.commit()

    walked = pages(app, actor, "listJobInfos", {"limit": 8}, "job_infos")
    searched = pages(app, actor, "listJobInfos", {"limit": 8, "query": "ROLE 1"}, "job_infos")

    everything = [j for p in walked for j in p]
    assert len({j.id for j in everything}) == 70
    assert everything == sorted(everything, key=lambda j: (j.updated_at, j.id), reverse=True)
    assert [j for p in searched for j in p] == [j for j in everything if j.name == "role 1"]
    first = app.run("listJobInfos", actor, {})
    assert isinstance(first, Success) and len(first.data.job_infos) == 50 and first.data.next_cursor


def test_a_short_list_answers_one_page_and_no_cursor() -> None:
    app = FakeApp()
    actor = app.user()
    result = app.run("listJobInfos", actor, {})
    assert result == Success(result.data) and result.data.job_infos == [] and result.data.next_cursor is None


@pytest.mark.parametrize("limit", [0, -1, 201, 10**30, "5", True, 2.5, None])
def test_a_limit_outside_1_to_200_is_a_field_error(limit) -> None:
    app = FakeApp()
    actor = app.user()
    job_info = seeded(app, actor)
    for action in LISTS:
        assert field_error(app.run(action, actor, {"jobInfoId": job_info.id, "limit": limit}), "limit")
    assert field_error(app.run("listJobInfos", actor, {"limit": limit}), "limit")


def test_limits_1_and_200_are_allowed() -> None:
    app = FakeApp()
    actor = app.user()
    job_info = seeded(app, actor)
    for limit, size in ((1, 1), (200, COUNT)):
        result = app.run("listInterviews", actor, {"jobInfoId": job_info.id, "limit": limit})
        assert isinstance(result, Success) and len(result.data.interviews) == size


def b64(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


def test_a_foreign_or_tampered_cursor_is_a_validation_error_and_reaches_nothing() -> None:
    app = FakeApp()
    me, other = app.user("me"), app.user("other")
    mine, theirs = seeded(app, me), seeded(app, other)
    cursor_of = {
        action: app.run(action, me, {"jobInfoId": mine.id, "limit": 2}).data.next_cursor for action in LISTS
    }
    their_cursor = app.run("listInterviews", other, {"jobInfoId": theirs.id, "limit": 2}).data.next_cursor
    genuine = json.loads(base64.urlsafe_b64decode(cursor_of["listInterviews"] + "=="))
    tampered = [
        "", "not a cursor!", "x" * 2000, b64([1, 2]), b64({**genuine, "x": "1"}),
        b64({**genuine, "t": "yesterday"}), b64({**genuine, "t": "2026-01-01T00:00:00"}),
        b64({**genuine, "l": "listQuestions"}), b64({**genuine, "s": theirs.id}), 5, "é",
        cursor_of["listQuestions"], cursor_of["listResumeAnalyses"], their_cursor,
    ]
    for cursor in tampered:
        result = app.run("listInterviews", me, {"jobInfoId": mine.id, "cursor": cursor})
        assert field_error(result, "cursor"), cursor
    # Their job info stays theirs, whatever the cursor says.
    assert app.run("listInterviews", me, {"jobInfoId": theirs.id, "cursor": their_cursor}) == FORBIDDEN
    assert app.run("listInterviews", me, {"jobInfoId": theirs.id}) == FORBIDDEN
    assert isinstance(app.run("createJobInfo", me, {"name": "n", "experienceLevel": "junior", "description": "d"}),
                      Success)
    my_jobs = app.run("listJobInfos", me, {"limit": 1}).data.next_cursor
    assert my_jobs is not None
    assert field_error(app.run("listJobInfos", other, {"cursor": my_jobs}), "cursor")
    assert field_error(app.run("listJobInfos", me, {"cursor": my_jobs, "query": "n"}), "cursor")
    assert field_error(app.run("listJobInfos", me, {"cursor": cursor_of["listInterviews"]}), "cursor")


def test_a_new_record_shows_on_the_cached_first_page() -> None:
    app = FakeApp()
    actor = app.user(plan="pro")  # the seeded interviews count in the allowance
    job_info = seeded(app, actor)
    before = app.run("listInterviews", actor, {"jobInfoId": job_info.id, "limit": 3})
    app.clock.advance(60)
    created = app.run("createInterview", actor, {"jobInfoId": job_info.id})
    after = app.run("listInterviews", actor, {"jobInfoId": job_info.id, "limit": 3})
    assert isinstance(created, Success), created
    assert after.data.interviews[0].id == created.data.id
    assert after.data.interviews[1:] == before.data.interviews[:2]
