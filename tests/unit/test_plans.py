"""The plan catalogue, its PLAN_CATALOG override, and plans read and changed
through the storage port."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from adapters.plans import catalog_from_json, load_catalog
from core.errors import ErrorCode, Failure
from core.pipeline import Context, Success
from core.plans import ChangePlan, ChangePlanCommand, PlanCatalog, UnknownPlan, UnknownUser
from entrypoints.bootstrap import build
from tests.unit.app_on_fakes import FakeApp


def test_the_default_catalogue_is_the_designs_table():
    catalog = PlanCatalog.default()
    assert catalog.default_plan == "free"
    assert catalog.plans["free"] == {"1_interview", "5_questions"}
    assert catalog.plans["pro"] == {"unlimited_interviews", "unlimited_questions"}
    assert catalog.plans["max"] == {
        "unlimited_interviews", "unlimited_questions", "unlimited_resume_analysis"
    }
    assert "unlimited_resume_analysis" not in catalog.plans["pro"]


@pytest.mark.parametrize(
    ("plan", "interviews", "questions"),
    [("free", 1, 5), ("pro", None, None), ("max", None, None), ("gone", 1, 5), (None, 1, 5)],
)
def test_limits_follow_the_features_of_the_plan(plan, interviews, questions):
    catalog = PlanCatalog.default()
    features = catalog.features_of(plan)
    assert catalog.limit(features, "interviews") == interviews
    assert catalog.limit(features, "questions") == questions


def test_no_feature_for_a_kind_allows_none():
    catalog = catalog_from_json('{"plans": {"trial": ["5_questions"]}, "defaultPlan": "trial"}')
    assert catalog.limit(catalog.features_of("trial"), "interviews") == 0
    assert catalog.limit(catalog.features_of("trial"), "questions") == 5


def test_from_json_reads_plans_default_and_allowances():
    catalog = catalog_from_json(
        json.dumps(
            {
                "plans": {"basic": ["3_interviews"], "team": ["unlimited_interviews"]},
                "defaultPlan": "basic",
                "allowances": {"3_interviews": {"kind": "interviews", "count": 3}},
            }
        )
    )
    assert catalog.default_plan == "basic"
    assert catalog.resolve("free") == "basic"
    assert catalog.limit(catalog.features_of("basic"), "interviews") == 3
    assert catalog.limit(catalog.features_of("team"), "interviews") is None


def test_from_json_keeps_the_default_allowances_when_none_are_given():
    catalog = catalog_from_json('{"plans": {"free": ["1_interview"]}}')
    assert catalog.allowances == PlanCatalog.default().allowances


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "must be a JSON object"),
        ('{"defaultPlan": "free"}', "'plans' is required"),
        ('{"plans": {"free": []}, "extra": 1}', "unknown key(s) 'extra'"),
        ('{"plans": []}', "'plans' must be an object"),
        ('{"plans": {}}', "at least one plan"),
        ('{"plans": {"free": "1_interview"}}', "plan 'free' must list its features"),
        ('{"plans": {"free": [1]}}', "plan 'free' must list its features"),
        ('{"plans": {"free": [""]}}', "plan 'free' must list its features"),
        (json.dumps({"plans": {"x" * 33: []}, "defaultPlan": "x" * 33}), "1 to 32 characters"),
        ('{"plans": {"pro": []}}', "default plan 'free' is not one of the plans"),
        ('{"plans": {"free": []}, "defaultPlan": 1}', "'defaultPlan' must be a string"),
        ('{"plans": {"free": []}, "allowances": []}', "'allowances' must be an object"),
        ('{"plans": {"free": []}, "allowances": {"a": 1}}', "allowance 'a' must be an object"),
        ('{"plans": {"free": []}, "allowances": {"a": {"kind": "questions"}}}', "exactly 'kind' and 'count'"),
        ('{"plans": {"free": []}, "allowances": {"a": {"kind": "answers", "count": 1}}}', "kind must be one of interviews, questions"),
        ('{"plans": {"free": []}, "allowances": {"a": {"kind": "questions", "count": -1}}}', "count must be a whole number"),
        ('{"plans": {"free": []}, "allowances": {"a": {"kind": "questions", "count": 1.5}}}', "count must be a whole number"),
        ('{"plans": {"free": []}, "allowances": {"a": {"kind": "questions", "count": true}}}', "count must be a whole number"),
    ],
)
def test_from_json_refuses_what_it_cannot_mean_and_says_why(text, problem):
    with pytest.raises(ValueError, match="plan catalogue") as raised:
        catalog_from_json(text)
    assert problem in str(raised.value)


def test_the_setting_is_json_a_file_or_unset(tmp_path):
    assert load_catalog(None) == PlanCatalog.default()
    assert load_catalog("  ") == PlanCatalog.default()
    assert load_catalog('{"plans": {"free": ["x"]}}').plans == {"free": frozenset({"x"})}
    path = tmp_path / "plans.json"
    path.write_text('{"plans": {"free": ["y"]}}')
    assert load_catalog(str(path)).plans == {"free": frozenset({"y"})}
    path.write_text('{"plans": {"free": ["y"]}, "oops": 1}')
    with pytest.raises(ValueError, match=f"PLAN_CATALOG file {path}: .*unknown key"):
        load_catalog(str(path))
    with pytest.raises(ValueError, match="PLAN_CATALOG: cannot read"):
        load_catalog(str(tmp_path / "missing.json"))


def change_plan(app: FakeApp) -> Callable[[str, str], object]:
    """``darasa plans set`` as the CLI runs it, on the app's container."""
    use_case = build(app.container, ChangePlan)
    return lambda email, plan: use_case(Context(), ChangePlanCommand(email=email, plan=plan))


def test_get_plan_answers_the_plan_and_its_features_sorted():
    app = FakeApp()
    actor = app.user()
    result = app.run("getPlan", actor, {})
    assert isinstance(result, Success)
    found = result.data
    assert (found.plan, found.features) == ("free", ["1_interview", "5_questions"])
    change_plan(app)(f"user-{actor.user_id}@example.com".upper(), "max")
    found = app.run("getPlan", actor, {}).data
    assert (found.plan, found.features) == (
        "max", ["unlimited_interviews", "unlimited_questions", "unlimited_resume_analysis"]
    )


def test_get_plan_says_how_much_of_each_allowance_is_used():
    app = FakeApp()
    actor = app.user()
    job = app.run("createJobInfo", actor, {"name": "Acme", "experienceLevel": "junior",
                                          "description": "Python services"}).data
    for _ in range(2):
        assert isinstance(app.run("generateQuestion", actor, {"jobInfoId": job.id, "difficulty": "easy"}),
                          Success)
    usage = {(u.kind, u.used, u.limit) for u in app.run("getPlan", actor, {}).data.usage}
    assert usage == {("questions", 2, 5), ("interviews", 0, 1)}
    change_plan(app)(f"user-{actor.user_id}@example.com", "pro")
    usage = {(u.kind, u.used, u.limit) for u in app.run("getPlan", actor, {}).data.usage}
    assert usage == {("questions", 2, None), ("interviews", 0, None)}


def test_get_plan_takes_no_fields():
    app = FakeApp()
    result = app.run("getPlan", app.user(), {"plan": "max"})
    assert isinstance(result, Failure) and result.code is ErrorCode.VALIDATION
    assert result.field_errors == {"plan": ["Unknown field"]}


def test_a_stored_plan_the_catalogue_no_longer_knows_is_the_default():
    app = FakeApp()
    actor = app.user(plan="gold")
    plans = app.container.plans()
    with app.storage.unit_of_work() as uow:
        assert plans.plan_of(actor, uow) == "free"
        assert plans.has(actor, "1_interview", uow)
        assert not plans.has(actor, "unlimited_interviews", uow)


def test_change_plan_refuses_an_unknown_plan_or_email_and_changes_nothing():
    app = FakeApp()
    actor = app.user()
    change = change_plan(app)
    commits = app.storage.commits
    with pytest.raises(UnknownPlan, match="unknown plan 'gold'; the plans are: free, max, pro"):
        change(f"user-{actor.user_id}@example.com", "gold")
    with pytest.raises(UnknownUser, match="no user with the email 'nobody@example.com'"):
        change("nobody@example.com", "pro")
    assert app.storage.commits == commits
    with app.storage.unit_of_work() as uow:
        assert app.container.plans().plan_of(actor, uow) == "free"
