"""The caches' bytes are bounded in all and per user (issue 8, finding 2):
one user's reads cannot take a worker's memory, nor crowd out other users'
entries; a value over a user's share is served but not kept."""

from __future__ import annotations

import redis
from attrs import frozen

from adapters.cache.entries import SizedEntries, size_of
from adapters.cache.memory import MemoryTagCache
from adapters.cache.redis import RedisTagCache
from core.pipeline import Success
from tests.unit.app_on_fakes import FakeApp

KIB = 1024


@frozen
class Record:
    text: str


def big(n: int, kib: int = 10) -> tuple[Record, ...]:
    return tuple(Record(f"{n}-" + "x" * kib * KIB) for _ in range(4))


def test_size_of_counts_what_a_cached_read_holds() -> None:
    small = size_of((Record("a"),))
    large = size_of((Record("a" * 100 * KIB),))
    assert small is not None and large is not None and large - small >= 100 * KIB - 64
    assert size_of(list(range(1000)), limit=100) is None


def test_one_user_cannot_grow_the_cache_past_their_share_nor_evict_others() -> None:
    cache = MemoryTagCache(max_bytes=2_000 * KIB, max_bytes_per_user=200 * KIB)
    cache.get_or_load("victim", ["t"], lambda: big(0), owner="victim")
    for n in range(500):  # 20 MB of distinct reads by one user
        assert cache.get_or_load(f"k{n}", ["t"], lambda n=n: big(n), owner="attacker") == big(n)
    assert cache.kept_bytes("attacker") <= 200 * KIB
    assert cache.kept_bytes() <= 2_000 * KIB
    loads = []
    cache.get_or_load("victim", ["t"], lambda: loads.append(1) or big(0), owner="victim")
    assert loads == []  # still cached


def test_many_users_together_stay_within_the_total() -> None:
    cache = MemoryTagCache(max_bytes=500 * KIB, max_bytes_per_user=200 * KIB)
    for n in range(200):
        cache.get_or_load(f"k{n}", ["t"], lambda n=n: big(n), owner=f"user{n}")
    assert cache.kept_bytes() <= 500 * KIB


def test_a_value_over_a_users_share_is_served_but_not_kept() -> None:
    cache = MemoryTagCache(max_bytes_per_user=20 * KIB)
    assert cache.get_or_load("huge", ["t"], lambda: big(1, kib=50), owner="u") == big(1, kib=50)
    assert cache.entry_count() == 0 and cache.kept_bytes() == 0


def test_sized_entries_account_bytes_exactly_through_replace_and_evict() -> None:
    entries = SizedEntries(max_entries=3, max_bytes=10**9, max_bytes_per_owner=10**9)
    for n in range(5):
        entries.put(f"k{n}", 0, big(n, kib=1), "u")
    entries.put("k4", 1, big(4, kib=2), "u")  # replaced, not counted twice
    assert len(entries) == 3
    assert entries.bytes == entries.owner_bytes("u") == sum(
        size_of((f"k{n}", s, big(n, kib=k))) or 0 for n, s, k in [(2, 0, 1), (3, 0, 1), (4, 1, 2)]
    )
    entries.clear()
    assert entries.bytes == 0 and len(entries) == 0


def test_the_redis_caches_local_copies_are_bounded_too() -> None:
    client = redis.Redis.from_url("redis://127.0.0.1:1/0")  # unreachable: reads go through
    cache = RedisTagCache(client, max_bytes=100 * KIB, max_bytes_per_user=50 * KIB)
    assert cache.get_or_load("k", ["t"], lambda: big(1), owner="u") == big(1)
    assert cache.kept_bytes() == 0


def test_a_free_users_searches_do_not_fill_the_cache() -> None:
    # the reproduction of finding 2: distinct queries over large job infos
    app = FakeApp()
    actor = app.user()
    for n in range(20):
        created = app.run("createJobInfo", actor, {"name": f"Job {n}", "experienceLevel": "junior",
                                                   "description": "python " + "y" * 5_000})
        assert isinstance(created, Success)
    for n in range(100):
        assert isinstance(app.run("listJobInfos", actor, {"query": f"python {n}"}), Success)
    assert app.cache.kept_bytes() == 0
