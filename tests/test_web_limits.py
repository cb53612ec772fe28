"""Limits: request size (Content-Length and chunked, in-process and over a real socket), rate
limits and the fetch quota (in memory, and in a real Redis shared by two app instances), and
`plainpage serve` run end to end the way the README uses it."""

from __future__ import annotations

import http.client
import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import redis
from flask import Flask
from werkzeug.serving import make_server

from plainpage.web import create_app
from tests.serving import serving
from tests.web_support import (
    AUTH,
    PARAGRAPHS,
    FakeFetcher,
    article_page,
    fetched,
    make_app,
    page_server,
    settings,
)

if TYPE_CHECKING:  # imported by pytest as a plugin (below), so that its asserts are rewritten
    from tests.redis_server import RedisServer

pytest_plugins = ["tests.redis_server"]

LIMIT = 64 * 1024
URL = "https://news.test/a"
KEY_A = "key-a-0123456789abcdef"
KEY_B = "key-b-0123456789abcdef"
CANARY = "PLAINPAGE-CANARY-7f3a"


def body_of(size: int) -> bytes:
    """A valid JSON body of exactly ``size`` bytes."""
    head, tail = b'{"html": "<p>', b'</p>"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


@contextmanager
def live(app: Flask) -> Iterator[int]:
    """The app on a real threaded Werkzeug server on 127.0.0.1; yields its port."""
    with serving(make_server("127.0.0.1", 0, app, threaded=True)) as server:
        yield server.server_port


# --- request size -------------------------------------------------------------------------------


def test_content_length_over_the_limit_is_413(tmp_path: Path) -> None:
    client = make_app(tmp_path, max_request_bytes=LIMIT).test_client()
    response = client.post("/v1/extract", data=body_of(LIMIT + 1),
                           content_type="application/json", headers=AUTH)
    assert response.status_code == 413
    assert response.get_json()["type"] == "payload-too-large"
    ok = client.post("/v1/extract", data=body_of(LIMIT), content_type="application/json",
                     headers=AUTH)
    assert ok.status_code == 200


@pytest.mark.parametrize(("size", "status"), [(1000, 200), (LIMIT, 200), (LIMIT + 1, 413),
                                              (5 * LIMIT, 413)])
def test_chunked_bodies_are_held_to_the_limit(tmp_path: Path, size: int, status: int) -> None:
    # No Content-Length and a server that ends the stream itself: what a chunked POST
    # looks like to the app. Werkzeug alone would hand over the first LIMIT bytes.
    client = make_app(tmp_path, max_request_bytes=LIMIT).test_client()
    response = client.post("/v1/extract", input_stream=io.BytesIO(body_of(size)),
                           content_type="application/json", headers=AUTH,
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == status, response.get_data(as_text=True)[:200]
    if status == 413:
        assert response.get_json()["type"] == "payload-too-large"


def test_chunked_body_on_a_server_that_cannot_delimit_it_is_411(tmp_path: Path) -> None:
    client = make_app(tmp_path).test_client()
    response = client.post("/v1/extract", input_stream=io.BytesIO(body_of(1000)),
                           content_type="application/json",
                           headers={**AUTH, "Transfer-Encoding": "chunked"})
    assert response.status_code == 411 and response.get_json()["type"] == "length-required"


def _chunked_post(port: int, body: bytes) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    pieces = (body[i:i + 8192] for i in range(0, len(body), 8192))
    connection.request("POST", "/v1/extract", body=pieces, encode_chunked=True,
                       headers={**AUTH, "Content-Type": "application/json"})
    response = connection.getresponse()
    result = response.status, response.read()
    connection.close()
    return result


def test_a_real_chunked_post_over_the_limit_is_413_not_a_truncated_200(tmp_path: Path) -> None:
    # Security notes D16, over a real socket through Werkzeug's server.
    app = make_app(tmp_path, max_request_bytes=LIMIT)
    with live(app) as port:
        status, raw = _chunked_post(port, body_of(2 * LIMIT))
        assert status == 413 and b'"payload-too-large"' in raw
        status, raw = _chunked_post(port, body_of(LIMIT - 100))
        assert status == 200 and b'"text"' in raw


# --- rate limits ----------------------------------------------------------------------------------


def _rules(client, headers: dict[str, str]) -> int:
    return int(client.get("/v1/rules", headers=headers).status_code)


def test_the_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    client = make_app(tmp_path, rate_limit="3/minute").test_client()
    assert [_rules(client, AUTH) for _ in range(3)] == [200, 200, 200]
    response = client.post("/v1/extract", json={"html": "<p>x</p>"}, headers=AUTH)
    assert response.status_code == 429
    problem = response.get_json()
    assert problem["type"] == "rate-limited"
    retry = int(response.headers["Retry-After"])
    assert 1 <= retry <= 60 and problem["retry_after"] == retry
    # Health checks and the API description are never limited.
    assert client.get("/healthz").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_limits_are_per_key_and_ignore_forwarded_for(tmp_path: Path) -> None:
    client = make_app(tmp_path, mode="shared", token=None, api_keys=(KEY_A, KEY_B),
                      rate_limit="2/minute").test_client()
    a = {"Authorization": f"Bearer {KEY_A}"}
    spoofed = [_rules(client, {**a, "X-Forwarded-For": f"198.51.100.{i}"}) for i in range(3)]
    assert spoofed == [200, 200, 429]  # E6: a forged header does not buy a new bucket
    assert _rules(client, {"Authorization": f"Bearer {KEY_B}"}) == 200


def test_the_fetch_quota_counts_only_real_fetches(tmp_path: Path) -> None:
    urls = [f"https://news.test/{n}" for n in range(3)]
    fetcher = FakeFetcher({u: fetched(u, article_page()) for u in urls})
    client = make_app(tmp_path, fetcher=fetcher, fetch_rate_limit="2/minute").test_client()

    def get(url: str) -> int:
        return int(client.get("/v1/extract", query_string={"url": url},
                              headers=AUTH).status_code)

    assert [get(urls[0]), get(urls[1])] == [200, 200]
    response = client.get("/v1/extract", query_string={"url": urls[2]}, headers=AUTH)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert get(urls[0]) == 200  # a cache hit fetches nothing
    assert get("ftp://news.test/") == 400  # refused before the quota is looked at
    assert client.post("/v1/extract", json={"html": article_page()},
                       headers=AUTH).status_code == 200
    assert fetcher.calls == urls[:2]


# --- per-address limit and proxies ----------------------------------------------------------------


def _as(client, address: str, headers: dict[str, str]) -> int:
    return int(client.get("/v1/rules", headers=headers,
                          environ_base={"REMOTE_ADDR": address}).status_code)


def test_the_address_limit_counts_before_the_credentials(tmp_path: Path) -> None:
    client = make_app(tmp_path, mode="shared", token=None, api_keys=(KEY_A,),
                      ip_rate_limit="3/minute").test_client()
    wrong = {"Authorization": "Bearer not-a-key-0123456789"}
    assert [_as(client, "198.51.100.7", wrong) for _ in range(3)] == [401, 401, 401]
    good = {"Authorization": f"Bearer {KEY_A}"}
    response = client.get("/v1/rules", headers=good, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert response.status_code == 429 and response.get_json()["type"] == "rate-limited"
    assert int(response.headers["Retry-After"]) >= 1
    assert _as(client, "198.51.100.8", good) == 200  # another address has its own count
    assert client.get("/healthz", environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code \
        == 200  # health checks are never limited


def test_without_trusted_proxies_forwarded_for_buys_nothing(tmp_path: Path) -> None:
    client = make_app(tmp_path, ip_rate_limit="2/minute").test_client()
    spoofed = [int(client.get("/v1/rules", headers={**AUTH, "X-Forwarded-For": f"203.0.113.{i}"}
                              ).status_code) for i in range(3)]
    assert spoofed == [200, 200, 429]


def test_with_one_trusted_proxy_the_address_it_saw_counts(tmp_path: Path) -> None:
    client = make_app(tmp_path, ip_rate_limit="2/minute", trusted_proxies=1).test_client()

    def via_proxy(forwarded: str) -> int:
        return int(client.get("/v1/rules", headers={**AUTH, "X-Forwarded-For": forwarded},
                              environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code)

    # The client may send any X-Forwarded-For; the proxy appends the address it saw, and
    # only that last entry is believed.
    assert [via_proxy(f"192.0.2.{i}, 198.51.100.7") for i in range(3)] == [200, 200, 429]
    assert via_proxy("198.51.100.9") == 200  # another client behind the same proxy


def test_a_trusted_proxy_does_not_change_the_host_check(tmp_path: Path) -> None:
    client = make_app(tmp_path, trusted_proxies=1).test_client()
    response = client.get("/v1/rules", headers={**AUTH, "Host": "rebound.example",
                                                "X-Forwarded-Host": "localhost"})
    assert response.status_code == 403 and response.get_json()["type"] == "forbidden-host"


def test_address_limit_defaults_by_mode(tmp_path: Path) -> None:
    personal = settings(tmp_path)
    shared = settings(tmp_path, mode="shared", token=None, api_keys=(KEY_A,))
    assert personal.address_limit is None  # one user, always on loopback
    assert shared.address_limit == "600/minute"
    assert shared.replace(ip_rate_limit="off").address_limit is None
    with pytest.raises(ValueError):
        settings(tmp_path, ip_rate_limit="often")
    with pytest.raises(ValueError):
        settings(tmp_path, trusted_proxies=-1)


def test_quotas_survive_a_redis_outage(tmp_path: Path, redis_server: RedisServer) -> None:
    fetcher = FakeFetcher({URL: fetched(URL, article_page())})
    app = create_app(settings(tmp_path, redis_url=redis_server.url, fetch_rate_limit="2/minute",
                              ip_rate_limit="50/minute", cache_ttl=0), fetcher=fetcher)
    client = app.test_client()
    assert client.get("/v1/extract", query_string={"url": URL}, headers=AUTH).status_code == 200
    redis_server.kill()
    # Counting goes on per process: never a 5xx because Redis is gone.
    answers = [client.get("/v1/extract", query_string={"url": URL},
                          headers=AUTH).status_code for _ in range(3)]
    assert answers == [200, 200, 429]


# --- Redis: two instances share limits and cache; posted HTML never reaches it ---------------


def test_two_instances_share_limits_and_cache_through_redis(
        tmp_path: Path, redis_server: RedisServer) -> None:
    fetcher = FakeFetcher({URL: fetched(URL, article_page())})

    def instance(name: str) -> Flask:
        return create_app(settings(tmp_path / name, redis_url=redis_server.url,
                                   rate_limit="4/minute"), fetcher=fetcher)

    one, two = instance("one").test_client(), instance("two").test_client()
    first = one.get("/v1/extract", query_string={"url": URL}, headers=AUTH)
    second = two.get("/v1/extract", query_string={"url": URL}, headers=AUTH)
    assert first.headers["Plainpage-Cache"] == "miss"
    assert second.headers["Plainpage-Cache"] == "hit" and fetcher.calls == [URL]
    assert [_rules(one, AUTH), _rules(two, AUTH), _rules(one, AUTH)] == [200, 200, 429]
    assert not list((tmp_path / "one").glob("cache.sqlite3*"))  # Redis, not SQLite


def test_posted_canary_never_reaches_redis(tmp_path: Path, redis_server: RedisServer) -> None:
    app = create_app(settings(tmp_path, redis_url=redis_server.url),
                     fetcher=FakeFetcher({URL: fetched(URL, article_page())}))
    client = app.test_client()
    page = article_page(f"The private note says {CANARY}, which nobody else may see.")
    assert CANARY in client.post("/v1/extract", json={"html": page, "url": URL},
                                 headers=AUTH).get_json()["text"]
    client.get("/v1/extract", query_string={"url": URL}, headers=AUTH)
    with redis.Redis.from_url(redis_server.url) as raw:
        keys = raw.keys("*")
        values = [_value(raw, key) for key in keys]
    assert len(keys) >= 2  # the cached fetch and the rate-limit counters
    assert any(PARAGRAPHS[0].encode() in value for value in values)  # the fetch is there
    assert not any(CANARY.encode() in blob for blob in [*keys, *values])


def _value(raw: redis.Redis, key: bytes) -> bytes:
    """Everything stored under ``key``, whatever its Redis type, as one blob."""
    kind = raw.type(key)
    if kind == b"string":
        return bytes(raw.get(key) or b"")
    if kind == b"hash":
        return b"".join(k + v for k, v in raw.hgetall(key).items())
    if kind == b"zset":
        return b"".join(raw.zrange(key, 0, -1))
    if kind == b"list":
        return b"".join(raw.lrange(key, 0, -1))
    raise AssertionError(f"unexpected Redis type {kind!r} for {key!r}")


# --- plainpage serve, end to end ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, "plainpage serve exited early"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("plainpage serve did not come up within 20 s")


def test_serve_then_curl_as_the_readme_says(tmp_path: Path) -> None:
    pages = {"/a": (200, "text/html; charset=utf-8", article_page().encode())}
    with page_server(pages) as upstream:
        port = _free_port()
        env = {**os.environ, "PLAINPAGE_DATA_DIR": str(tmp_path),
               "PLAINPAGE_ALLOW_PRIVATE": f"127.0.0.1:{upstream.port}"}
        process = subprocess.Popen([sys.executable, "-m", "plainpage", "serve", "--port",
                                    str(port)], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        try:
            _wait_until_up(port, process)
            token = (tmp_path / "token").read_text().strip()
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/v1/extract?url=http://127.0.0.1:{upstream.port}/a",
                headers={"Authorization": f"Bearer {token}", "Accept": "text/plain"})
            with urllib.request.urlopen(request, timeout=20) as response:
                assert response.headers["Content-Type"].startswith("text/plain")
                assert PARAGRAPHS[0] in response.read().decode("utf-8")
        finally:
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=20)
    assert f"token file: {tmp_path / 'token'}".encode() in out
    assert b"GET /v1/extract 200" in err and b"url=" not in err  # one line, no query
