"""The service and multi-page articles: URL requests follow ``next_page`` through the guarded
fetcher (here: real HTTP to 127.0.0.1 only, behind the tripwire) and join the pages; posted
documents only report ``next_page``. Loops, the page limit, other sites and failures on a
later page each end the article with a note, never with an error."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from plainpage.errors import UpstreamStatus
from plainpage.fetch import FetchConfig, fetch, parse_allow_private
from plainpage.model import Article
from plainpage.web.follow import follow, same_site
from plainpage.web.settings import WebSettings
from tests.tripwire import Tripwire, install_tripwire
from tests.web_support import (
    AUTH,
    FakeFetcher,
    MemoryCache,
    PageServer,
    fetched,
    make_app,
    page_server,
)

HTML = "text/html; charset=utf-8"
FACTS = {1: "The harbour wall was built in 1870 from granite cut on the island.",
         2: "In the storm of 1953 the sea broke through the wall at two places.",
         3: "The repairs of 1954 used concrete, and the seam can still be seen."}


@pytest.fixture(autouse=True)
def tripwire(monkeypatch: pytest.MonkeyPatch) -> Iterator[Tripwire]:
    yield from install_tripwire(monkeypatch)


def story(number: int, *, next_href: str | None = None, via: str = "link") -> bytes:
    """Page ``number`` of a three-page story; its next page as <link rel=next> or a rule link."""
    link = f'<link rel="next" href="{next_href}">' if next_href and via == "link" else ""
    pager = f'<nav><a class="pager-next" href="{next_href}">Next</a></nav>' \
        if next_href and via == "rule" else ""
    text = (f"{FACTS[number]} The town has argued about the wall in every generation, and "
            "the argument is not over yet, as the council minutes of each decade show.")
    return (f"<!doctype html><html lang=en><head><title>The harbour wall</title>{link}</head>"
            f"<body><article><h1>The harbour wall</h1><p>{text}</p><p>{text[::-1]}</p>"
            f"<aside class=newsletter>Sign up for our newsletter</aside></article>{pager}"
            "</body></html>").encode()


def three_pages() -> dict[str, tuple[int, str, bytes]]:
    """/s → /s/2 → /s/3, each linking the next with <link rel=next>."""
    return {"/s": (200, HTML, story(1, next_href="/s/2")),
            "/s/2": (200, HTML, story(2, next_href="/s/3")),
            "/s/3": (200, HTML, story(3))}


def client_for(tmp_path: Path, server: PageServer, tripwire: Tripwire,
               **changes: Any) -> FlaskClient:
    config = FetchConfig(allow_private=parse_allow_private(f"127.0.0.1:{server.port}"))
    fetcher = lambda url, cfg: fetch(url, cfg, transport=tripwire)  # noqa: E731
    return make_app(tmp_path, fetcher=fetcher, fetch=config, **changes).test_client()


def get(client: FlaskClient, url: str) -> dict[str, Any]:
    response = client.get("/v1/extract", query_string={"url": url}, headers=AUTH)
    assert response.status_code == 200, response.get_json()
    data: dict[str, Any] = response.get_json()
    return data


def test_three_local_pages_are_followed_and_joined(tmp_path: Path, tripwire: Tripwire) -> None:
    pages = three_pages()
    with page_server(pages) as server:
        base = f"http://127.0.0.1:{server.port}"
        cache = MemoryCache()
        client = client_for(tmp_path, server, tripwire, cache=cache)
        data = get(client, base + "/s")
        again = client.get("/v1/extract", query_string={"url": base + "/s"}, headers=AUTH)
        requests = list(server.requests)
    assert requests == ["/s", "/s/2", "/s/3"]  # the second answer came from the cache
    assert again.headers["Plainpage-Cache"] == "hit" and again.get_json() == data
    assert data["pages"] == [base + "/s", base + "/s/2", base + "/s/3"]
    positions = [data["text"].index(FACTS[n]) for n in (1, 2, 3)]
    assert positions == sorted(positions)
    assert all(FACTS[n] in data["markdown"] and FACTS[n] in data["html"] for n in (1, 2, 3))
    assert data["word_count"] == len(data["text"].split())
    assert data["title"] == "The harbour wall"
    assert data["next_page"] is None and data["pages_note"] is None
    reasons = [item["reason"] for item in data["removed"] if item["kind"] == "newsletter"]
    assert len(reasons) == 3 and reasons[1].startswith("page 2: ")
    assert reasons[2].startswith("page 3: ")


def test_a_loop_ends_at_the_last_new_page(tmp_path: Path, tripwire: Tripwire) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "127.0.0.1.toml").write_text('host = "127.0.0.1"\nnext_page = ["a.pager-next"]\n')
    pages = {"/s": (200, HTML, story(1, next_href="/s/2", via="rule")),
             "/s/2": (200, HTML, story(2, next_href="/s/3", via="rule")),
             "/s/3": (200, HTML, story(3, next_href="/s#top", via="rule"))}
    with page_server(pages) as server:
        data = get(client_for(tmp_path, server, tripwire, rules_dir=rules),
                   f"http://127.0.0.1:{server.port}/s")
        requests = list(server.requests)
    assert requests == ["/s", "/s/2", "/s/3"]
    assert len(data["pages"]) == 3 and data["next_page"] is None
    assert data["pages_note"].startswith("page 3 links back to a page already joined")


def test_the_page_limit_keeps_the_rest_as_next_page(tmp_path: Path, tripwire: Tripwire) -> None:
    pages = three_pages()
    with page_server(pages) as server:
        base = f"http://127.0.0.1:{server.port}"
        data = get(client_for(tmp_path, server, tripwire, max_pages=2), base + "/s")
        one = get(client_for(tmp_path, server, tripwire, max_pages=1), base + "/s")
        requests = list(server.requests)
    assert requests == ["/s", "/s/2", "/s"]
    assert data["pages"] == [base + "/s", base + "/s/2"] and FACTS[3] not in data["text"]
    assert data["next_page"] == base + "/s/3"
    assert data["pages_note"] == "stopped after 2 pages (the service's page limit)"
    assert one["pages"] == [] and one["next_page"] == base + "/s/2"


def test_a_failed_second_page_keeps_the_first(tmp_path: Path, tripwire: Tripwire) -> None:
    pages = {"/s": (200, HTML, story(1, next_href="/s/2"))}  # /s/2 answers 404
    with page_server(pages) as server:
        base = f"http://127.0.0.1:{server.port}"
        data = get(client_for(tmp_path, server, tripwire), base + "/s")
    assert FACTS[1] in data["text"] and data["pages"] == []
    assert data["next_page"] == base + "/s/2"
    assert data["pages_note"] == (f"page 2 ({base}/s/2) was not joined: the upstream "
                                  "answered with status 404")


@pytest.mark.parametrize("answer", [
    UpstreamStatus("the upstream answered with status 402", upstream_status=402),
    fetched("https://news.test/s/2", "%PDF-1.7 not a page"),
])
def test_any_failure_on_a_later_page_is_a_note(tmp_path: Path, answer: Any) -> None:
    fetcher = FakeFetcher({"https://news.test/s": fetched("https://news.test/s",
                                                          story(1, next_href="/s/2")),
                           "https://news.test/s/2": answer})
    response = make_app(tmp_path, fetcher=fetcher).test_client().get(
        "/v1/extract", query_string={"url": "https://news.test/s"}, headers=AUTH)
    assert response.status_code == 200
    data = response.get_json()
    assert data["pages_note"].startswith("page 2 (https://news.test/s/2) was not joined: ")
    assert data["next_page"] == "https://news.test/s/2" and FACTS[1] in data["text"]


def test_a_page_on_another_site_is_never_fetched(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "news.test.toml").write_text('host = "news.test"\nnext_page = ["a.pager-next"]\n')
    first = fetched("https://news.test/s", story(1, next_href="https://evil.test/s/2",
                                                 via="rule"))
    fetcher = FakeFetcher({"https://news.test/s": first})
    data = make_app(tmp_path, fetcher=fetcher, rules_dir=rules).test_client().get(
        "/v1/extract", query_string={"url": "https://news.test/s"}, headers=AUTH).get_json()
    assert fetcher.calls == ["https://news.test/s"]
    assert data["next_page"] == "https://evil.test/s/2"
    assert data["pages_note"] == ("the next page is on another site (https://evil.test/s/2); "
                                  "not fetched")


def test_a_later_page_redirected_off_the_site_is_not_joined(tmp_path: Path) -> None:
    fetcher = FakeFetcher({
        "https://news.test/s": fetched("https://news.test/s", story(1, next_href="/s/2")),
        "https://news.test/s/2": fetched("https://login.example/s/2", story(2))})
    data = make_app(tmp_path, fetcher=fetcher).test_client().get(
        "/v1/extract", query_string={"url": "https://news.test/s"}, headers=AUTH).get_json()
    assert FACTS[2] not in data["text"] and data["pages"] == []
    assert "redirected to another site (https://login.example/s/2)" in data["pages_note"]


def test_posted_html_reports_next_page_and_fetches_nothing(tmp_path: Path) -> None:
    fetcher = FakeFetcher()
    response = make_app(tmp_path, fetcher=fetcher).test_client().post(
        "/v1/extract", json={"html": story(1, next_href="/s/2").decode(),
                             "url": "https://news.test/s"}, headers=AUTH)
    data = response.get_json()
    assert response.status_code == 200 and fetcher.calls == []
    assert data["next_page"] == "https://news.test/s/2" and data["pages"] == []


@pytest.mark.parametrize(("first", "other", "expected"), [
    ("https://news.test/a", "https://news.test/b", True),
    ("https://www.news.test/a", "https://news.test/b", True),
    ("https://news.test/a", "https://www.news.test:443/b", True),
    ("http://news.test/a", "https://news.test/b", True),
    ("https://news.test/a", "http://news.test/b", False),        # never a step down
    ("https://news.test/a", "https://news.test:8443/b", False),
    ("https://news.test/a", "https://cdn.news.test/b", False),   # conservative: no siblings
    ("https://user.github.io/a", "https://github.io/b", False),
    ("https://news.test/a", "https://news.test.evil/b", False),
    ("https://news.test/a", "ftp://news.test/b", False),
    ("https://news.test/a", "https://news.test:99999/b", False),
])
def test_same_site(first: str, other: str, expected: bool) -> None:
    assert same_site(first, other) is expected


def test_max_pages_is_a_checked_setting(tmp_path: Path) -> None:
    assert WebSettings.from_env({"PLAINPAGE_MAX_PAGES": "3"}).max_pages == 3
    with pytest.raises(ValueError, match="max_pages"):
        WebSettings(data_dir=tmp_path, max_pages=0)


def test_no_further_page_is_fetched_once_the_deadline_has_passed() -> None:
    calls: list[str] = []

    def load(url: str) -> tuple[Article, str]:
        calls.append(url)
        return Article(text="more", confidence=1.0), url

    first = Article(url="https://news.test/s", text="first", confidence=1.0,
                    next_page="https://news.test/s/2")
    late = follow(first, "https://news.test/s", load, max_pages=5,
                  deadline=time.monotonic() - 1, words_per_minute=230)
    assert calls == [] and late.next_page == "https://news.test/s/2"
    assert late.pages_note == "stopped at page 2: the time for further pages was spent"
    in_time = follow(first, "https://news.test/s", load, max_pages=5,
                     deadline=time.monotonic() + 60, words_per_minute=230)
    assert calls == ["https://news.test/s/2"]
    assert in_time.pages == ("https://news.test/s", "https://news.test/s/2")
