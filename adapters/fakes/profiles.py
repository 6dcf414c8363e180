"""An identity provider's user directory in a dict: the ``Profiles`` port
for tests of first use. ``reads`` counts lookups."""

from __future__ import annotations

from core.user_sync import Profile


class FakeProfiles:
    def __init__(self, *profiles: Profile) -> None:
        self.profiles = {p.id: p for p in profiles}
        self.reads = 0

    def profile(self, user_id: str) -> Profile | None:
        self.reads += 1
        return self.profiles.get(user_id)
