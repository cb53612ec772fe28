"""WebSettings: everything the HTTP service is configured with, in one frozen object.

``WebSettings.from_env(os.environ)`` is the only place the service reads the environment;
``create_app(settings)`` takes the result (tests build ``WebSettings(...)`` directly). Every
variable is optional; a value that cannot be used raises ValueError naming the variable.
The variables, with their defaults in parentheses:

PLAINPAGE_HOST             address ``plainpage serve`` binds (``127.0.0.1``)
PLAINPAGE_PORT             port ``plainpage serve`` binds (``8080``)
PLAINPAGE_DATA_DIR         token file and SQLite cache (``$XDG_DATA_HOME/plainpage``, else
                           ``~/.local/share/plainpage``)
PLAINPAGE_MODE             ``personal`` (one user, bearer token) or ``shared`` (API keys)
PLAINPAGE_TOKEN            personal mode: use this token instead of the generated
                           ``DATA_DIR/token`` file (at least 16 characters)
PLAINPAGE_API_KEYS         shared mode (required there): comma-separated keys; an entry
                           ``sha256:<64 hex>`` is the SHA-256 of a key, so the key itself
                           need not sit in the environment
PLAINPAGE_ALLOWED_HOSTS    comma-separated ``Host`` names accepted (personal mode:
                           ``localhost,127.0.0.1,::1`` plus the bound address; shared mode:
                           any Host unless this is set) — the DNS-rebinding defence
PLAINPAGE_CORS_ORIGINS     comma-separated exact origins that may call the API from a
                           browser, e.g. ``chrome-extension://<id>``; never ``*`` (none)
PLAINPAGE_MAX_REQUEST_BYTES
                           largest request body, chunked bodies included (8 MiB)
PLAINPAGE_RATE_LIMIT       per client over all ``/v1`` routes, flask-limiter syntax
                           (``120/minute``); a client is its token or API key
PLAINPAGE_FETCH_RATE_LIMIT per client, requests that make the server fetch a URL (cache
                           hits do not count) (``30/minute``)
PLAINPAGE_IP_RATE_LIMIT    per client address, every ``/v1`` request, counted before the
                           credentials are checked (shared mode ``600/minute``; personal
                           mode, where every request comes from loopback: ``off``)
PLAINPAGE_TRUSTED_PROXIES  how many reverse proxies in front append to ``X-Forwarded-For``
                           (0: the header is ignored and the peer address counts)
PLAINPAGE_HOST_CONCURRENCY most fetches to one destination host at a time, per process, or
                           across all instances with Redis (4)
PLAINPAGE_REDIS_URL        ``redis://…``: result cache and rate-limit counters in Redis,
                           shared by every instance (unset: SQLite cache, in-memory limits)
PLAINPAGE_CACHE_TTL        seconds a fetched result is kept when the page's own headers say
                           nothing (300); ``0`` switches the result cache off
PLAINPAGE_EXTRACT_BUDGET   seconds one extraction may take (10): it is stopped between two
                           steps past it (``Options.time_budget``, 422 document-too-complex);
                           gunicorn's worker timeout is set above it (``worker_timeout``)
PLAINPAGE_WORKER_MEMORY    MiB of address space each gunicorn worker may use (RLIMIT_AS,
                           set after the fork; 0: no limit) (2048)
PLAINPAGE_MAX_ELEMENTS     most start tags in one document (80 000; the library's default is
                           600 000): what keeps an extraction within the budget, see below
PLAINPAGE_WORKERS          gunicorn worker processes for ``serve --production`` (2)
PLAINPAGE_MAX_PAGES        most pages of a multi-page article a URL request joins (5);
                           ``1`` never follows ``next_page``. Every page of one request is
                           fetched within the one fetch deadline (``total_timeout``)
PLAINPAGE_RULES_DIR        site rules directory (the repository's ``rules/`` if present)
PLAINPAGE_ALLOW_PRIVATE,   read by ``plainpage.fetch.FetchConfig.from_env``: private
PLAINPAGE_FETCH_PORTS      destinations the fetcher may reach, extra public ports

Why the service tightens ``Options.max_elements``: the pre-scan refuses the documents whose
*parse* explodes (deep nesting, attribute floods), but the pipeline after the parse grows
with the element count, and one pass of classify with elements × depth. Measured on a loaded
2-core machine at 80 000 start tags: 5–8 s for 80 000 sibling ``<div>`` paragraphs, 7–10 s
for towers of 1 000–1 200 nested ``<div>``s. The largest of the 397 HTML pages in the shared
corpora has 9 892 start tags. What still runs long is stopped by ``extract_budget``
(``Options.time_budget``): 422 instead of a worker held for the length of the document.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from limits import parse_many

from ..fetch import FetchConfig
from ..options import Options
from ..rules.commands import default_rules_dir

__all__ = ["DEFAULT_ALLOWED_HOSTS", "SHARED_IP_RATE_LIMIT", "WEB_MAX_ELEMENTS", "Mode",
           "WebSettings", "hash_key"]

Mode = Literal["personal", "shared"]

#: Host names a personal-mode service answers to: loopback only (DNS-rebinding defence).
DEFAULT_ALLOWED_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_WILDCARD_BINDS = frozenset({"0.0.0.0", "::", ""})
_HASHED = re.compile(r"sha256:([0-9a-f]{64})")
# scheme://host[:port] with nothing after it: what a browser sends as Origin.
_ORIGIN = re.compile(r"[a-z][a-z0-9+.-]*://[A-Za-z0-9._~-]+(?::\d{1,5})?")
_MIN_SECRET = 16
#: The service's element limit (see the module docstring); the library allows 600 000.
WEB_MAX_ELEMENTS = 80_000
#: The per-address limit of shared mode when PLAINPAGE_IP_RATE_LIMIT is not set.
SHARED_IP_RATE_LIMIT = "600/minute"
_OFF = "off"


def hash_key(key: str) -> str:
    """The SHA-256 (hex) an API key is stored and compared as."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class WebSettings:
    """Configuration of one service instance; every field has a safe default.

    ``api_keys`` accepts plain keys or ``sha256:<hex>`` entries; only their hashes are kept
    (``api_key_hashes``). ``token`` and the keys never appear in ``repr``.
    """

    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = field(default_factory=lambda: Path.home() / ".local/share/plainpage")
    mode: Mode = "personal"
    token: str | None = field(default=None, repr=False)
    api_keys: tuple[str, ...] = field(default=(), repr=False)
    allowed_hosts: frozenset[str] | None = None  # None: the mode's default
    cors_origins: frozenset[str] = frozenset()
    max_request_bytes: int = 8 * 1024 * 1024
    rate_limit: str = "120/minute"
    fetch_rate_limit: str = "30/minute"
    ip_rate_limit: str | None = None  # None: the mode's default; "off": none
    trusted_proxies: int = 0
    host_concurrency: int = 4
    redis_url: str | None = field(default=None, repr=False)  # may hold a password
    cache_ttl: float = 300.0
    extract_budget: float = 10.0
    worker_memory_mb: int = 2048
    workers: int = 2
    max_pages: int = 5
    rules_dir: Path | None = field(default_factory=default_rules_dir)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    options: Options = field(default_factory=lambda: Options(max_elements=WEB_MAX_ELEMENTS))
    api_key_hashes: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._check_numbers()
        if self.mode not in ("personal", "shared"):
            raise ValueError(f"mode must be 'personal' or 'shared', not {self.mode!r}")
        if self.token is not None and len(self.token.strip()) < _MIN_SECRET:
            raise ValueError(f"the token must be at least {_MIN_SECRET} characters long")
        hashes = frozenset(_key_hash(key) for key in self.api_keys)
        if self.mode == "shared" and not hashes:
            raise ValueError("shared mode needs at least one API key (PLAINPAGE_API_KEYS)")
        for origin in self.cors_origins:
            _check_origin(origin)
        for limit in (self.rate_limit, self.fetch_rate_limit, self.address_limit):
            if limit is not None:
                _check_limit(limit)
        object.__setattr__(self, "api_key_hashes", hashes)
        if self.mode == "shared" and self.fetch.allow_https_downgrade:
            # A shared instance never follows https → http redirects (security notes R3).
            object.__setattr__(self, "fetch", self.fetch.replace(allow_https_downgrade=False))

    def _check_numbers(self) -> None:
        if not 0 < self.port < 65536:
            raise ValueError(f"port must be from 1 to 65535, not {self.port}")
        if self.max_request_bytes < 1024:
            raise ValueError("max_request_bytes must be at least 1024")
        if self.workers < 1 or self.host_concurrency < 1:
            raise ValueError("workers and host_concurrency must be at least 1")
        if not 1 <= self.max_pages <= 50:
            raise ValueError("max_pages must be from 1 to 50")
        if self.trusted_proxies < 0 or self.worker_memory_mb < 0:
            raise ValueError("trusted_proxies and worker_memory_mb must not be negative")
        if not (math.isfinite(self.cache_ttl) and self.cache_ttl >= 0):
            raise ValueError("cache_ttl must be a number of seconds, 0 or more")
        if not (math.isfinite(self.extract_budget) and self.extract_budget > 0):
            raise ValueError("extract_budget must be a positive number of seconds")

    @property
    def hosts(self) -> frozenset[str] | None:
        """The Host names accepted, lower-case without brackets; None accepts any."""
        if self.allowed_hosts is not None:
            return frozenset(_bare_host(h) for h in self.allowed_hosts)
        if self.mode == "shared":
            return None
        bound = _bare_host(self.host)
        extra = frozenset() if bound in _WILDCARD_BINDS else frozenset({bound})
        return DEFAULT_ALLOWED_HOSTS | extra

    @property
    def address_limit(self) -> str | None:
        """The per-address limit in force (None: none): ``ip_rate_limit``, else the mode's
        default (shared: ``SHARED_IP_RATE_LIMIT``; personal: none, since every request of
        its one user comes from loopback and the token's own limit already counts them)."""
        if self.ip_rate_limit is None:
            return SHARED_IP_RATE_LIMIT if self.mode == "shared" else None
        return None if self.ip_rate_limit.strip().lower() == _OFF else self.ip_rate_limit

    @property
    def worker_timeout(self) -> int:
        """Seconds gunicorn lets one request run before it kills the worker: the fetch
        deadline plus the extraction budget plus slack. It is the last line; the fetcher's
        deadline and the pre-scan's limits are the first."""
        return math.ceil(self.fetch.total_timeout + self.extract_budget + 5)

    def replace(self, **changes: Any) -> WebSettings:
        """A copy with some fields changed (checked again)."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> WebSettings:
        """Settings from ``PLAINPAGE_*`` variables (the module docstring lists them)."""
        env = _Env(environ)
        values: dict[str, Any] = {
            "host": env.text("HOST"), "port": env.number("PORT", int),
            "data_dir": env.path("DATA_DIR") or _data_home(environ),
            "mode": env.text("MODE"), "token": env.text("TOKEN"),
            "api_keys": env.items("API_KEYS"), "allowed_hosts": env.set_or_none("ALLOWED_HOSTS"),
            "cors_origins": frozenset(env.items("CORS_ORIGINS") or ()),
            "max_request_bytes": env.number("MAX_REQUEST_BYTES", int),
            "rate_limit": env.text("RATE_LIMIT"), "fetch_rate_limit": env.text("FETCH_RATE_LIMIT"),
            "ip_rate_limit": env.text("IP_RATE_LIMIT"),
            "trusted_proxies": env.number("TRUSTED_PROXIES", int),
            "host_concurrency": env.number("HOST_CONCURRENCY", int),
            "worker_memory_mb": env.number("WORKER_MEMORY", int),
            "redis_url": env.text("REDIS_URL"), "cache_ttl": env.number("CACHE_TTL", float),
            "extract_budget": env.number("EXTRACT_BUDGET", float),
            "workers": env.number("WORKERS", int), "max_pages": env.number("MAX_PAGES", int),
            "rules_dir": env.path("RULES_DIR"),
            "fetch": FetchConfig.from_env(environ),
            "options": _options(env.number("MAX_ELEMENTS", int)),
        }
        given = {name: value for name, value in values.items() if value is not None}
        try:
            return cls(**given)
        except ValueError as exc:
            raise ValueError(f"plainpage settings: {exc}") from None


class _Env:
    """Typed reads of ``PLAINPAGE_<NAME>``; empty counts as unset."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def text(self, name: str) -> str | None:
        value = self._environ.get(f"PLAINPAGE_{name}", "").strip()
        return value or None

    def number(self, name: str, kind: type[int] | type[float]) -> Any:
        value = self.text(name)
        if value is None:
            return None
        try:
            return kind(value)
        except ValueError:
            raise ValueError(f"PLAINPAGE_{name}: {value!r} is not a number") from None

    def path(self, name: str) -> Path | None:
        value = self.text(name)
        return Path(value).expanduser() if value else None

    def items(self, name: str) -> tuple[str, ...] | None:
        value = self.text(name)
        if value is None:
            return None
        return tuple(part.strip() for part in value.split(",") if part.strip())

    def set_or_none(self, name: str) -> frozenset[str] | None:
        items = self.items(name)
        return None if items is None else frozenset(items)


def _options(max_elements: int | None) -> Options:
    return Options(max_elements=WEB_MAX_ELEMENTS if max_elements is None else max_elements)


def _data_home(environ: Mapping[str, str]) -> Path | None:
    xdg = environ.get("XDG_DATA_HOME", "").strip()
    return Path(xdg) / "plainpage" if xdg else None


def _key_hash(key: str) -> str:
    key = key.strip()
    hashed = _HASHED.fullmatch(key.lower())
    if hashed:
        return hashed.group(1)
    if len(key) < _MIN_SECRET:
        raise ValueError(f"API keys must be at least {_MIN_SECRET} characters long")
    return hash_key(key)


def _check_origin(origin: str) -> None:
    if "*" in origin or not _ORIGIN.fullmatch(origin):
        raise ValueError(f"CORS origin {origin!r} must be one exact origin such as "
                         "chrome-extension://<id> or https://host:port (no wildcards, no path)")


def _check_limit(limit: str) -> None:
    try:
        parse_many(limit)
    except ValueError:
        raise ValueError(f"rate limit {limit!r} is not like '120/minute' or "
                         "'10/second;500/hour'") from None


def _bare_host(host: str) -> str:
    """``[::1]`` → ``::1``, lower-case: the form Host names are compared in."""
    host = host.strip().lower()
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host
