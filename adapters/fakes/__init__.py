"""Fakes of the ports for the tests: tiny but real implementations (dicts and
lists behind a lock) that record what happened where a test needs to see it
(``commits``, ``verifications``, ``read``). Production never imports them:
the in-process backends a single-process app uses are ``adapters.cache.memory``
and ``adapters.ratelimit.memory``.
"""

from adapters.fakes.clock import FakeClock, SequentialIds
from adapters.fakes.passwords import FakePasswordHasher
from adapters.fakes.storage import FakeStorage

__all__ = ["FakeClock", "FakePasswordHasher", "FakeStorage", "SequentialIds"]
