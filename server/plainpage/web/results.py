"""Extraction results of server-side fetches in the result cache, with HTTP revalidation.

An entry is one JSON object: the Article JSON, the wall-clock time until which it is fresh,
and the fetched response's caching headers (``Cache-Control``, ``Expires``, ``Date``,
``ETag``, ``Last-Modified`` …). Freshness follows RFC 9111 (``cache.freshness``):

* **fresh** → served as is (``Plainpage-Cache: hit``), no fetch;
* **stale, with an ETag or Last-Modified** → the service sends a conditional request
  (``If-None-Match`` / ``If-Modified-Since``); on 304 the stored Article is reused and its
  freshness renewed from the 304's headers (``revalidated``), on 200 it is replaced (``miss``);
* **stale without validators** → gone: such entries are stored only for their freshness.

So that stale entries can be revalidated, an entry with validators is kept for ``MAX_TTL``
(24 h, LRU-bounded like every entry) whatever its freshness; ``no-cache`` responses with
validators are stored too, with no freshness, and revalidated on every use. Nothing that
``cache.storable`` refuses (``no-store``, ``private``, ``Set-Cookie``, ``Vary: *``) is kept.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..fetch.cache import MAX_TTL, ResultCache, cache_key, freshness, storable, validators

__all__ = ["Entry", "ResultStore"]

# The response headers an entry keeps: what freshness and revalidation read, nothing else.
_CACHING = ("cache-control", "expires", "date", "age", "etag", "last-modified", "vary",
            "pragma")


@dataclass(frozen=True, slots=True)
class Entry:
    """One stored result: the Article JSON, until when it is fresh, the response's caching
    headers."""

    article: dict[str, Any]
    fresh_until: float
    headers: dict[str, str]

    @property
    def validators(self) -> dict[str, str]:
        return validators(self.headers)


class ResultStore:
    """Article JSON by URL in a ``ResultCache``; ``variant`` names the extraction settings."""

    def __init__(self, cache: ResultCache, *, rules_version: str, variant: str,
                 default_ttl: float, clock: Callable[[], float] = time.time) -> None:
        self.cache = cache
        self._rules_version, self._variant = rules_version, variant
        self._default_ttl, self._clock = default_ttl, clock

    def lookup(self, url: str) -> tuple[Entry | None, bool]:
        """The stored entry for ``url`` (None: nothing usable) and whether it is fresh."""
        raw = self.cache.get(self._key(url))
        entry = _decode(raw) if raw is not None else None
        if entry is None:
            return None, False
        return entry, self._clock() < entry.fresh_until

    def store(self, url: str, article: dict[str, Any], headers: Mapping[str, str]) -> None:
        """Keep the result of a fetch that answered with ``headers`` (if they allow it)."""
        if storable(headers):  # all of them: Set-Cookie is not among those kept
            self._put(url, article, {k.lower(): v for k, v in headers.items()
                                     if k.lower() in _CACHING})

    def renew(self, url: str, entry: Entry, headers: Mapping[str, str]) -> None:
        """A 304 confirmed ``entry``: its headers, updated by the 304's, give new freshness
        (RFC 9111 §4.3.4). The old ``Age`` no longer applies."""
        merged = {k: v for k, v in entry.headers.items() if k != "age"}
        merged.update({k.lower(): v for k, v in headers.items() if k.lower() in _CACHING})
        self._put(url, entry.article, merged)

    def _put(self, url: str, article: dict[str, Any], headers: dict[str, str]) -> None:
        if not storable(headers):
            return
        fresh = freshness(headers, default=self._default_ttl)
        ttl = MAX_TTL if validators(headers) else fresh  # kept stale only to revalidate
        entry = {"fresh_until": self._clock() + fresh, "headers": headers, "article": article}
        self.cache.put(self._key(url), json.dumps(entry).encode("ascii"), ttl)

    def _key(self, url: str) -> str:
        return cache_key(url, __version__, self._rules_version, self._variant)


def _decode(raw: bytes) -> Entry | None:
    """The entry, or None for bytes nobody here wrote (a miss, never an error)."""
    try:
        data = json.loads(raw)
        article, until, headers = data["article"], float(data["fresh_until"]), data["headers"]
    except (ValueError, TypeError, KeyError):
        return None
    if not (isinstance(article, dict) and isinstance(headers, dict)
            and all(isinstance(v, str) for v in headers.values())):
        return None
    return Entry(article=article, fresh_until=until, headers=headers)
