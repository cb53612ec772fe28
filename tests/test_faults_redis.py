"""Redis going away under the rate limiter, in-process (issue 7; the same outage under
gunicorn is in tests/test_faults_gunicorn.py).

Decided: with Redis gone the limits are counted per process (flask-limiter's in-memory
fallback), neither lifted (an outage must not open the service to abuse) nor turned into
errors, and counting returns to Redis once it answers again (flask-limiter re-checks after
1, 2, 4 … 32 s). The two races the switch-over has, both found by the gunicorn test as 500s,
are pinned here: requests in flight when Redis dies, and Redis dying between a request's
own limit check and its fetch quota.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import redis

from plainpage.web import create_app
from tests.web_support import AUTH, FakeFetcher, MemoryCache, article_page, fetched, settings

if TYPE_CHECKING:  # imported by pytest as a plugin (below), so that its asserts are rewritten
    from tests.redis_server import RedisServer

pytest_plugins = ["tests.redis_server"]

URL = "https://news.test/a"
UNLIMITED = "100000/minute"


def test_rate_limits_hold_in_memory_while_redis_is_down(tmp_path: Path,
                                                        redis_server: RedisServer) -> None:
    app = create_app(settings(tmp_path, redis_url=redis_server.url, rate_limit="3/minute"),
                     fetcher=FakeFetcher({URL: fetched(URL, article_page())}))
    client = app.test_client()
    assert client.get("/v1/rules", headers=AUTH).status_code == 200
    with redis.Redis.from_url(redis_server.url) as raw:
        assert any(not key.startswith(b"plainpage:v1:") for key in raw.keys("*"))  # a counter
    redis_server.kill()
    statuses = [client.post("/v1/extract", json={"html": article_page()}, headers=AUTH)
                .status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]  # a fresh count in memory: 3 allowed
    assert client.get("/healthz").get_json()["cache"] == "unavailable"


def test_requests_in_flight_when_redis_dies_are_not_errors(tmp_path: Path,
                                                           redis_server: RedisServer) -> None:
    # Without swallow_errors, a thread whose limit check fails after another thread has
    # switched to the fallback re-raised the ConnectionError: 3-6 answers of 500 per run.
    app = create_app(settings(tmp_path, redis_url=redis_server.url, rate_limit=UNLIMITED),
                     cache=MemoryCache())
    client = app.test_client()
    stop = time.monotonic() + 1.0

    def hammer(_: int) -> list[int]:
        statuses = []
        while time.monotonic() < stop:
            statuses.append(client.get("/v1/rules", headers=AUTH).status_code)
        return statuses

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(hammer, n) for n in range(8)]
        time.sleep(0.4)
        redis_server.kill()
        statuses = [status for future in futures for status in future.result()]
    assert len(statuses) > 100 and set(statuses) == {200}


class KillingCache(MemoryCache):
    """A cache whose lookup kills Redis: it dies after the request's own limit check and
    before the fetch quota is counted, deterministically."""

    def __init__(self, server: RedisServer) -> None:
        super().__init__()
        self.server = server

    def _get(self, key: str) -> bytes | None:
        self.server.kill()
        return None


def test_redis_dying_before_the_fetch_quota_is_not_an_error(tmp_path: Path,
                                                            redis_server: RedisServer) -> None:
    fetcher = FakeFetcher({URL: fetched(URL, article_page())})
    app = create_app(settings(tmp_path, redis_url=redis_server.url, rate_limit=UNLIMITED),
                     fetcher=fetcher, cache=KillingCache(redis_server))
    response = app.test_client().get("/v1/extract", query_string={"url": URL}, headers=AUTH)
    assert response.status_code == 200, response.get_json()
    assert fetcher.calls == [URL]


def test_a_hung_redis_costs_a_short_timeout_not_a_stuck_request(
        tmp_path: Path, redis_server: RedisServer) -> None:
    # Before the limiter had socket timeouts, this request waited as long as Redis did.
    app = create_app(settings(tmp_path, redis_url=redis_server.url, rate_limit=UNLIMITED),
                     fetcher=FakeFetcher({URL: fetched(URL, article_page())}))
    client = app.test_client()
    assert client.get("/v1/rules", headers=AUTH).status_code == 200
    redis_server.pause()
    try:
        started = time.monotonic()
        statuses = [client.get("/v1/extract", query_string={"url": URL}, headers=AUTH)
                    .status_code, client.get("/v1/rules", headers=AUTH).status_code]
        elapsed = time.monotonic() - started
    finally:
        redis_server.resume()
    assert statuses == [200, 200] and elapsed < 3
