"""The per-destination-host concurrency cap (security notes R14): real concurrent fetches to a
slow upstream on 127.0.0.1, redirect hops, the service's 429, and the shared count in a real
Redis (two instances, leases of a dead instance expiring, falling back when Redis fails).

Every fetch goes through the tripwire (tests/tripwire.py): nothing leaves 127.0.0.0/8.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import redis
from flask import Flask

from plainpage.errors import HostBusy
from plainpage.fetch import AllowEntry, FetchConfig, Fetched, StaticResolver, fetch
from plainpage.fetch.hostcap import HostCap
from plainpage.web import create_app
from tests.serving import serving
from tests.tripwire import Tripwire, install_tripwire
from tests.web_support import AUTH, PARAGRAPHS, MemoryCache, article_page, settings

if TYPE_CHECKING:  # imported by pytest as a plugin (below), so that its asserts are rewritten
    from tests.redis_server import RedisServer

pytest_plugins = ["tests.redis_server"]

PAGE = article_page().encode()
RESOLVER = StaticResolver({"site.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})


@pytest.fixture(autouse=True)
def tripwire(monkeypatch: pytest.MonkeyPatch) -> Iterator[Tripwire]:
    yield from install_tripwire(monkeypatch)


# -- a slow upstream: /slow holds every request until the test releases it ------------------

class _Slow(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        server: SlowServer = self.server  # type: ignore[assignment]
        url = urlsplit(self.path)
        server.enter(url.path)
        try:
            if url.path == "/slow":
                server.release.wait(10)
            if url.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", dict(parse_qsl(url.query))["to"])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)
        finally:
            server.leave()


class SlowServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Slow)
        self.release = threading.Event()
        self.paths: list[str] = []
        self.active = self.peak = 0
        self._lock = threading.Lock()

    def enter(self, path: str) -> None:
        with self._lock:
            self.paths.append(path)
            self.active += 1
            self.peak = max(self.peak, self.active)

    def leave(self) -> None:
        with self._lock:
            self.active -= 1

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hang up when the test ends

    @property
    def port(self) -> int:
        return int(self.server_address[1])


@pytest.fixture
def upstream() -> Iterator[SlowServer]:
    with serving(SlowServer()) as server:
        yield server
        server.release.set()  # before the shutdown: held requests must finish


def config_for(server: SlowServer, *names: str) -> FetchConfig:
    hosts = names or ("127.0.0.1",)
    return FetchConfig(allow_private=tuple(AllowEntry(host=h, port=server.port) for h in hosts))


def wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def run_threads(count: int, work: Callable[[], object]) -> tuple[list[threading.Thread],
                                                                  list[object]]:
    """Start ``count`` threads running ``work``; each appends its result or exception."""
    outcomes: list[object] = []

    def one() -> None:
        try:
            outcomes.append(work())
        except Exception as exc:  # noqa: BLE001 -- the test inspects what each thread got
            outcomes.append(exc)

    threads = [threading.Thread(target=one, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads, outcomes


# -- the count in one process ------------------------------------------------------------------

def test_holds_are_counted_per_host_and_released() -> None:
    cap = HostCap(2, retry_after=3)
    with cap.hold("News.Test"), cap.hold("news.test"):
        with pytest.raises(HostBusy) as refused:
            with cap.hold("NEWS.test"):
                pass
        assert refused.value.retry_after == 3 and refused.value.status == 429
        assert refused.value.type == "rate-limited"
        with cap.hold("other.test"):  # another host has its own count
            assert cap.busy("news.test") == 2 and cap.busy("other.test") == 1
    with pytest.raises(RuntimeError), cap.hold("news.test"):
        raise RuntimeError("a failed fetch releases its slot too")
    assert cap.busy("news.test") == 0 and cap.busy("other.test") == 0


@pytest.mark.parametrize("bad", [{"limit": 0}, {"lease_seconds": 0}, {"retry_after": 0}])
def test_nonsense_settings_are_refused(bad: dict[str, float]) -> None:
    values: dict[str, Any] = {"limit": 2} | bad
    with pytest.raises(ValueError):
        HostCap(**values)


def test_concurrent_fetches_to_one_host_are_capped(upstream: SlowServer,
                                                   tripwire: Tripwire) -> None:
    cap, config = HostCap(2), config_for(upstream)
    url = f"http://127.0.0.1:{upstream.port}/slow"
    threads, outcomes = run_threads(
        6, lambda: fetch(url, config, hostcap=cap, transport=tripwire, resolver=RESOLVER))
    wait_for(lambda: upstream.active == 2 and len(outcomes) == 4)
    assert all(isinstance(o, HostBusy) for o in outcomes)  # refused at once, never queued
    assert cap.busy("127.0.0.1") == 2
    upstream.release.set()
    for thread in threads:
        thread.join(10)
    pages = [o for o in outcomes if isinstance(o, Fetched)]
    assert len(pages) == 2 and all(p.body == PAGE for p in pages)
    assert upstream.peak == 2 and upstream.paths == ["/slow", "/slow"]
    assert cap.busy("127.0.0.1") == 0


def test_a_redirect_hop_needs_a_slot_of_its_own_host(upstream: SlowServer,
                                                     tripwire: Tripwire) -> None:
    cap, config = HostCap(1), config_for(upstream, "site.test", "other.test")
    target = f"http://other.test:{upstream.port}/page"
    url = f"http://site.test:{upstream.port}/redirect?to={target}"
    with cap.hold("other.test"), pytest.raises(HostBusy, match="other.test"):
        fetch(url, config, hostcap=cap, transport=tripwire, resolver=RESOLVER)
    assert cap.busy("site.test") == 0  # the first hop's slot was given back
    page = fetch(url, config, hostcap=cap, transport=tripwire, resolver=RESOLVER)
    assert page.url == target and page.redirects == (url,)
    assert upstream.paths == ["/redirect", "/redirect", "/page"]


# -- the service answers 429 ---------------------------------------------------------------------

def service(tmp_path: Path, server: SlowServer, **changes: Any) -> Flask:
    """An app with the real fetcher (and so the real cap) allowed to reach ``server``."""
    return create_app(settings(tmp_path, fetch=config_for(server), **changes),
                      cache=MemoryCache())


def test_the_service_answers_429_with_retry_after_over_the_cap(tmp_path: Path,
                                                               upstream: SlowServer) -> None:
    app = service(tmp_path, upstream, host_concurrency=1)
    url = f"http://127.0.0.1:{upstream.port}/slow"
    threads, outcomes = run_threads(1, lambda: app.test_client().get(
        "/v1/extract", query_string={"url": url}, headers=AUTH))
    wait_for(lambda: upstream.active == 1)
    refused = app.test_client().get("/v1/extract", query_string={"url": url}, headers=AUTH)
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    problem = refused.get_json()
    assert problem["type"] == "rate-limited" and "already running" in problem["detail"]
    assert int(refused.headers["Retry-After"]) == problem["retry_after"] >= 1
    upstream.release.set()
    threads[0].join(10)
    first = outcomes[0]
    assert first.status_code == 200 and PARAGRAPHS[0] in first.get_json()["text"]  # type: ignore[attr-defined]


# -- Redis: one count for every instance ---------------------------------------------------------

def test_instances_share_the_count_through_redis(redis_server: RedisServer) -> None:
    one, two = (HostCap(2, redis_url=redis_server.url) for _ in range(2))
    with one.hold("news.test"), two.hold("news.test"):
        for cap in (one, two):
            with pytest.raises(HostBusy), cap.hold("news.test"):
                pass
        assert one.busy("news.test") == 0  # counted in Redis, not in the process
        with redis.Redis.from_url(redis_server.url) as raw:
            keys = raw.keys("*")
            assert len(keys) == 1 and b"news" not in keys[0]  # the host name is hashed
            assert raw.zcard(keys[0]) == 2
    with two.hold("news.test"):
        pass
    with redis.Redis.from_url(redis_server.url) as raw:
        assert raw.keys("*") == []  # nothing left behind once every slot is back


def test_slots_of_a_dead_instance_expire(redis_server: RedisServer) -> None:
    dead = HostCap(1, redis_url=redis_server.url, lease_seconds=0.3)
    held = dead.hold("news.test")
    held.__enter__()  # taken, never given back: the instance "died" (kept referenced, as
    # dropping the context manager would run its release)
    alive = HostCap(1, redis_url=redis_server.url, lease_seconds=0.3)
    with pytest.raises(HostBusy), alive.hold("news.test"):
        pass
    time.sleep(0.4)
    with alive.hold("news.test"):
        pass
    assert held is not None


def test_a_redis_outage_falls_back_to_the_process_count(
        redis_server: RedisServer, caplog: pytest.LogCaptureFixture) -> None:
    cap = HostCap(1, redis_url=redis_server.url)
    redis_server.kill()
    with cap.hold("news.test"):  # no error: counted in this process now
        assert cap.busy("news.test") == 1
        with pytest.raises(HostBusy), cap.hold("news.test"):
            pass
    assert cap.busy("news.test") == 0
    assert caplog.text.count("counting per process") == 1  # once per outage
    redis_server.start()
    time.sleep(1.1)  # Redis is left alone for a second after it failed
    with cap.hold("news.test"):
        assert cap.busy("news.test") == 0  # back in Redis
        with redis.Redis.from_url(redis_server.url) as raw:
            assert len(raw.keys("*")) == 1
    assert "available again" in caplog.text


def test_a_hung_redis_costs_one_short_timeout(redis_server: RedisServer) -> None:
    cap = HostCap(1, redis_url=redis_server.url, timeout=0.3)
    with cap.hold("warm.test"):
        pass
    redis_server.pause()
    try:
        started = time.monotonic()
        for _ in range(20):
            with cap.hold("news.test"):
                pass
        assert time.monotonic() - started < 1.5  # one timeout, then the process count
    finally:
        redis_server.resume()


def test_two_services_share_the_cap_through_redis(tmp_path: Path, upstream: SlowServer,
                                                  redis_server: RedisServer,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    one, two = (service(tmp_path / name, upstream, host_concurrency=1,
                        redis_url=redis_server.url) for name in ("one", "two"))
    url = f"http://127.0.0.1:{upstream.port}/slow"
    threads, outcomes = run_threads(1, lambda: one.test_client().get(
        "/v1/extract", query_string={"url": url}, headers=AUTH))
    wait_for(lambda: upstream.active == 1)
    refused = two.test_client().get("/v1/extract", query_string={"url": url}, headers=AUTH)
    assert refused.status_code == 429 and refused.get_json()["type"] == "rate-limited"
    upstream.release.set()
    threads[0].join(10)
    assert outcomes[0].status_code == 200  # type: ignore[attr-defined]
    assert upstream.paths == ["/slow"]
