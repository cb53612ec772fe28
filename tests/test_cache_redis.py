"""The Redis cache backend against a real redis-server (started by tests/redis_server.py)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import pytest
import redis

from plainpage.fetch.cache import MAX_TTL, cache_key, open_cache
from plainpage.fetch.cache_redis import RedisCache

if TYPE_CHECKING:  # imported by pytest as a plugin (below), so that its asserts are rewritten
    from tests.redis_server import RedisServer

pytest_plugins = ["tests.redis_server"]


@pytest.fixture
def raw(redis_server: RedisServer):
    """A plain client on the same server, to look behind the cache's back."""
    client = redis.Redis.from_url(redis_server.url)
    yield client
    client.close()


@pytest.fixture
def cache(redis_server: RedisServer):
    # A short skip window keeps the outage tests fast; production uses 1 s.
    with RedisCache(redis_server.url, retry_after=0.05) as c:
        yield c


def test_open_cache_with_a_url_is_redis(redis_server: RedisServer, tmp_path) -> None:
    with open_cache(redis_server.url, tmp_path / "unused") as c:
        assert isinstance(c, RedisCache) and c.ping()
    assert not (tmp_path / "unused").exists()  # no SQLite file when Redis is configured


def test_a_url_that_is_not_redis_fails_at_open(tmp_path) -> None:
    with pytest.raises(ValueError):
        open_cache("http://127.0.0.1:6379/", tmp_path)


def test_set_get_stores_exactly_the_callers_bytes(cache: RedisCache, raw: redis.Redis) -> None:
    key = cache_key("https://example.com/a", "x1", "r1", "json")
    value = b'{"title": "A"}\x00\xff'
    assert cache.get(key) is None
    cache.put(key, value, 60)
    assert cache.get(key) == value
    assert raw.keys("*") == [key.encode()]  # one plain string under our prefixed key
    assert raw.type(key) == b"string" and raw.get(key) == value
    assert 59_000 < raw.pttl(key) <= 60_000


def test_ttl_expires_on_the_server(cache: RedisCache, raw: redis.Redis) -> None:
    cache.put("short", b"v", 0.15)
    cache.put("tiny", b"v", 0.0001)  # rounds up to 1 ms, never to an invalid PX 0
    cache.put("huge", b"v", 10 * MAX_TTL)
    assert cache.get("short") == b"v"
    assert raw.pttl("huge") <= MAX_TTL * 1000
    time.sleep(0.25)
    assert cache.get("short") is None and cache.get("tiny") is None


@pytest.mark.parametrize("ttl", [0, -5, float("nan")])
def test_nothing_stored_without_a_positive_ttl(cache: RedisCache, raw: redis.Redis,
                                               ttl: float) -> None:
    cache.put("k", b"v", ttl)
    assert raw.dbsize() == 0


def test_oversized_values_are_not_stored(redis_server: RedisServer, raw: redis.Redis) -> None:
    with RedisCache(redis_server.url, max_value_bytes=1000) as c:
        c.put("big", b"x" * 1001, 60)
        c.put("ok", b"x" * 1000, 60)
    assert raw.keys("*") == [b"ok"]


def test_two_clients_share_one_server(redis_server: RedisServer) -> None:
    with RedisCache(redis_server.url) as a, RedisCache(redis_server.url) as b:
        a.put("from-a", b"1", 60)
        b.put("from-b", b"2", 60)
        assert b.get("from-a") == b"1" and a.get("from-b") == b"2"


def test_someone_elses_data_under_our_key_is_a_miss(cache: RedisCache, raw: redis.Redis) -> None:
    raw.rpush("plainpage:v1:list", b"x")  # WRONGTYPE for GET
    assert cache.get("plainpage:v1:list") is None
    cache.put("k", b"v", 60)
    assert cache.get("k") == b"v"


def test_outage_and_recovery(redis_server: RedisServer, cache: RedisCache, caplog) -> None:
    cache.put("before", b"v", 60)
    redis_server.kill()
    with caplog.at_level(logging.WARNING):
        started = time.monotonic()
        for _ in range(50):
            assert cache.get("before") is None
            cache.put("during", b"v", 60)
        assert cache.ping() is False
        assert time.monotonic() - started < 2  # refused connections fail fast
        assert caplog.text.count("cache unavailable") == 1  # once per outage, not per call

        redis_server.start()  # same port, empty: no persistence
        assert cache.ping() is True
        cache.put("after", b"v", 60)
        assert cache.get("after") == b"v"
        assert cache.get("before") is None and cache.get("during") is None
        assert caplog.text.count("available again") == 1

        redis_server.kill()  # a second outage is logged again
        assert cache.get("after") is None
        assert caplog.text.count("cache unavailable") == 2


def test_a_hung_server_costs_one_short_timeout(redis_server: RedisServer,
                                               cache: RedisCache) -> None:
    cache.put("k", b"v", 60)
    redis_server.pause()
    try:
        started = time.monotonic()
        assert cache.get("k") is None
        first = time.monotonic() - started
        started = time.monotonic()
        cache.put("k2", b"v", 60)  # within retry_after: skipped, no second wait
        assert cache.get("k") is None
        second = time.monotonic() - started
    finally:
        redis_server.resume()
    assert 0.45 < first < 1.5 and second < 0.1  # 0.5 s socket timeout, then skipped
    time.sleep(0.06)
    assert cache.get("k") == b"v" and cache.ping()


def test_redis_url_options_reach_the_client(redis_server: RedisServer) -> None:
    with RedisCache(redis_server.url.replace("/0", "/3")) as c:
        c.put("k", b"v", 60)
    raw3 = redis.Redis.from_url(redis_server.url.replace("/0", "/3"))
    raw0 = redis.Redis.from_url(redis_server.url)
    try:
        assert raw3.get("k") == b"v" and raw0.get("k") is None
    finally:
        raw3.close()
        raw0.close()
