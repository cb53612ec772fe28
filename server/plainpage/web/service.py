"""The service: what the views call, built once per app by ``create_app``.

A URL request is answered from the result cache when it may be (fresh, or confirmed by the
site with a 304 to a conditional request), else fetched, extracted and stored; a page whose
``next_page`` continues it is joined with its further pages (``follow``) within the first
fetch's deadline. A posted document is extracted and answered; nothing of it is cached,
logged or followed.

Seams for tests and embedding: ``fetcher`` is called as ``fetcher(url, fetch_config)``, or
with ``validators=`` to revalidate a stored result, and returns a ``plainpage.fetch.Fetched``.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..api import extract
from ..errors import DocumentTooComplex, PlainpageError, UpstreamStatus
from ..extract.paywall import with_status
from ..fetch import Fetched
from ..fetch.cache import ResultCache, freshness, storable
from ..fetch.guard import check_url
from ..model import Article
from ..rules import RuleSet
from . import openapi
from .access import TOKEN_FILE, Access
from .follow import Load, follow
from .quotas import Quotas
from .results import ResultStore
from .settings import WebSettings

if TYPE_CHECKING:
    from flask_limiter import Limiter

__all__ = ["CacheState", "Fetcher", "Service"]

Fetcher = Callable[..., Fetched]  # (url, FetchConfig, *, validators=…) → Fetched
#: What answered a URL request: a fresh cache entry, a stored one the site confirmed (304),
#: or a fetch and extraction.
CacheState = Literal["hit", "revalidated", "miss"]

# Metadata URL fields the API promises to be http(s) or null (security notes T19).
_URL_FIELDS = ("image", "canonical_url", "next_page")
_HTTP_URL = re.compile(r"https?://", re.IGNORECASE)


class Service:
    """Settings, rules, cache, access policy and quotas of one app; what the views call."""

    def __init__(self, settings: WebSettings, *, access: Access, rules: RuleSet,
                 fetcher: Fetcher, cache: ResultCache | None) -> None:
        self.settings, self.access, self.rules = settings, access, rules
        self.cache = cache
        self.limiter: Limiter | None = None
        self.document = openapi.document(settings)
        # create_app moves these into Redis with the limiter (same storage, same pool).
        self.quotas = Quotas(None, settings.fetch_rate_limit, settings.address_limit)
        self._fetcher = fetcher
        # The budget is the service's, not part of what the result depends on.
        self.options = settings.options.replace(time_budget=settings.extract_budget)
        # Entries made under other Options must not be served: the key names them.
        # So do entries joined under another page limit.
        made_with = repr((settings.options, settings.max_pages))
        variant = "json2:" + hashlib.sha256(made_with.encode()).hexdigest()[:16]
        self.results = None if cache is None else ResultStore(
            cache, rules_version=rules.version, variant=variant,
            default_ttl=settings.cache_ttl)

    @property
    def token_file(self) -> Path | None:
        """Where the personal-mode token is kept (None: shared mode or PLAINPAGE_TOKEN)."""
        if self.settings.mode != "personal" or self.settings.token:
            return None
        return self.settings.data_dir / TOKEN_FILE

    def article_for_url(self, url: str, client: str) -> tuple[dict[str, Any], CacheState]:
        """The Article JSON for a server-side fetch of ``url``, and where it came from."""
        check_url(url, self.settings.fetch)  # refuse before a quota or cache lookup is spent
        entry, fresh = self.results.lookup(url) if self.results else (None, False)
        if entry is not None and fresh:
            return entry.article, "hit"
        self.quotas.spend_fetch(client)  # a revalidation is a request to the site too
        deadline = time.monotonic() + self.settings.fetch.total_timeout
        fetched, found = self._first_page(url, entry.validators if entry is not None else {})
        if found is None:  # 304: the stored Article still holds
            if entry is None or self.results is None:
                raise UpstreamStatus("the site answered 304 to a request that was not conditional",
                                     upstream_status=304)
            self.results.renew(url, entry, fetched.headers)
            return entry.article, "revalidated"
        headers = [fetched.headers]
        if found.next_page and self.settings.max_pages > 1:
            found = follow(found, fetched.url, self._loader(client, deadline, headers),
                           max_pages=self.settings.max_pages, deadline=deadline,
                           words_per_minute=self.settings.options.words_per_minute)
        article = self._public(found)
        if self.results is not None:
            self.results.store(url, article, headers[0] if len(headers) == 1
                               else self._joined_headers(headers))
        return article, "miss"

    def article_for_html(self, html: str, url: str | None) -> dict[str, Any]:
        """The Article JSON for a posted document; nothing of it is cached or logged, and
        its ``next_page`` is only reported, never fetched."""
        return self._public(self._extract(html, url, None))

    def _first_page(self, url: str, conditional: dict[str, str]
                    ) -> tuple[Fetched, Article | None]:
        """The fetched page and its Article (None after a 304 to ``conditional``). A
        401/402/403 whose body is an article page is kept, marked paywalled
        (``paywall.with_status``); any other error status is raised."""
        try:
            if conditional:
                fetched = self._fetcher(url, self.settings.fetch, validators=conditional)
            else:
                fetched = self._fetcher(url, self.settings.fetch)
        except UpstreamStatus as exc:
            denied = self._denied(exc)
            if denied is None:
                raise
            return denied
        if fetched.status == 304:
            return fetched, None
        return fetched, self._extract(fetched.body, fetched.url, fetched.charset)

    def _denied(self, exc: UpstreamStatus) -> tuple[Fetched, Article] | None:
        page = exc.page
        if not isinstance(page, Fetched):
            return None
        try:
            found = self._extract(page.body, page.url, page.charset)
        except PlainpageError:
            return None  # not a document we read: the status is the answer
        marked = with_status(found, exc.upstream_status)
        return (page, marked) if marked is not None else None

    def _loader(self, client: str, deadline: float, headers: list[Any]) -> Load:
        """Fetch and extract one further page within ``deadline``, on the same quota."""
        def load(url: str) -> tuple[Article, str]:
            config = self.settings.fetch
            check_url(url, config)
            self.quotas.spend_fetch(client)
            left = max(deadline - time.monotonic(), 0.01)
            fetched = self._fetcher(url, config.replace(total_timeout=left))
            headers.append(fetched.headers)
            return self._extract(fetched.body, fetched.url, fetched.charset), fetched.url
        return load

    def _joined_headers(self, pages: list[Any]) -> dict[str, str]:
        """Caching headers for an article joined from ``pages``: kept only if every page
        may be, for the shortest freshness among them, never revalidated (a 304 for the
        first page says nothing of the others)."""
        if not all(storable(headers) for headers in pages):
            return {"cache-control": "no-store"}
        ttl = min(freshness(headers, default=self.settings.cache_ttl) for headers in pages)
        return {"cache-control": f"max-age={int(ttl)}"}

    def _extract(self, data: str | bytes, url: str | None, charset: str | None) -> Article:
        try:
            return extract(data, url, options=self.options, charset=charset, rules=self.rules)
        except MemoryError:
            # The worker's memory limit (RLIMIT_AS) stopped it: the document's fault, not a
            # bug. The memory is free again once the half-built tree is dropped.
            raise DocumentTooComplex("the document needs more memory than a worker may use") \
                from None

    @staticmethod
    def _public(article: Article) -> dict[str, Any]:
        result = article.to_dict()
        for name in _URL_FIELDS:  # defence in depth: the page chose these strings
            value = result.get(name)
            if value is not None and not _HTTP_URL.match(value):
                result[name] = None
        return result
