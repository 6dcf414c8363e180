"""The ``fea`` and ``pla`` claims, read as Clerk's ``has()`` reads them: a
user-scoped check sees ``u:`` and ``uo:`` entries, never ``o:`` ones, and a
malformed claim grants nothing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.identity.clerk_claims import (
    CLAIM_MAX,
    parse_scoped,
    user_features,
    user_plan,
)

CASES = [
    ("u:unlimited_interviews", {"unlimited_interviews"}),
    ("uo:unlimited_interviews", {"unlimited_interviews"}),
    ("o:unlimited_interviews", set()),
    ("u:unlimited_interviews,u:5_questions", {"unlimited_interviews", "5_questions"}),
    (
        " u:unlimited_interviews , o:dashboard ,uo:5_questions ",
        {"unlimited_interviews", "5_questions"},
    ),
    ("u:a,u:a", {"a"}),
    ("u:slug-with.dots_and-dashes", {"slug-with.dots_and-dashes"}),
    ("", set()),
    ("   ", set()),
    # malformed anywhere: nothing at all
    ("unlimited_interviews", set()),
    ("u:unlimited_interviews,garbage", set()),
    ("u:unlimited_interviews,", set()),
    ("x:unlimited_interviews", set()),
    ("ou:unlimited_interviews", set()),
    ("U:unlimited_interviews", set()),
    ("u:", set()),
    (":unlimited_interviews", set()),
    ("u:a:b", set()),
    ("u:has space", set()),
    ("u:" + "a" * 129, set()),
    ("u:a," * 300 + "u:b", set()),
    ("u:a" + " " * CLAIM_MAX, set()),
]


@pytest.mark.parametrize(("claim", "features"), CASES)
def test_user_features_of_a_fea_claim(claim: str, features: set[str]) -> None:
    assert user_features(claim) == features


@pytest.mark.parametrize(
    "claim", [None, 42, ["u:unlimited_interviews"], {"u": "x"}, b"u:a"]
)
def test_a_fea_claim_that_is_not_text_grants_nothing(claim: object) -> None:
    assert user_features(claim) == frozenset()


def test_organisation_features_are_kept_apart() -> None:
    scoped = parse_scoped("o:dashboard,uo:reports,u:unlimited_interviews")
    assert scoped.org == {"dashboard", "reports"}
    assert scoped.user == {"reports", "unlimited_interviews"}


@pytest.mark.parametrize(
    ("claim", "plan"),
    [
        ("u:pro", "pro"),
        ("uo:pro", "pro"),
        ("o:team", None),
        ("u:pro,o:team", "pro"),
        ("u:pro,u:max", None),
        ("pro", None),
        (None, None),
        ("", None),
    ],
)
def test_user_plan_of_a_pla_claim(claim: object, plan: str | None) -> None:
    assert user_plan(claim) == plan


@given(
    st.one_of(
        st.text(), st.text(alphabet="uo:,_ a\t\n-.", max_size=60), st.from_type(object)
    )
)
def test_no_claim_ever_raises(claim: object) -> None:
    features = user_features(claim)
    assert isinstance(features, frozenset)
    assert all(isinstance(f, str) and f for f in features)
    user_plan(claim)
