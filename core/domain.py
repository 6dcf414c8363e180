"""The domain model: frozen attrs values for what darasa stores."""

from __future__ import annotations

import enum
from datetime import datetime

from attrs import frozen


class ExperienceLevel(enum.Enum):
    JUNIOR = "junior"
    MID_LEVEL = "mid-level"
    SENIOR = "senior"


@frozen
class Actor:
    """Who is calling: the authenticated user behind a request."""

    user_id: str


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
