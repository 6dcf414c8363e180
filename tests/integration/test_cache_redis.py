"""The Redis tag cache against a real Redis: two caches stand for two
processes sharing the backend; a write in one is never followed by a stale
read in the other."""

from __future__ import annotations

import os

import pytest
import redis

from adapters.cache.redis import RedisTagCache
from tests.integration._services import random_key, redis_url


@pytest.fixture
def client():
    connection = redis.Redis.from_url(redis_url())
    yield connection
    connection.close()


@pytest.fixture
def prefix(client):
    prefix = random_key("cache")
    yield prefix
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def test_an_invalidation_in_one_process_is_seen_by_every_other(client, prefix):
    process_a, process_b = RedisTagCache(client, prefix), RedisTagCache(client, prefix)
    database = {"job": "v1"}
    loads = []

    def load():
        loads.append(database["job"])
        return database["job"]

    tags = ["global:jobInfos", "id:1:jobInfos"]
    assert process_a.get_or_load("jobInfo:1", tags, load) == "v1"  # first read sets the epoch
    assert process_a.get_or_load("jobInfo:1", tags, load) == "v1"
    assert process_a.get_or_load("jobInfo:1", tags, load) == "v1"
    assert loads == ["v1", "v1"]  # the third read was served from the cache

    database["job"] = "v2"
    process_b.invalidate(["id:1:jobInfos"])
    assert process_a.get_or_load("jobInfo:1", tags, load) == "v2"


def test_a_value_loaded_before_a_write_is_never_served_after_it(client, prefix):
    cache, writer = RedisTagCache(client, prefix), RedisTagCache(client, prefix)
    cache.get_or_load("warm", ["t"], lambda: None)  # establish the epoch
    database = {"job": "old"}

    def slow_load():
        value = database["job"]
        database["job"] = "new"  # a write commits while this read is in flight
        writer.invalidate(["t"])
        return value

    assert cache.get_or_load("k", ["t"], slow_load) == "old"
    assert cache.get_or_load("k", ["t"], lambda: database["job"]) == "new"


def test_losing_redis_data_makes_every_local_entry_stale(client, prefix):
    cache = RedisTagCache(client, prefix)
    cache.get_or_load("k", ["t"], lambda: "warm")
    cache.get_or_load("k", ["t"], lambda: "v1")
    cache.invalidate(["t"])
    assert cache.get_or_load("k", ["t"], lambda: "v2") == "v2"
    # Redis restarts empty; the same number of invalidations follows.
    client.delete(*client.scan_iter(f"{prefix}:*"))
    cache.get_or_load("other", ["u"], lambda: None)  # a new epoch
    cache.invalidate(["t"])
    assert cache.get_or_load("k", ["t"], lambda: "v3") == "v3"


def test_a_forked_worker_never_gives_a_version_its_parent_gives(client, prefix):
    """Workers forked from one parent each draw their own versions: had a
    child counted on from its parent's count, the parent's next write could
    give a tag the version the child gave it, and leave a copy loaded after
    the child's write looking current after the parent's."""
    cache = RedisTagCache(client, prefix)
    cache.get_or_load("warm", ["w"], lambda: None)  # the epoch
    cache.invalidate(["t"])
    child = os.fork()
    if child == 0:  # the forked worker writes, with a client of its own
        code = 1
        try:
            forked = redis.Redis.from_url(redis_url())
            RedisTagCache(forked, prefix).invalidate(["t"])
            code = 0
        finally:
            os._exit(code)
    assert os.waitpid(child, 0)[1] == 0
    assert cache.get_or_load("k", ["t"], lambda: "after the child's write") == "after the child's write"
    cache.invalidate(["t"])  # the parent's own write
    assert cache.get_or_load("k", ["t"], lambda: "after the parent's write") == "after the parent's write"


def test_without_redis_reads_go_through_and_writes_do_not_fail():
    down = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    cache = RedisTagCache(down, "nowhere")
    assert cache.get_or_load("k", ["t"], lambda: 1) == 1
    assert cache.get_or_load("k", ["t"], lambda: 2) == 2
    cache.invalidate(["t"])  # the write committed: it is not answered as failed


class Interrupted:
    """A real client whose connection can be cut: while ``down``, every
    command fails as a dead Redis's would."""

    def __init__(self, client: redis.Redis) -> None:
        self.client, self.down = client, False

    def __getattr__(self, name: str):  # noqa: ANN204 - delegates to redis.Redis
        if self.down:
            raise redis.ConnectionError("cut")
        return getattr(self.client, name)


def test_an_invalidation_lost_in_an_outage_still_reaches_every_process(client, prefix):
    link = Interrupted(client)
    writer, reader = RedisTagCache(link, prefix), RedisTagCache(client, prefix)  # type: ignore[arg-type]
    database = {"job": "old"}
    writer.get_or_load("warm", ["w"], lambda: None)
    assert reader.get_or_load("k", ["t"], lambda: database["job"]) == "old"
    link.down = True
    database["job"] = "new"
    writer.invalidate(["t"])  # undelivered: Redis is away for this process
    assert writer.get_or_load("k", ["t"], lambda: database["job"]) == "new"  # read through
    link.down = False
    writer.get_or_load("any", ["u"], lambda: None)  # first contact: the epoch is renewed
    assert reader.get_or_load("k", ["t"], lambda: database["job"]) == "new"


def test_a_process_that_loses_redis_drops_its_copies(client, prefix):
    link = Interrupted(client)
    cache = RedisTagCache(link, prefix)  # type: ignore[arg-type]
    assert cache.get_or_load("k", ["t"], lambda: "v1") == "v1"
    link.down = True
    assert cache.get_or_load("k", ["t"], lambda: "v2") == "v2"
    link.down = False
    assert cache.get_or_load("k", ["t"], lambda: "v3") == "v3"


def test_local_copies_are_bounded_in_bytes_per_user_and_in_all(client, prefix):
    cache = RedisTagCache(client, prefix, max_bytes=300 * 1024, max_bytes_per_user=100 * 1024)
    cache.get_or_load("first", ["t"], lambda: 0)  # sets the epoch
    cache.get_or_load("victim", ["t"], lambda: "v" * 50 * 1024, owner="victim")
    for n in range(200):  # 4 MB of distinct reads by one user
        cache.get_or_load(f"k{n}", ["t"], lambda n=n: f"{n}" + "x" * 20 * 1024, owner="attacker")
    assert cache.kept_bytes("attacker") <= 100 * 1024 and cache.kept_bytes() <= 300 * 1024
    loads = []
    cache.get_or_load("victim", ["t"], lambda: loads.append(1) or "", owner="victim")
    assert loads == []
