"""Revalidation of stale cache entries (RFC 9111 §4.3): conditional requests from the
fetcher, the result store's freshness and lifetimes, and the service against a local
upstream on 127.0.0.1 that counts requests and answers 304 when its validator matches.

Every fetch goes through the tripwire (tests/tripwire.py): nothing leaves 127.0.0.0/8.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from plainpage.errors import UpstreamStatus
from plainpage.fetch import AllowEntry, FetchConfig, fetch
from plainpage.fetch.cache import MAX_TTL, storable, validators
from plainpage.fetch.cache_sqlite import SqliteCache
from plainpage.web import create_app
from plainpage.web.results import ResultStore
from tests.serving import serving
from tests.test_cache import Clock
from tests.tripwire import Tripwire, install_tripwire
from tests.web_support import AUTH, MemoryCache, article_page, settings

OLD = "The ferry timetable changes on Monday, with two more crossings every evening."
NEW = "The ferry timetable change is postponed by a week because a boat needs repairs."
LAST_MODIFIED = "Tue, 03 Nov 2026 10:00:00 GMT"


@pytest.fixture(autouse=True)
def tripwire(monkeypatch: pytest.MonkeyPatch) -> Iterator[Tripwire]:
    yield from install_tripwire(monkeypatch)


# -- an upstream with validators ---------------------------------------------------------------

@dataclass
class Page:
    text: str
    etag: str | None = None
    last_modified: str | None = None
    cache_control: str = "max-age=0"
    on_304: dict[str, str] = field(default_factory=dict)  # extra headers of a 304
    always_304: bool = False  # a broken server: 304 whatever was asked
    cookie: bool = False  # sends Set-Cookie: a response made for one visitor


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        server: Upstream = self.server  # type: ignore[assignment]
        page = server.pages[self.path]
        sent = {k: self.headers[k] for k in ("If-None-Match", "If-Modified-Since")
                if k in self.headers}
        server.seen.append(sent)
        headers = {"Cache-Control": page.cache_control}
        if page.etag:
            headers["ETag"] = page.etag
        if page.last_modified:
            headers["Last-Modified"] = page.last_modified
        if page.cookie:
            headers["Set-Cookie"] = "visitor=42; Path=/"
        if page.always_304 or _matches(page, sent):
            self.send_response(304)
            body = b""
            headers.update(page.on_304)
        else:
            self.send_response(200)
            body = article_page(page.text, page.text).encode()
            headers["Content-Type"] = "text/html; charset=utf-8"
        headers["Content-Length"] = str(len(body))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def _matches(page: Page, sent: dict[str, str]) -> bool:
    if "If-None-Match" in sent:  # RFC 9110 §13.2.2: If-None-Match wins when both are sent
        return page.etag is not None and sent["If-None-Match"] == page.etag
    return page.last_modified is not None and sent.get("If-Modified-Since") == page.last_modified


class Upstream(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.pages: dict[str, Page] = {}
        self.seen: list[dict[str, str]] = []  # the conditional headers of every request

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    @property
    def config(self) -> FetchConfig:
        return FetchConfig(allow_private=(AllowEntry(host="127.0.0.1",
                                                     port=int(self.server_address[1])),))


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    with serving(Upstream()) as server:
        yield server


# -- the fetcher's conditional requests ---------------------------------------------------------

def test_a_conditional_request_that_matches_comes_back_as_304(upstream: Upstream,
                                                             tripwire: Tripwire) -> None:
    upstream.pages["/a"] = Page(OLD, etag='"v1"', last_modified=LAST_MODIFIED)
    got = fetch(upstream.url("/a"), upstream.config, transport=tripwire,
                validators={"etag": '"v1"', "last-modified": LAST_MODIFIED})
    assert (got.status, got.body, got.headers["etag"]) == (304, b"", '"v1"')
    assert upstream.seen == [{"If-None-Match": '"v1"', "If-Modified-Since": LAST_MODIFIED}]
    changed = fetch(upstream.url("/a"), upstream.config, transport=tripwire,
                    validators={"etag": '"v0"'})
    assert changed.status == 200 and OLD.encode() in changed.body


def test_a_304_nobody_asked_for_is_an_upstream_status(upstream: Upstream,
                                                      tripwire: Tripwire) -> None:
    upstream.pages["/a"] = Page(OLD, always_304=True)
    with pytest.raises(UpstreamStatus) as raised:
        fetch(upstream.url("/a"), upstream.config, transport=tripwire)
    assert raised.value.upstream_status == 304


@pytest.mark.parametrize("bad", ['"v1"\r\nX-Injected: 1', "é-tag", "x" * 2000, ""])
def test_stored_validators_that_are_not_sane_headers_are_not_sent(
        bad: str, upstream: Upstream, tripwire: Tripwire) -> None:
    upstream.pages["/a"] = Page(OLD, etag='"v1"')
    got = fetch(upstream.url("/a"), upstream.config, transport=tripwire,
                validators={"etag": bad})
    assert got.status == 200 and upstream.seen == [{}]


# -- what is stored, for how long ----------------------------------------------------------------

@pytest.fixture
def clock() -> Clock:
    return Clock(1_800_000_000.0)


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> ResultStore:
    return ResultStore(SqliteCache(tmp_path, clock=clock), rules_version="r1", variant="v",
                       default_ttl=300, clock=clock)


ARTICLE = {"title": "Ferry", "text": OLD}


def test_without_validators_an_entry_lives_as_long_as_it_is_fresh(store: ResultStore,
                                                                  clock: Clock) -> None:
    store.store("https://news.test/a", ARTICLE, {"Cache-Control": "max-age=60"})
    entry, fresh = store.lookup("https://news.test/a")
    assert fresh and entry is not None and entry.article == ARTICLE
    clock.now += 61
    assert store.lookup("https://news.test/a") == (None, False)


def test_with_validators_a_stale_entry_is_kept_to_be_revalidated(store: ResultStore,
                                                                 clock: Clock) -> None:
    headers = {"Cache-Control": "max-age=60", "ETag": '"v1"', "Age": "10", "X-Other": "no"}
    store.store("https://news.test/a", ARTICLE, headers)
    clock.now += 51  # max-age minus Age
    entry, fresh = store.lookup("https://news.test/a")
    assert entry is not None and not fresh and entry.validators == {"etag": '"v1"'}
    assert "x-other" not in entry.headers  # only caching headers are kept
    store.renew("https://news.test/a", entry, {"cache-control": "max-age=600"})
    renewed, fresh = store.lookup("https://news.test/a")
    assert fresh and renewed is not None and renewed.article == ARTICLE
    assert "age" not in renewed.headers and renewed.validators == {"etag": '"v1"'}
    clock.now += MAX_TTL + 1  # even kept-for-revalidation entries go after a day
    assert store.lookup("https://news.test/a") == (None, False)


def test_no_cache_with_a_validator_is_stored_but_never_fresh(store: ResultStore) -> None:
    store.store("https://news.test/a", ARTICLE, {"Cache-Control": "no-cache",
                                                 "Last-Modified": LAST_MODIFIED})
    entry, fresh = store.lookup("https://news.test/a")
    assert entry is not None and not fresh
    assert entry.validators == {"last-modified": LAST_MODIFIED}


@pytest.mark.parametrize("headers", [
    {"Cache-Control": "private, max-age=600", "ETag": '"v1"'},
    {"Cache-Control": "no-store", "ETag": '"v1"'},
    {"Set-Cookie": "id=1", "ETag": '"v1"'},
    {"Vary": "*", "ETag": '"v1"'},
    {"Cache-Control": "no-cache"},  # nothing to revalidate with
])
def test_responses_a_shared_cache_may_not_keep_are_not_stored(store: ResultStore,
                                                              headers: dict[str, str]) -> None:
    store.store("https://news.test/a", ARTICLE, headers)
    assert store.lookup("https://news.test/a") == (None, False)


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", json.dumps(ARTICLE).encode(),
                                 b'{"article": {}, "fresh_until": "soon", "headers": {}}',
                                 b'{"article": [], "fresh_until": 1, "headers": {}}'])
def test_bytes_nobody_here_wrote_are_a_miss(store: ResultStore, raw: bytes) -> None:
    store.cache.put(store._key("https://news.test/a"), raw, 60)
    assert store.lookup("https://news.test/a") == (None, False)


def test_storable_and_validators() -> None:
    assert storable({"cache-control": "no-cache"}) and not storable({"Cache-Control": "private"})
    assert validators({"ETag": '"x"', "Last-Modified": LAST_MODIFIED, "Date": "d"}) == {
        "etag": '"x"', "last-modified": LAST_MODIFIED}
    assert validators({"ETag": "  "}) == {}


# -- the service ---------------------------------------------------------------------------------

@pytest.fixture
def client(tmp_path: Path, upstream: Upstream) -> FlaskClient:
    app = create_app(settings(tmp_path, fetch=upstream.config), cache=MemoryCache())
    return app.test_client()


def _get(client: FlaskClient, url: str) -> tuple[str, str]:
    response = client.get("/v1/extract", query_string={"url": url}, headers=AUTH)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.headers["Plainpage-Cache"], response.get_json()["text"]


def test_a_stale_entry_is_revalidated_with_its_etag(client: FlaskClient,
                                                    upstream: Upstream) -> None:
    upstream.pages["/a"] = Page(OLD, etag='"v1"')
    url = upstream.url("/a")
    state, text = _get(client, url)
    assert state == "miss" and OLD in text
    state, text = _get(client, url)
    assert state == "revalidated" and OLD in text
    assert upstream.seen == [{}, {"If-None-Match": '"v1"'}]
    upstream.pages["/a"] = Page(NEW, etag='"v2"')  # the page changed
    state, text = _get(client, url)
    assert state == "miss" and NEW in text and OLD not in text
    assert upstream.seen[-1] == {"If-None-Match": '"v1"'}
    assert _get(client, url)[0] == "revalidated" and upstream.seen[-1] == {
        "If-None-Match": '"v2"'}


def test_last_modified_alone_is_enough(client: FlaskClient, upstream: Upstream) -> None:
    upstream.pages["/a"] = Page(OLD, last_modified=LAST_MODIFIED, cache_control="no-cache")
    url = upstream.url("/a")
    assert [_get(client, url)[0] for _ in range(3)] == ["miss", "revalidated", "revalidated"]
    assert upstream.seen[1:] == [{"If-Modified-Since": LAST_MODIFIED}] * 2


def test_a_304_renews_the_freshness_it_carries(client: FlaskClient, upstream: Upstream) -> None:
    upstream.pages["/a"] = Page(OLD, etag='"v1"', on_304={"Cache-Control": "max-age=600"})
    url = upstream.url("/a")
    assert [_get(client, url)[0] for _ in range(3)] == ["miss", "revalidated", "hit"]
    assert len(upstream.seen) == 2  # the hit asked nobody


def test_without_validators_a_stale_page_is_fetched_again(client: FlaskClient,
                                                          upstream: Upstream) -> None:
    upstream.pages["/a"] = Page(OLD)  # max-age=0 and nothing to revalidate with
    url = upstream.url("/a")
    assert [_get(client, url)[0] for _ in range(2)] == ["miss", "miss"]
    assert upstream.seen == [{}, {}]


def test_a_revalidation_spends_the_fetch_quota(tmp_path: Path, upstream: Upstream) -> None:
    upstream.pages["/a"] = Page(OLD, etag='"v1"')
    app = create_app(settings(tmp_path, fetch=upstream.config, fetch_rate_limit="2/minute"),
                     cache=MemoryCache())
    client = app.test_client()
    url = upstream.url("/a")
    assert [_get(client, url)[0] for _ in range(2)] == ["miss", "revalidated"]
    refused = client.get("/v1/extract", query_string={"url": url}, headers=AUTH)
    assert refused.status_code == 429 and len(upstream.seen) == 2


def test_a_page_that_sets_a_cookie_is_never_stored(client: FlaskClient,
                                                   upstream: Upstream) -> None:
    upstream.pages["/a"] = Page(OLD, etag='"v1"', cache_control="max-age=600", cookie=True)
    url = upstream.url("/a")
    assert [_get(client, url)[0] for _ in range(2)] == ["miss", "miss"]
    assert upstream.seen == [{}, {}]
