"""Clerk's plan claims, read as Clerk's own ``has()`` reads them.

``fea`` lists features and ``pla`` the plan, each as comma-separated
``scope:slug`` entries; the scope is ``u`` (the user's), ``o`` (the active
organisation's) or ``uo`` (both). A user-scoped check sees the entries whose
scope contains ``u``, an organisation-scoped one those containing ``o``.
A claim that is not a string or has any malformed entry grants nothing.
"""

from __future__ import annotations

import re

from core.records import frozen

CLAIM_MAX = 8192
"""Longer claims are not read (a parse has a bound)."""
ENTRIES_MAX = 256
_ENTRY = re.compile(r"(u|o|uo):([A-Za-z0-9_\-.]{1,128})")


@frozen
class ScopedSlugs:
    """The slugs of a ``fea`` or ``pla`` claim, by scope."""

    user: frozenset[str] = frozenset()
    org: frozenset[str] = frozenset()


NOTHING = ScopedSlugs()


def parse_scoped(claim: object) -> ScopedSlugs:
    """The entries of a claim; ``NOTHING`` when it is absent, empty or
    malformed in any entry. Never raises."""
    if not isinstance(claim, str) or not claim.strip() or len(claim) > CLAIM_MAX:
        return NOTHING
    entries = claim.split(",", ENTRIES_MAX)
    if len(entries) > ENTRIES_MAX:
        return NOTHING
    user: set[str] = set()
    org: set[str] = set()
    for entry in entries:
        match = _ENTRY.fullmatch(entry.strip())
        if match is None:
            return NOTHING
        scope, slug = match.groups()
        if "u" in scope:
            user.add(slug)
        if "o" in scope:
            org.add(slug)
    return ScopedSlugs(frozenset(user), frozenset(org))


def user_features(fea: object) -> frozenset[str]:
    """The features a user-scoped ``has({feature})`` finds in ``fea``."""
    return parse_scoped(fea).user


def user_plan(pla: object) -> str | None:
    """The user's plan slug from ``pla``; None when there is none, or not
    exactly one."""
    plans = parse_scoped(pla).user
    return next(iter(plans)) if len(plans) == 1 else None
