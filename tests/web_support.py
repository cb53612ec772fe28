"""Helpers shared by the tests/test_web_*.py files: a fake fetcher, an in-memory cache and an
app factory with test settings. No fixtures here (each test file declares its own)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from flask import Flask

from plainpage.errors import UpstreamError
from plainpage.fetch import FetchConfig, Fetched
from plainpage.fetch.cache import ResultCache
from plainpage.web import create_app
from plainpage.web.settings import WebSettings
from tests.serving import serving

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}

PARAGRAPHS = (
    "The river rose overnight, and by morning the old stone bridge stood in brown water up "
    "to its second arch. Farmers on both banks moved their animals to the higher fields.",
    "By noon the water began to fall. The road to the market town stays closed until the "
    "engineers have inspected the bridge, which may take the rest of the week.",
)


def article_page(*paragraphs: str, title: str = "Flood closes the old bridge") -> str:
    """A small whole page: navigation, an article, a footer."""
    body = "".join(f"<p>{p}</p>" for p in (paragraphs or PARAGRAPHS))
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
            f"</head><body><nav><a href=/>Home</a> <a href=/news>News</a></nav>"
            f"<article><h1>{title}</h1>{body}</article><footer>Contact</footer></body></html>")


class MemoryCache(ResultCache):
    """The result cache in a dict, on the real ResultCache base (its checks apply)."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[str, tuple[bytes, float]] = {}
        self.up = True

    def ping(self) -> bool:
        return self.up

    def close(self) -> None:
        self.entries.clear()

    def _get(self, key: str) -> bytes | None:
        entry = self.entries.get(key)
        return entry[0] if entry else None

    def _put(self, key: str, value: bytes, ttl: float) -> None:
        self.entries[key] = (value, ttl)


class FakeFetcher:
    """Stands in for ``plainpage.fetch.fetch``: answers from a table, records every call.

    A table value is a ``Fetched`` or an exception to raise; unknown URLs are UpstreamError.
    """

    def __init__(self, table: Mapping[str, Fetched | Exception] | None = None) -> None:
        self.table = dict(table or {})
        self.calls: list[str] = []

    def __call__(self, url: str, config: FetchConfig) -> Fetched:
        self.calls.append(url)
        answer = self.table.get(url)
        if answer is None:
            raise UpstreamError(f"{url} is not in the fake web")
        if isinstance(answer, Exception):
            raise answer
        return answer


def fetched(url: str, html: str | bytes, *, charset: str | None = "utf-8",
            headers: Mapping[str, str] | None = None) -> Fetched:
    body = html.encode(charset or "utf-8") if isinstance(html, str) else html
    return Fetched(url=url, status=200, headers=dict(headers or {}), content_type="text/html",
                   charset=charset, body=body)


def settings(tmp_path: Path, **changes: Any) -> WebSettings:
    """Test settings: the data dir in tmp_path, a fixed token, no site rules."""
    values: dict[str, Any] = {"data_dir": tmp_path, "token": TOKEN, "rules_dir": None}
    values.update(changes)
    return WebSettings(**values)


def make_app(tmp_path: Path, *, fetcher: Callable[..., Fetched] | None = None,
             cache: ResultCache | None = None, **changes: Any) -> Flask:
    return create_app(settings(tmp_path, **changes), fetcher=fetcher or FakeFetcher(),
                      cache=cache if cache is not None else MemoryCache())


class _Pages(BaseHTTPRequestHandler):
    """Serves the server's ``pages`` dict (path → (status, content type, body))."""

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        server: PageServer = self.server  # type: ignore[assignment]
        server.requests.append(self.path)
        status, ctype, body = server.pages.get(self.path, (404, "text/plain", b"no"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class PageServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, pages: dict[str, tuple[int, str, bytes]]) -> None:
        super().__init__(("127.0.0.1", 0), _Pages)
        self.pages = pages
        self.requests: list[str] = []

    @property
    def port(self) -> int:
        return int(self.server_address[1])


@contextmanager
def page_server(pages: dict[str, tuple[int, str, bytes]]) -> Iterator[PageServer]:
    """A real HTTP server on 127.0.0.1 (ephemeral port) in a thread, for one test."""
    with serving(PageServer(pages)) as server:
        yield server
