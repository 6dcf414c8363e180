"""In-memory implementations of the ports: tiny but real (dicts and lists
behind a lock), used by every unit test and by a single-process app.

They record what happened where a test needs to see it (``committed``).
"""

from adapters.memory.clock import FakeClock, SequentialIds
from adapters.memory.passwords import FakePasswordHasher
from adapters.memory.storage import MemoryStorage

__all__ = ["FakeClock", "FakePasswordHasher", "MemoryStorage", "SequentialIds"]
