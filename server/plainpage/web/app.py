"""The application factory and the one object the views work through.

``create_app(settings)`` builds everything once: the access policy (and the personal-mode
token), the site rules, the result cache, the rate limiter and the OpenAPI document; they
live in ``app.extensions["plainpage"]`` (a ``Service``), never in module globals.

Seams for tests and embedding: ``create_app(settings, fetcher=…, cache=…)``. ``fetcher`` is
called as ``fetcher(url, fetch_config)``, or with ``validators=`` to revalidate a stored
result, and returns a ``plainpage.fetch.Fetched`` (default ``plainpage.fetch.fetch``, the
SSRF-guarded client, with the app's per-host concurrency cap); ``cache`` is any
``plainpage.fetch.cache.ResultCache`` (default ``open_cache(redis_url, data_dir)``).

Time budget of one request: the fetch has its own total deadline (``FetchConfig``); the
core's pre-scan refuses documents whose parse would be expensive before parsing them, and
the extraction runs with ``Options.time_budget = extract_budget``: past it, it stops between
two steps (422 ``document-too-complex``). A C parser cannot be interrupted in-process, so
gunicorn's worker ``--timeout`` (``WebSettings.worker_timeout``, above fetch deadline +
budget) is the last line, not the first; ``worker_memory_mb`` bounds each worker's memory.
The further pages of a multi-page article (``follow``) are fetched within the first fetch's
deadline, not after it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
import re
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter, RateLimitExceeded
from werkzeug.exceptions import InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

from ..api import extract
from ..errors import DocumentTooComplex, PlainpageError, UpstreamStatus
from ..extract.paywall import with_status
from ..fetch import Fetched, fetch
from ..fetch.cache import ResultCache, freshness, open_cache, storable
from ..fetch.guard import check_url
from ..fetch.hostcap import HostCap
from ..model import Article
from ..rules import RuleSet, load_dir
from . import openapi, routes
from .access import TOKEN_FILE, Access, ensure_token
from .follow import Load, follow
from .problems import Problem, problem_for, problem_response
from .quotas import Quotas
from .results import ResultStore
from .settings import WebSettings

__all__ = ["Fetcher", "Service", "create_app"]

Fetcher = Callable[..., Fetched]  # (url, FetchConfig, *, validators=…) → Fetched
#: What answered a URL request: a fresh cache entry, a stored one the site confirmed (304),
#: or a fetch and extraction.
CacheState = Literal["hit", "revalidated", "miss"]

log = logging.getLogger("plainpage.web")
# Metadata URL fields the API promises to be http(s) or null (security notes T19).
_URL_FIELDS = ("image", "canonical_url", "next_page")
_HTTP_URL = re.compile(r"https?://", re.IGNORECASE)
_REDIS_TIMEOUTS = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


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


def create_app(settings: WebSettings | None = None, *, fetcher: Fetcher | None = None,
               cache: ResultCache | None = None) -> Flask:
    """Build the service: ``settings`` (``WebSettings.from_env(os.environ)`` when None)."""
    if settings is None:
        settings = WebSettings.from_env(os.environ)
    token = None
    if settings.mode == "personal":
        token = settings.token or ensure_token(settings.data_dir)
    if cache is None and settings.cache_ttl > 0:
        cache = open_cache(settings.redis_url, settings.data_dir)
    if fetcher is None:
        # A fetch holds a slot of its host while it runs: fetch deadline + slack bounds it.
        hostcap = HostCap(settings.host_concurrency, redis_url=settings.redis_url,
                          lease_seconds=settings.fetch.total_timeout + 5)
        fetcher = functools.partial(fetch, hostcap=hostcap)
    rules = load_dir(settings.rules_dir) if settings.rules_dir is not None else RuleSet()
    service = Service(settings, access=Access(settings, token), rules=rules,
                      fetcher=fetcher, cache=cache)
    app = Flask(__name__)
    if settings.trusted_proxies:
        # The client address is what the N-th proxy from the end of X-Forwarded-For saw;
        # Host and scheme stay the request's own (the Host check must see the real one).
        proxied = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=0, x_host=0,
                           x_port=0, x_prefix=0)
        app.wsgi_app = proxied  # type: ignore[method-assign]
    app.config.update(MAX_CONTENT_LENGTH=settings.max_request_bytes)
    app.extensions["plainpage"] = service
    app.before_request(_begin)
    app.before_request(_check_access)
    app.register_blueprint(routes.bp)
    app.register_error_handler(Exception, _handle_error)
    app.after_request(_finish)
    service.limiter = _limiter(app, settings)  # after our hooks: it must see g.client
    if settings.redis_url:
        service.quotas = Quotas(service.limiter.storage, settings.fetch_rate_limit,
                                settings.address_limit)
    _default_logging()
    return app


def _limiter(app: Flask, settings: WebSettings) -> Limiter:
    limiter = Limiter(
        _client_key, app=app, application_limits=[settings.rate_limit],
        storage_uri=settings.redis_url or "memory://", key_prefix="plainpage",
        headers_enabled=False, in_memory_fallback_enabled=bool(settings.redis_url),
        # Redis going away is never a 5xx: a hung Redis costs 0.5 s (the cache's timeouts),
        # not a stuck worker; requests racing the switch to the in-memory fallback pass
        # uncounted instead of failing (swallow_errors); errors arrive as StorageError.
        swallow_errors=True,
        storage_options={**_REDIS_TIMEOUTS, "wrap_exceptions": True} if settings.redis_url else {})
    for view in routes.PUBLIC_VIEWS:
        limiter.exempt(view)
    return limiter


def _client_key() -> str:
    # The credential: the per-address limit (quotas.Quotas) counts addresses separately.
    return str(g.get("client") or "-")


def _service() -> Service:
    service: Service = current_app.extensions["plainpage"]
    return service


def _begin() -> None:
    g.started = time.perf_counter()
    g.request_id = uuid.uuid4().hex


def _check_access() -> Response | None:
    access = _service().access
    access.check_host(request.host)
    if request.url_rule is None:
        return None  # 404/405: routing reports it
    if request.method == "OPTIONS":
        return Response(status=204)  # a CORS preflight; _finish adds the headers it earns
    if request.endpoint not in routes.PUBLIC_ENDPOINTS:
        # Before the credentials: failed attempts count against the address too.
        _service().quotas.spend_address(request.remote_addr or "-")
        g.client = access.authenticate(request.headers.get("Authorization"))
    return None


def _handle_error(exc: Exception) -> Response:
    if isinstance(exc, InternalServerError) and exc.original_exception is not None:
        exc = exc.original_exception  # type: ignore[assignment]
    if isinstance(exc, RateLimitExceeded):
        exc = _rate_problem(exc)
    body, headers = problem_for(exc, f"urn:uuid:{g.get('request_id') or uuid.uuid4().hex}")
    return problem_response(body, headers)


def _rate_problem(exc: RateLimitExceeded) -> Problem:
    limiter = _service().limiter
    current = limiter.current_limit if limiter is not None else None
    reset = current.window.reset_time if current is not None else time.time() + 60
    retry = max(1, math.ceil(reset - time.time()))
    return Problem("rate-limited", f"rate limit {exc.description} reached",
                   headers={"Retry-After": str(retry)}, retry_after=retry)


def _finish(response: Response) -> Response:
    for name, value in _SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    cors = _service().access.cors_headers(request.headers.get("Origin"),
                                          preflight=request.method == "OPTIONS")
    if cors.pop("Vary", None):
        response.vary.add("Origin")
    response.headers.update(cors)
    elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    # Method, path (no query: it may hold a URL with tokens), status, time, request id;
    # never a body, never a header value.
    log.info("%s %s %d %.1fms %s", request.method, request.path[:200], response.status_code,
             elapsed, g.get("request_id", "-"))
    return response


def _default_logging() -> None:
    """One line per request on stderr when nobody configured logging (e.g. under gunicorn)."""
    if log.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
