"""Job-info actions on the fakes: privacy, validation and fresh reads, for
any sequence of calls by several users."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

from core.errors import ErrorCode, Failure
from core.jobinfos import MAX_JOB_INFOS
from core.pipeline import Success
from tests.conftest import FORBIDDEN
from tests.unit.app_on_fakes import FakeApp

LEVELS = ["junior", "mid-level", "senior"]
text = st.text(alphabet=string.ascii_letters + " éü中", min_size=1, max_size=30).filter(str.strip)

valid_payloads = st.fixed_dictionaries(
    {
        "name": text,
        "experienceLevel": st.sampled_from(LEVELS),
        "description": text,
    },
    optional={"title": st.none() | text},
)

# Each of these breaks exactly one rule of the job-info command.
invalid_payloads = st.one_of(
    valid_payloads.map(lambda p: {**p, "name": ""}),
    valid_payloads.map(lambda p: {**p, "name": "   "}),
    valid_payloads.map(lambda p: {**p, "name": "x" * 201}),
    valid_payloads.map(lambda p: {**p, "name": 5}),
    valid_payloads.map(lambda p: {**p, "title": ""}),
    valid_payloads.map(lambda p: {**p, "title": False}),
    valid_payloads.map(lambda p: {**p, "experienceLevel": "principal"}),
    valid_payloads.map(lambda p: {**p, "experienceLevel": None}),
    valid_payloads.map(lambda p: {**p, "description": "y" * 20_001}),
    valid_payloads.map(lambda p: {k: v for k, v in p.items() if k != "description"}),
    valid_payloads.map(lambda p: {**p, "userId": "someone-else"}),
    st.lists(st.integers(), max_size=3),
    st.none(),
    st.text(max_size=5),
)



class JobInfoMachine(RuleBasedStateMachine):
    """Several users calling job-info actions in any order; a model of what
    each user owns is checked against every answer."""

    job_infos = Bundle("job_infos")

    def __init__(self) -> None:
        super().__init__()
        self.app = FakeApp()
        self.users = [self.app.user(f"u{i}") for i in range(3)]
        self.model: dict[str, tuple[int, dict]] = {}  # id -> (owner index, last payload)

    def run(self, user: int, name: str, payload: object):
        return self.app.run(name, self.users[user], payload)

    @rule(target=job_infos, user=st.integers(0, 2), payload=valid_payloads, wait=st.integers(0, 5))
    def create(self, user: int, payload: dict, wait: int):
        self.app.clock.advance(wait)
        result = self.run(user, "createJobInfo", payload)
        assert isinstance(result, Success), result
        job_id = result.data.id
        assert result.data.redirect_to == f"/app/job-infos/{job_id}"
        self.model[job_id] = (user, payload)
        return job_id

    @rule(user=st.integers(0, 2), payload=invalid_payloads, action=st.sampled_from(["createJobInfo", "updateJobInfo"]))
    def invalid_call_writes_nothing(self, user: int, payload: object, action: str):
        commits = self.app.storage.commits
        result = self.run(user, action, payload)
        assert isinstance(result, Failure) and result.code is ErrorCode.VALIDATION, result
        assert result.message == "Invalid job data"
        assert result.field_errors
        assert self.app.storage.commits == commits

    @rule(job_id=job_infos, user=st.integers(0, 2), payload=valid_payloads, wait=st.integers(0, 5))
    def update(self, job_id: str, user: int, payload: dict, wait: int):
        self.app.clock.advance(wait)
        result = self.run(user, "updateJobInfo", {**payload, "id": job_id})
        if job_id in self.model and self.model[job_id][0] == user:
            assert isinstance(result, Success), result
            self.model[job_id] = (user, payload)
        else:
            assert result == FORBIDDEN

    @rule(job_id=consumes(job_infos), user=st.integers(0, 2))
    def delete(self, job_id: str, user: int):
        result = self.run(user, "deleteJobInfo", {"id": job_id})
        if job_id in self.model and self.model[job_id][0] == user:
            assert isinstance(result, Success), result
            del self.model[job_id]
            left = any(owner == user for owner, _ in self.model.values())
            assert result.data.redirect_to == ("/app" if left else "/app/job-infos/new")
        else:
            assert result == FORBIDDEN

    @rule(job_id=job_infos, user=st.integers(0, 2))
    def get(self, job_id: str, user: int):
        result = self.run(user, "getJobInfo", {"id": job_id})
        if job_id in self.model and self.model[job_id][0] == user:
            assert isinstance(result, Success), result
            payload = self.model[job_id][1]
            found = result.data.job_info
            assert found.name == payload["name"]
            assert found.title == payload.get("title")
            assert found.experience_level.value == payload["experienceLevel"]
            assert found.description == payload["description"]
        else:
            assert result == FORBIDDEN

    @rule(user=st.integers(0, 2), random_id=st.uuids())
    def foreign_and_missing_look_alike(self, user: int, random_id):
        for action in ("getJobInfo", "deleteJobInfo"):
            assert self.run(user, action, {"id": str(random_id)}) == FORBIDDEN

    @invariant()
    def everyone_lists_exactly_their_own(self):
        for user in range(len(self.users)):
            result = self.run(user, "listJobInfos", {})
            assert isinstance(result, Success)
            listed = result.data.job_infos
            assert {j.id for j in listed} == {i for i, (o, _) in self.model.items() if o == user}
            stamps = [j.updated_at for j in listed]
            assert stamps == sorted(stamps, reverse=True)
            for job in listed:
                assert job.name == self.model[job.id][1]["name"]


JobInfoMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
TestJobInfoActions = JobInfoMachine.TestCase


def test_unauthenticated_calls_are_refused_before_validation():
    app = FakeApp()
    result = app.run("createJobInfo", None, "not even an object")
    assert isinstance(result, Failure) and result.code is ErrorCode.UNAUTHENTICATED
    assert app.storage.commits == 0


def test_unknown_action_is_not_found_even_for_nobody():
    result = FakeApp().run("dropTables", None, {})
    assert isinstance(result, Failure) and result.code is ErrorCode.NOT_FOUND


@given(query=st.sampled_from(["python", "PYTHON", "Django", "remote", "zzz"]))
def test_list_query_matches_name_title_or_description(query: str):
    app = FakeApp()
    actor = app.user()
    payloads = [
        {"name": "Python dev", "experienceLevel": "junior", "description": "web"},
        {"name": "Backend", "title": "Django engineer", "experienceLevel": "senior", "description": "api"},
        {"name": "Ops", "experienceLevel": "mid-level", "description": "Remote-first team"},
    ]
    for payload in payloads:
        assert isinstance(app.run("createJobInfo", actor, payload), Success)
    result = app.run("listJobInfos", actor, {"query": query})
    assert isinstance(result, Success)
    expected = {
        p["name"]
        for p in payloads
        if any(query.lower() in (p.get(f) or "").lower() for f in ("name", "title", "description"))
    }
    assert {j.name for j in result.data.job_infos} == expected


def test_validation_reports_every_field_by_wire_name():
    app = FakeApp()
    actor = app.user()
    result = app.run(
        "createJobInfo", actor, {"name": 5, "experienceLevel": "boss", "extra": 1, "title": ""}
    )
    assert isinstance(result, Failure)
    assert result.field_errors == {
        "extra": ["Unknown field"],
        "name": ["Must be a string"],
        "title": ["Must not be empty when given"],
        "experience_level": ["Must be one of: junior, mid-level, senior"],
        "description": ["Required"],
    }


def test_an_account_deleted_under_a_live_session_cannot_create():
    app = FakeApp()
    actor = app.user()
    with app.storage.unit_of_work(write=True) as uow:
        uow.users.delete(actor.user_id)
        uow.commit()
    commits = app.storage.commits
    payload = {"name": "n", "experienceLevel": "junior", "description": "d"}
    assert app.run("createJobInfo", actor, payload) == FORBIDDEN
    assert app.storage.commits == commits


def test_a_user_keeps_at_most_max_job_infos_and_may_add_again_after_deleting():
    app = FakeApp()
    actor, other = app.user("a"), app.user("b")
    payload = {"name": "Job", "experienceLevel": "junior", "description": "d"}
    ids = []
    for _ in range(MAX_JOB_INFOS):
        created = app.run("createJobInfo", actor, payload)
        assert isinstance(created, Success)
        ids.append(created.data.id)
    refused = app.run("createJobInfo", actor, payload)
    assert isinstance(refused, Failure) and refused.code is ErrorCode.VALIDATION
    assert refused.field_errors == {"$": [f"You can keep at most {MAX_JOB_INFOS} job infos: delete one to add another"]}
    assert len(app.run("listJobInfos", actor, {"limit": 200}).data.job_infos) == MAX_JOB_INFOS
    assert isinstance(app.run("createJobInfo", other, payload), Success)
    assert isinstance(app.run("deleteJobInfo", actor, {"id": ids[0]}), Success)
    assert isinstance(app.run("createJobInfo", actor, payload), Success)


def test_searches_are_not_cached_but_the_plain_list_is():
    app = FakeApp()
    actor = app.user()
    app.run("createJobInfo", actor, {"name": "Python dev", "experienceLevel": "junior", "description": "web"})
    for n in range(50):
        assert isinstance(app.run("listJobInfos", actor, {"query": f"python {n}"}), Success)
    assert app.cache.entry_count() == 0
    app.run("listJobInfos", actor, {})
    app.run("listJobInfos", actor, {})
    assert app.cache.entry_count() == 1 and app.cache.hits == 1


def test_validation_reports_every_field_whose_rule_fails_when_every_type_is_right():
    app = FakeApp()
    actor = app.user()
    payload = {"name": " ", "title": "", "experienceLevel": "junior", "description": "a\x01b"}
    result = app.run("createJobInfo", actor, payload)
    assert isinstance(result, Failure)
    assert list(result.field_errors.items()) == [
        ("name", ["Required"]),
        ("title", ["Must not be empty when given"]),
        ("description", ["Must not contain control characters"]),
    ]
