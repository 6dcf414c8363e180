"""The core wired on the in-memory fakes, as every unit test uses it: one
place that builds the action registry the way the container does."""

from __future__ import annotations

from attrs import define, field

from adapters.cache.memory import MemoryTagCache
from adapters.memory import FakeClock, MemoryStorage, SequentialIds
from adapters.web.converter import structure
from core.domain import Actor, User
from core.jobinfos import job_info_actions
from core.pipeline import Actions


@define
class FakeApp:
    storage: MemoryStorage = field(factory=MemoryStorage)
    cache: MemoryTagCache = field(factory=MemoryTagCache)
    clock: FakeClock = field(factory=FakeClock)
    ids: SequentialIds = field(factory=SequentialIds)
    actions: Actions = field(init=False)

    def __attrs_post_init__(self) -> None:
        self.actions = Actions(
            job_info_actions(self.storage, self.cache, self.clock, self.ids), structure
        )

    def user(self, name: str = "user") -> Actor:
        now = self.clock.now()
        user_id = self.ids.new()
        with self.storage.unit_of_work(write=True) as uow:
            uow.users.add(User(user_id, name, f"{name}-{user_id}@example.com", None, now, now))
            uow.commit()
        return Actor(user_id)
