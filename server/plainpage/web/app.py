"""The application factory and the hooks around every request.

``create_app(settings)`` builds everything once: the access policy (and the personal-mode
token), the site rules, the result cache, the rate limiter and the OpenAPI document; they
live in ``app.extensions["plainpage"]`` (a ``service.Service``, what the views call), never
in module globals. The hooks here check the Host and the credentials, map errors to
problem+json, add the security and CORS headers and log one line per request.

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
import logging
import math
import os
import sys
import time
import uuid

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter, RateLimitExceeded
from werkzeug.exceptions import InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

from ..fetch import fetch
from ..fetch.cache import ResultCache, open_cache
from ..fetch.hostcap import HostCap
from ..rules import RuleSet, load_dir
from . import routes
from .access import Access, ensure_token
from .problems import Problem, problem_for, problem_response
from .quotas import Quotas
from .service import Fetcher, Service
from .settings import WebSettings

__all__ = ["Fetcher", "Service", "create_app"]


log = logging.getLogger("plainpage.web")
_REDIS_TIMEOUTS = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


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
