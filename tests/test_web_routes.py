"""The HTTP API's routes: extraction from posted HTML and from fetched URLs, the cache,
content negotiation, /v1/rules and /healthz; one test runs the real fetcher against a local
server. Privacy: a canary from posted HTML never reaches the logs or the cache."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from plainpage import __version__
from plainpage.errors import UpstreamStatus
from plainpage.fetch import FetchConfig, parse_allow_private
from plainpage.fetch.cache import open_cache
from plainpage.fetch.cache_redis import RedisCache
from plainpage.model import Article
from plainpage.web import create_app
from tests.web_support import (
    AUTH,
    PARAGRAPHS,
    FakeFetcher,
    MemoryCache,
    article_page,
    fetched,
    make_app,
    page_server,
    settings,
)

URL = "https://news.test/a"
CANARY = "PLAINPAGE-CANARY-7f3a"


@pytest.fixture
def cache() -> MemoryCache:
    return MemoryCache()


@pytest.fixture
def fetcher() -> FakeFetcher:
    return FakeFetcher({URL: fetched(URL, article_page())})


@pytest.fixture
def client(tmp_path: Path, fetcher: FakeFetcher, cache: MemoryCache) -> FlaskClient:
    return make_app(tmp_path, fetcher=fetcher, cache=cache).test_client()


def post_html(client: FlaskClient, html: str, url: str | None = URL, *,
              headers: dict[str, str] | None = None, **kwargs: object):
    body = {"html": html} if url is None else {"html": html, "url": url}
    return client.post("/v1/extract", json=body, headers=headers or AUTH, **kwargs)


# --- posted HTML ------------------------------------------------------------------------------


def test_posted_html_gives_the_whole_article_json(client: FlaskClient,
                                                  fetcher: FakeFetcher) -> None:
    response = post_html(client, article_page())
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert set(data) == {f for f in Article.__dataclass_fields__}  # every field, incl. removed
    assert data["url"] == URL and data["title"] == "Flood closes the old bridge"
    assert PARAGRAPHS[0] in data["text"] and "Home" not in data["text"]
    assert fetcher.calls == []  # posted documents are never fetched again
    assert response.headers["Cache-Control"] == "no-store"
    assert "Plainpage-Cache" not in response.headers


def test_posted_html_without_url_works_and_keeps_url_null(client: FlaskClient) -> None:
    response = post_html(client, article_page(), url=None)
    assert response.status_code == 200 and response.get_json()["url"] is None


def test_lone_surrogates_in_posted_json_are_replaced_not_a_crash(client: FlaskClient) -> None:
    raw = json.dumps({"html": article_page(PARAGRAPHS[0] + " \\ud800 end")})
    raw = raw.replace("\\\\ud800", "\\ud800")  # a lone surrogate escape, as JSON allows
    response = client.post("/v1/extract", data=raw, content_type="application/json",
                            headers={**AUTH, "Accept": "text/plain"})
    assert response.status_code == 200
    assert "\ufffd" in response.get_data(as_text=True)


# --- server-side fetches and the cache --------------------------------------------------------


def test_get_fetches_extracts_and_caches(client: FlaskClient, fetcher: FakeFetcher,
                                         cache: MemoryCache) -> None:
    first = client.get("/v1/extract", query_string={"url": URL}, headers=AUTH)
    assert first.status_code == 200 and first.headers["Plainpage-Cache"] == "miss"
    assert PARAGRAPHS[1] in first.get_json()["text"]
    assert len(cache.entries) == 1
    second = client.get("/v1/extract", query_string={"url": URL}, headers=AUTH)
    assert second.headers["Plainpage-Cache"] == "hit"
    assert second.get_json() == first.get_json()
    assert fetcher.calls == [URL]  # the second answer came from the cache


def test_post_url_is_the_same_as_get(client: FlaskClient, fetcher: FakeFetcher) -> None:
    response = client.post("/v1/extract", json={"url": URL}, headers=AUTH)
    assert response.status_code == 200 and PARAGRAPHS[0] in response.get_json()["text"]
    assert fetcher.calls == [URL]


def test_the_fetched_charset_reaches_the_extractor(tmp_path: Path) -> None:
    text = "Пожар на старом мосту закрыл дорогу в город до конца недели, сообщили инженеры."
    page = fetched(URL, article_page(text, text), charset="windows-1251")
    client = make_app(tmp_path, fetcher=FakeFetcher({URL: page})).test_client()
    data = client.get("/v1/extract", query_string={"url": URL}, headers=AUTH).get_json()
    assert text in data["text"]  # decoded as cp1251 because the header said so


@pytest.mark.parametrize("header", ["no-store", "private, max-age=600", "no-cache"])
def test_pages_that_forbid_caching_are_not_cached(tmp_path: Path, header: str) -> None:
    page = fetched(URL, article_page(), headers={"cache-control": header})
    fetcher, cache = FakeFetcher({URL: page}), MemoryCache()
    client = make_app(tmp_path, fetcher=fetcher, cache=cache).test_client()
    for _ in range(2):
        assert client.get("/v1/extract", query_string={"url": URL},
                          headers=AUTH).headers["Plainpage-Cache"] == "miss"
    assert cache.entries == {} and fetcher.calls == [URL, URL]


def test_max_age_sets_the_cache_ttl(tmp_path: Path) -> None:
    page = fetched(URL, article_page(), headers={"cache-control": "max-age=120"})
    cache = MemoryCache()
    make_app(tmp_path, fetcher=FakeFetcher({URL: page}), cache=cache).test_client().get(
        "/v1/extract", query_string={"url": URL}, headers=AUTH)
    [(_value, ttl)] = cache.entries.values()
    assert ttl == 120


def test_cache_ttl_zero_switches_the_cache_off(tmp_path: Path) -> None:
    app = create_app(settings(tmp_path, cache_ttl=0), fetcher=FakeFetcher(
        {URL: fetched(URL, article_page())}))
    client = app.test_client()
    assert client.get("/healthz").get_json()["cache"] == "off"
    assert client.get("/v1/extract", query_string={"url": URL},
                      headers=AUTH).headers["Plainpage-Cache"] == "miss"
    assert not (tmp_path / "cache.sqlite3").exists()


def test_posted_html_never_poisons_the_cache_for_its_url(client: FlaskClient,
                                                         cache: MemoryCache) -> None:
    # E12: user B posts a private view of URL; a later fetch of URL must not return it.
    post_html(client, article_page(f"My account balance is {CANARY}, and more words here."))
    assert cache.entries == {}
    data = client.get("/v1/extract", query_string={"url": URL}, headers=AUTH).get_json()
    assert CANARY not in json.dumps(data) and PARAGRAPHS[0] in data["text"]


def test_the_real_fetcher_reaches_a_local_server_through_the_allowlist(tmp_path: Path) -> None:
    pages = {"/a": (200, "text/html; charset=utf-8", article_page().encode())}
    with page_server(pages) as server:
        url = f"http://127.0.0.1:{server.port}/a"
        allowed = FetchConfig(allow_private=parse_allow_private(f"127.0.0.1:{server.port}"))
        client = create_app(settings(tmp_path, fetch=allowed), cache=MemoryCache()).test_client()
        response = client.get("/v1/extract", query_string={"url": url}, headers=AUTH)
        assert response.status_code == 200, response.get_json()
        assert PARAGRAPHS[0] in response.get_json()["text"]
        # Without the allowlist entry the same URL is refused before any connection.
        closed = create_app(settings(tmp_path), cache=MemoryCache()).test_client()
        refused = closed.get("/v1/extract", query_string={"url": url}, headers=AUTH)
        assert refused.status_code == 403
        assert refused.get_json()["type"] == "blocked-destination"
        assert server.requests == ["/a"]


def test_paywalled_upstream_keeps_its_status(tmp_path: Path) -> None:
    fetcher = FakeFetcher({URL: UpstreamStatus("the upstream answered with status 402",
                                               upstream_status=402)})
    response = make_app(tmp_path, fetcher=fetcher).test_client().get(
        "/v1/extract", query_string={"url": URL}, headers=AUTH)
    problem = response.get_json()
    assert response.status_code == 502 and problem["type"] == "upstream-status"
    assert problem["upstream_status"] == 402 and "402" in problem["detail"]


# --- content negotiation ----------------------------------------------------------------------


@pytest.mark.parametrize(("accept", "fmt", "mimetype"), [
    (None, "json", "application/json"),
    ("*/*", "json", "application/json"),
    ("application/json", "json", "application/json"),
    ("text/plain", "text", "text/plain"),
    ("text/*", "text", "text/plain"),
    ("text/markdown", "markdown", "text/markdown"),
    ("text/markdown;q=0.5, text/plain;q=0.4", "markdown", "text/markdown"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html", "text/html"),
])
def test_accept_picks_the_rendering(client: FlaskClient, accept: str | None, fmt: str,
                                    mimetype: str) -> None:
    headers = dict(AUTH) | ({"Accept": accept} if accept else {})
    response = post_html(client, article_page(), headers=headers)
    assert response.status_code == 200 and response.mimetype == mimetype
    whole = post_html(client, article_page()).get_json()
    if fmt == "json":
        assert response.get_json() == whole
    else:
        assert response.get_data(as_text=True) == whole[fmt] + "\n"
        assert response.mimetype_params["charset"] == "utf-8"
    assert "Accept" in response.headers["Vary"]


def test_format_parameter_wins_over_accept(client: FlaskClient) -> None:
    response = client.get("/v1/extract", query_string={"url": URL, "format": "markdown"},
                          headers={**AUTH, "Accept": "application/json"})
    assert response.mimetype == "text/markdown"
    whole = client.get("/v1/extract", query_string={"url": URL}, headers=AUTH).get_json()
    assert response.get_data(as_text=True) == whole["markdown"] + "\n"


def test_html_rendering_is_served_with_a_sandboxing_csp(client: FlaskClient) -> None:
    response = post_html(client, article_page(), query_string={"format": "html"})
    csp = response.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp and "script-src" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("accept", ["image/png", "application/problem+json"])
def test_an_unproducible_accept_is_406(client: FlaskClient, accept: str) -> None:
    response = post_html(client, article_page(), headers={**AUTH, "Accept": accept})
    assert response.status_code == 406 and response.get_json()["type"] == "not-acceptable"


def test_an_unknown_format_is_400(client: FlaskClient) -> None:
    response = client.get("/v1/extract", query_string={"url": URL, "format": "pdf"},
                          headers=AUTH)
    assert response.status_code == 400 and response.get_json()["type"] == "bad-request"


# --- rules, health, openapi ---------------------------------------------------------------------


def test_rules_lists_hosts_version_and_broken_files(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "news.test.toml").write_text('host = "news.test"\nhosts = ["*.news.test"]\n'
                                          'body = ["article"]\n')
    (rules / "broken.test.toml").write_text("host = [unclosed\n")
    client = make_app(tmp_path, rules_dir=rules).test_client()
    data = client.get("/v1/rules", headers=AUTH).get_json()
    assert data["hosts"] == ["*.news.test", "news.test"] and data["rules"] == 1
    assert data["problems"] == 1 and len(data["version"]) >= 8


def test_healthz_needs_no_token_and_reports_a_dead_cache_without_failing(
        tmp_path: Path) -> None:
    with socket.socket() as probe:  # a loopback port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        dead = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    fetcher = FakeFetcher({URL: fetched(URL, article_page())})
    client = make_app(tmp_path, fetcher=fetcher, cache=RedisCache(dead)).test_client()
    # 200, not 503: instances that share one Redis must not all leave the load balancer
    # when it goes down, since they extract without it.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "version": __version__,
                                   "cache": "unavailable"}
    for _ in range(2):  # the dead cache misses and stores nothing: each request fetches
        answer = client.get("/v1/extract", query_string={"url": URL}, headers=AUTH)
        assert answer.status_code == 200 and answer.headers["Plainpage-Cache"] == "miss"
        assert PARAGRAPHS[0] in answer.get_json()["text"]
    assert fetcher.calls == [URL, URL]


def test_unknown_query_parameters_are_refused(client: FlaskClient) -> None:
    response = client.get("/v1/extract", query_string={"url": URL, "uri": "x"}, headers=AUTH)
    assert response.status_code == 400 and "'uri'" in response.get_json()["detail"]


# --- privacy: logs and cache --------------------------------------------------------------------


def test_posted_canary_never_reaches_logs_or_the_sqlite_cache(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, every level
    cache = open_cache(None, tmp_path)  # the real embedded cache
    fetcher = FakeFetcher({URL: fetched(URL, article_page())})
    client = make_app(tmp_path, fetcher=fetcher, cache=cache).test_client()
    page = article_page(f"The secret code is {CANARY} and nobody else may read it today.")
    assert CANARY in post_html(client, page).get_json()["text"]
    # Failing requests too: a bad key, a surrogate, a too-complex document.
    client.post("/v1/extract", json={"html": page, "extra": CANARY}, headers=AUTH)
    post_html(client, "<div>" * 5000 + CANARY)
    client.get("/v1/extract", query_string={"url": URL}, headers=AUTH)  # a real cache entry
    cache.close()
    assert caplog.records and "POST /v1/extract 200" in caplog.text
    assert CANARY not in caplog.text
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("cache.sqlite3*"))
    assert PARAGRAPHS[0].encode() in stored  # the fetched page was cached …
    assert CANARY.encode() not in stored  # … the posted one was not


def test_query_strings_of_fetched_urls_stay_out_of_the_logs(
        client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client.get("/v1/extract", query_string={"url": URL + "?token=SECRET-TOKEN-42"},
               headers=AUTH)
    assert "GET /v1/extract" in caplog.text and "SECRET-TOKEN-42" not in caplog.text


def test_an_extraction_over_the_budget_is_422_without_content_in_answer_or_log(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_app(tmp_path, extract_budget=1e-9).test_client()
    response = post_html(client, article_page(CANARY + " and enough words to be text"))
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["type"] == "document-too-complex" and "budget" in problem["detail"]
    assert CANARY not in response.get_data(as_text=True) and CANARY not in caplog.text
    # The same page within a budget is fine: the budget, not the page, refused it.
    ok = post_html(make_app(tmp_path).test_client(), article_page(CANARY + " and more words"))
    assert ok.status_code == 200
