"""What every unit of work does, whatever stores the data: the part of the
pipeline that use cases cannot forget.

- **Cache invalidation**: a repository records the cache tags of each record
  it writes (``wrote``); once ``commit()`` has succeeded the unit of work
  invalidates them all, and a rollback forgets them. No use case calls
  ``invalidate``.
- **Idempotency**: when the running call holds an idempotency key
  (``core.idempotency.held_key``), the first commit marks it committed in
  the same transaction, before COMMIT (``_mark_committed``).
- **Ownership**: one guard for every record a user may touch. A record that
  does not exist and one that belongs to someone else raise the same
  ``Forbidden``.

``adapters/db`` (SQLAlchemy) and ``adapters/fakes`` (dicts, for tests) subclass it and
supply the transaction (``_commit``, ``_rollback``, ``_mark_committed``) and
the repositories.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from core.domain import Actor, Interview, JobInfo, Question
from core.errors import Forbidden
from core.idempotency import HeldKey, TakenOver, held_key
from core.ports import TagCache
from core.repositories import Interviews, JobInfos, Questions


class _OfJobInfo(Protocol):
    @property
    def job_info_id(self) -> str: ...


R = TypeVar("R", bound=_OfJobInfo)

Wrote = Callable[[Iterable[str]], None]
"""What a repository is given to record the cache tags of what it wrote."""


def owns(actor: Actor, job_info: JobInfo | None) -> JobInfo:
    """The job info, if it exists and is the actor's; else ``Forbidden``."""
    if job_info is None or job_info.user_id != actor.user_id:
        raise Forbidden()
    return job_info


class TrackedUnitOfWork(ABC):
    """The tags written in this transaction, invalidated after commit, and
    the ownership guard. ``cache=None``: nothing to invalidate.
    ``one_write``: a second write is refused (``Storage.unit_of_work``)."""

    def __init__(self, cache: TagCache | None, one_write: bool = False) -> None:
        self._cache = cache
        self._written: set[str] = set()
        self._one_write = one_write
        self._writes = 0

    @property
    @abstractmethod
    def job_infos(self) -> JobInfos: ...

    @property
    @abstractmethod
    def interviews(self) -> Interviews: ...

    @property
    @abstractmethod
    def questions(self) -> Questions: ...

    @abstractmethod
    def _commit(self) -> None: ...

    @abstractmethod
    def _rollback(self) -> None: ...

    @abstractmethod
    def _mark_committed(self, held: HeldKey) -> bool:
        """Mark ``held`` committed in this transaction (its writes, not yet
        committed): undone with them by a rollback. False, marking nothing,
        when the key is no longer held with ``held.token`` (a retry took it
        over after its lease); the mark then waits for, or excludes, any
        such takeover until this transaction ends."""

    def wrote(self, tags: Iterable[str]) -> None:
        """Called by the repositories with the tags of what they wrote."""
        self._writes += 1
        if self._one_write and self._writes > 1:
            self.rollback()  # a programming error: what is not committed yet is dropped
            raise RuntimeError("a unit of work of one write wrote again")
        self._written.update(tags)

    def commit(self) -> None:
        held = held_key()
        if held is not None and not held.committed and not self._mark_committed(held):
            self.rollback()
            raise TakenOver()
        self._commit()
        if held is not None:
            held.committed = True
        written, self._written = self._written, set()
        if written and self._cache is not None:
            self._cache.invalidate(sorted(written))

    def rollback(self) -> None:
        self._written.clear()
        self._rollback()

    # --- ownership ------------------------------------------------------------

    def owned_job_info(self, actor: Actor, job_info_id: str) -> JobInfo:
        """The job info, if it is the caller's."""
        return owns(actor, self.job_infos.get(job_info_id))

    def owned_interview(self, actor: Actor, interview_id: str) -> tuple[Interview, JobInfo]:
        """The interview and its job info, if that job info is the caller's."""
        return self._with_job_info(actor, self.interviews.get(interview_id))

    def owned_question(self, actor: Actor, question_id: str) -> tuple[Question, JobInfo]:
        """The question and its job info, if that job info is the caller's."""
        return self._with_job_info(actor, self.questions.get(question_id))

    def _with_job_info(self, actor: Actor, record: R | None) -> tuple[R, JobInfo]:
        if record is None:
            raise Forbidden()
        return record, self.owned_job_info(actor, record.job_info_id)
