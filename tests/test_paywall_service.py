"""Paywalled pages through the fetcher and the service: a 401/402/403 whose body is an
article page is answered with that page's teaser marked paywalled; any other error body keeps
the ``upstream-status`` problem. The real fetcher runs against a server on 127.0.0.1 only,
behind the tripwire."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plainpage.errors import UpstreamStatus
from plainpage.fetch import FetchConfig, Fetched, fetch, parse_allow_private
from tests.tripwire import Tripwire, install_tripwire
from tests.web_support import AUTH, FakeFetcher, MemoryCache, make_app, page_server

TEASER = (b"<!doctype html><html lang=en><head><title>Council budget</title>"
          b'<meta property="article:published_time" content="2024-05-03T08:00:00Z">'
          b"</head><body><article><h1>Council budget</h1><p>The council met on Tuesday to "
          b"agree next year's budget, and the first item was the old bridge.</p><p>Subscribe "
          b"to read the rest.</p></article></body></html>")
BOT_CHECK = (b"<html><head><title>Just a moment</title></head><body><p>Checking your browser "
             b"before you reach the site. Please enable JavaScript and cookies.</p></body></html>")
HTML = "text/html; charset=utf-8"


@pytest.fixture(autouse=True)
def tripwire(monkeypatch: pytest.MonkeyPatch) -> Iterator[Tripwire]:
    yield from install_tripwire(monkeypatch)


def local(port: int, **changes: Any) -> FetchConfig:
    return FetchConfig(allow_private=parse_allow_private(f"127.0.0.1:{port}"), **changes)


@pytest.mark.parametrize("status", [401, 402, 403])
def test_the_fetcher_keeps_the_html_body_of_a_denied_page(status: int,
                                                          tripwire: Tripwire) -> None:
    with page_server({"/a": (status, HTML, TEASER)}) as server:
        url = f"http://127.0.0.1:{server.port}/a"
        with pytest.raises(UpstreamStatus) as caught:
            fetch(url, local(server.port), transport=tripwire)
    assert caught.value.upstream_status == status
    page = caught.value.page
    assert isinstance(page, Fetched) and page.body == TEASER and page.status == status
    assert page.url == url and page.charset == "utf-8"


@pytest.mark.parametrize(("status", "ctype", "body"), [
    (404, HTML, TEASER),                       # not a denial: the body is not read
    (402, "application/pdf", b"%PDF-1.7"),     # a denial, but not HTML
    (403, HTML, b"<p>" + b"x" * 5000),         # over the size cap
])
def test_the_fetcher_keeps_no_body_it_would_not_accept(status: int, ctype: str, body: bytes,
                                                       tripwire: Tripwire) -> None:
    with page_server({"/a": (status, ctype, body)}) as server:
        config = local(server.port, max_body_bytes=4096)
        with pytest.raises(UpstreamStatus) as caught:
            fetch(f"http://127.0.0.1:{server.port}/a", config, transport=tripwire)
    assert caught.value.upstream_status == status and caught.value.page is None


def test_the_service_answers_a_paywalled_teaser_with_200(tmp_path: Path,
                                                         tripwire: Tripwire) -> None:
    with page_server({"/a": (402, HTML, TEASER)}) as server:
        url = f"http://127.0.0.1:{server.port}/a"
        fetcher = lambda u, c: fetch(u, c, transport=tripwire)  # noqa: E731
        client = make_app(tmp_path, fetcher=fetcher, fetch=local(server.port)).test_client()
        response = client.get("/v1/extract", query_string={"url": url}, headers=AUTH)
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert "first item was the old bridge" in data["text"]
    assert data["paywalled"] is True and data["access"] == "subscriber"
    assert data["paywall_evidence"] == [
        {"source": "http", "detail": "the site answered 402 Payment Required"}]


@pytest.mark.parametrize("body", [BOT_CHECK, b"<html><body></body></html>"])
def test_a_denied_page_that_is_no_article_keeps_the_problem(tmp_path: Path,
                                                            body: bytes) -> None:
    page = Fetched(url="https://news.test/a", status=403, headers={}, content_type="text/html",
                   charset="utf-8", body=body)
    fetcher = FakeFetcher({"https://news.test/a": UpstreamStatus(
        "the upstream answered with status 403", upstream_status=403, page=page)})
    cache = MemoryCache()
    client = make_app(tmp_path, fetcher=fetcher, cache=cache).test_client()
    response = client.get("/v1/extract", query_string={"url": "https://news.test/a"},
                          headers=AUTH)
    problem = response.get_json()
    assert response.status_code == 502 and problem["type"] == "upstream-status"
    assert problem["upstream_status"] == 403 and cache.entries == {}
