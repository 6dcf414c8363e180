"""The domain model: frozen attrs values for what darasa stores."""

from __future__ import annotations

import enum
from datetime import datetime

from attrs import field, frozen


class ExperienceLevel(enum.Enum):
    JUNIOR = "junior"
    MID_LEVEL = "mid-level"
    SENIOR = "senior"


@frozen
class Actor:
    """Who is calling: the authenticated user behind a request, and what the
    identity provider said about them.

    ``plan`` and ``features`` are the plan data an identity provider vouches
    for (a Clerk session token's ``pla``/``fea`` claims), for a plans adapter
    that answers from them; ``None`` when the provider says nothing (local
    accounts: the plans adapter reads the database). ``session_id`` names the
    session the caller presented, so that signing out can end it; two actors
    are equal when they are the same user with the same plan data, whatever
    the session."""

    user_id: str
    plan: str | None = None
    features: frozenset[str] | None = None
    session_id: str | None = field(default=None, eq=False, repr=False)


@frozen
class User:
    id: str
    name: str
    email: str
    image_url: str | None
    created_at: datetime
    updated_at: datetime


@frozen
class JobInfo:
    id: str
    user_id: str
    name: str
    title: str | None
    experience_level: ExperienceLevel
    description: str
    created_at: datetime
    updated_at: datetime


@frozen
class Interview:
    """A mock interview on a job info. ``duration`` is "HH:MM:SS" and starts
    at "00:00:00"; ``hume_chat_id`` names the external voice chat, once one
    is attached; ``started_at`` and ``ended_at`` bound the conversation."""

    id: str
    job_info_id: str
    duration: str
    hume_chat_id: str | None
    feedback: str | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    ended_at: datetime | None = None
