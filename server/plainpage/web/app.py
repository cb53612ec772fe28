"""The application factory and the one object the views work through.

``create_app(settings)`` builds everything once: the access policy (and the personal-mode
token), the site rules, the result cache, the rate limiter and the OpenAPI document; they
live in ``app.extensions["plainpage"]`` (a ``Service``), never in module globals.

Seams for tests and embedding: ``create_app(settings, fetcher=…, cache=…)``. ``fetcher`` is
called as ``fetcher(url, fetch_config)`` and returns a ``plainpage.fetch.Fetched`` (default
``plainpage.fetch.fetch``, the SSRF-guarded client); ``cache`` is any
``plainpage.fetch.cache.ResultCache`` (default ``open_cache(redis_url, data_dir)``).

Time budget of one request: the fetch has its own total deadline (``FetchConfig``); the
extraction is bounded by the core's pre-scan, which refuses documents whose parse would be
expensive before parsing them, so no request runs far past ``fetch deadline +
extract_budget``. An extraction over the budget is logged. A C parser cannot be interrupted
in-process, so gunicorn's worker ``--timeout`` (``WebSettings.worker_timeout``) is the last
line, not the first.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter, RateLimitExceeded
from limits import parse_many
from limits.errors import StorageError
from werkzeug.exceptions import InternalServerError

from .. import __version__
from ..api import extract
from ..fetch import FetchConfig, Fetched, fetch
from ..fetch.cache import ResultCache, cache_key, freshness, open_cache
from ..fetch.guard import check_url
from ..rules import RuleSet, load_dir
from . import openapi, routes
from .access import TOKEN_FILE, Access, ensure_token
from .problems import Problem, problem_for, problem_response
from .settings import WebSettings

__all__ = ["Fetcher", "Service", "create_app"]

Fetcher = Callable[[str, FetchConfig], Fetched]

log = logging.getLogger("plainpage.web")
# Metadata URL fields the API promises to be http(s) or null (security notes T19).
_URL_FIELDS = ("image", "canonical_url")
_HTTP_URL = re.compile(r"https?://", re.IGNORECASE)
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
        self._fetcher = fetcher
        self._fetch_limits = parse_many(settings.fetch_rate_limit)
        # Entries made under other Options must not be served: the key names them.
        self._variant = "json:" + hashlib.sha256(repr(settings.options).encode()).hexdigest()[:16]

    @property
    def token_file(self) -> Path | None:
        """Where the personal-mode token is kept (None: shared mode or PLAINPAGE_TOKEN)."""
        if self.settings.mode != "personal" or self.settings.token:
            return None
        return self.settings.data_dir / TOKEN_FILE

    def article_for_url(self, url: str, client: str) -> tuple[dict[str, Any], bool]:
        """The Article JSON for a server-side fetch of ``url``, and whether it was cached."""
        check_url(url, self.settings.fetch)  # refuse before a quota or cache lookup is spent
        key = None
        if self.cache is not None:
            key = cache_key(url, __version__, self.rules.version, self._variant)
            cached = self.cache.get(key)
            if cached is not None:
                try:
                    return json.loads(cached), True
                except ValueError:
                    pass  # an entry nobody here wrote: treat it as a miss
        self._spend_fetch_quota(client)
        fetched = self._fetcher(url, self.settings.fetch)
        article = self._extract(fetched.body, fetched.url, fetched.charset)
        if self.cache is not None and key is not None:
            ttl = freshness(fetched.headers, default=self.settings.cache_ttl)
            self.cache.put(key, json.dumps(article).encode("ascii"), ttl)
        return article, False

    def article_for_html(self, html: str, url: str | None) -> dict[str, Any]:
        """The Article JSON for a posted document; nothing of it is cached or logged."""
        return self._extract(html, url, None)

    def _extract(self, data: str | bytes, url: str | None, charset: str | None
                 ) -> dict[str, Any]:
        started = time.perf_counter()
        article = extract(data, url, options=self.settings.options, charset=charset,
                          rules=self.rules)
        elapsed = time.perf_counter() - started
        if elapsed > self.settings.extract_budget:
            log.warning("extraction took %.1f s, over the %.0f s budget (%d bytes)",
                        elapsed, self.settings.extract_budget, len(data))
        result = article.to_dict()
        for name in _URL_FIELDS:  # defence in depth: the page chose these strings
            value = result.get(name)
            if value is not None and not _HTTP_URL.match(value):
                result[name] = None
        return result

    def _spend_fetch_quota(self, client: str) -> None:
        if self.limiter is None:
            return
        strategy = self.limiter.limiter
        for item in self._fetch_limits:
            try:
                allowed = strategy.hit(item, "plainpage-fetch", client)
            except StorageError:  # Redis died since this request's own limit check
                log.warning("fetch quota not counted: rate-limit storage unreachable")
                return
            if not allowed:
                reset, _remaining = strategy.get_window_stats(item, "plainpage-fetch", client)
                retry = max(1, math.ceil(reset - time.time()))
                raise Problem("rate-limited", f"fetch limit {item} reached",
                              headers={"Retry-After": str(retry)}, retry_after=retry)


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
    rules = load_dir(settings.rules_dir) if settings.rules_dir is not None else RuleSet()
    service = Service(settings, access=Access(settings, token), rules=rules,
                      fetcher=fetcher or fetch, cache=cache)
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=settings.max_request_bytes)
    app.extensions["plainpage"] = service
    app.before_request(_begin)
    app.before_request(_check_access)
    app.register_blueprint(routes.bp)
    app.register_error_handler(Exception, _handle_error)
    app.after_request(_finish)
    service.limiter = _limiter(app, settings)  # after our hooks: it must see g.client
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
        swallow_errors=True, storage_options={
            "socket_timeout": 0.5, "socket_connect_timeout": 0.5, "wrap_exceptions": True})
    for view in routes.PUBLIC_VIEWS:
        limiter.exempt(view)
    return limiter


def _client_key() -> str:
    # The credential, never the address: behind a proxy every client has the proxy's
    # address, and X-Forwarded-For can be forged.
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
