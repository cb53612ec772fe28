"""The result cache: bytes the web edge computed from a server-side fetch, kept for a while.

>>> cache = open_cache(None, Path("~/.local/share/plainpage").expanduser())  # doctest: +SKIP
>>> key = cache_key(url, extractor_version, rules_version, "json")            # doctest: +SKIP
>>> cache.put(key, body, freshness(fetched.headers, default=300))             # doctest: +SKIP
>>> cache.get(key)                                                             # doctest: +SKIP

Backends: ``open_cache(None, data_dir)`` keeps one SQLite file, ``cache.sqlite3``, in the data
dir (no server needed; ``cache_sqlite``); ``open_cache("redis://…", …)`` uses Redis so
several instances share one cache (``cache_redis``). Both store only the ``bytes`` the caller
hands in (nothing is pickled), refuse values over ``MAX_VALUE_BYTES`` and entries whose TTL is
not positive, and never keep anything longer than ``MAX_TTL``.

What may go in is the caller's decision, with two rules from the security notes (R15): only
results of *server-side fetches of public URLs* are cached; posted HTML and what was extracted
from it are never cached, so nothing a user's browser saw while logged in ends up shared.

**Failure policy: the cache is an optimisation, never a reason to fail a request.** When the
backend is unreachable or broken (Redis down or hung, SQLite file locked, deleted or on a full
disk), ``get`` answers ``None`` (a miss), ``put`` does nothing, and ``ping()`` answers False so
``/healthz`` can report it. The outage is logged once when it starts and once when it ends,
not per call. Only programming errors raise: a key that is not ``str``, a value that is not
``bytes``. Misconfiguration raises at ``open_cache`` (an unusable data dir, a Redis URL that
is not one), so it shows at start-up instead of as a silently cold cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from email.utils import mktime_tz, parsedate_tz
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote_plus

import httpx

__all__ = [
    "DEFAULT_MAX_AGE",
    "KEY_PREFIX",
    "MAX_TTL",
    "MAX_VALUE_BYTES",
    "TRACKING_PARAMS",
    "TRACKING_PREFIXES",
    "ResultCache",
    "cache_key",
    "freshness",
    "normalise_url",
    "open_cache",
    "storable",
    "validators",
]

#: Every key starts with this, so a shared Redis can hold other things (and a v2 key format).
KEY_PREFIX = "plainpage:v1:"
#: Values larger than this are not stored (a 5 MB page rarely extracts to more than 1 MB).
MAX_VALUE_BYTES = 2 * 1024 * 1024
#: Upper bound of ``freshness`` (its default ``cap``) and of any TTL a backend accepts.
MAX_TTL = 24 * 60 * 60.0
#: A sensible ``default`` for ``freshness``: pages that say nothing about caching.
DEFAULT_MAX_AGE = 300.0

#: Query parameters dropped by ``cache_key`` (compared lower-cased, after %-decoding): click
#: and campaign identifiers that ad and mail platforms append; they never change the page.
TRACKING_PARAMS = frozenset({
    "fbclid",            # Facebook
    "gclid", "dclid", "gbraid", "wbraid",  # Google Ads / DoubleClick
    "msclkid",           # Microsoft Ads
    "yclid",             # Yandex
    "twclid",            # X/Twitter
    "igshid",            # Instagram share
    "mc_cid", "mc_eid",  # Mailchimp
    "_hsenc", "_hsmi",   # HubSpot
})
#: Prefixes of dropped parameters: Google Analytics campaign tags (utm_source, utm_medium …).
TRACKING_PREFIXES = ("utm_",)

_DEFAULT_PORTS = {"http": 80, "https": 443}
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
# One Cache-Control directive: a token, optionally "=" and a token or a quoted string.
_DIRECTIVE = re.compile(r"""([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*))?""")
_PRIVATE = frozenset({"no-store", "private"})

log = logging.getLogger(__name__)


# --- keys ------------------------------------------------------------------------------------

def normalise_url(url: str) -> str:
    """The form of ``url`` that ``cache_key`` hashes; equal pages get equal strings.

    Lower-cases scheme and host (IDNA-encoded), drops the scheme's default port, the fragment
    and the tracking parameters (``TRACKING_PARAMS``, ``TRACKING_PREFIXES``), upper-cases
    %-escapes, and writes an empty path as ``/``. Path case and the order and spelling of the
    other query parameters are kept: servers may treat them as different pages. A string
    httpx cannot parse comes back stripped but otherwise unchanged (it will miss; the fetcher
    refuses it).
    """
    try:
        parsed = httpx.URL(url.strip())
        host = parsed.raw_host.decode("ascii").lower()
    except (httpx.InvalidURL, UnicodeError, TypeError):
        return url.strip()
    if not parsed.scheme or not host:  # relative or odd: nothing fetchable to normalise
        return url.strip()
    scheme = parsed.scheme.lower()
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    port = parsed.port
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    if parsed.userinfo:
        netloc = f"{parsed.userinfo.decode('ascii', 'replace')}@{netloc}"
    path, _, query = parsed.raw_path.decode("ascii", "replace").partition("?")
    kept = [p for p in query.split("&") if not _is_tracking(p)] if query else []
    query = "&".join(kept)
    text = f"{scheme}://{netloc}{path or '/'}" + (f"?{query}" if query else "")
    return _PERCENT.sub(lambda m: m.group(0).upper(), text)


def _is_tracking(pair: str) -> bool:
    lowered = unquote_plus(pair.partition("=")[0]).lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def cache_key(url: str, extractor_version: str, rules_version: str, variant: str) -> str:
    """``plainpage:v1:`` + sha256 of the normalised URL, both versions and the variant.

    ``variant`` names whatever else changes the stored bytes (output format, options).
    The parts are hashed as a JSON list, so no two different tuples share a key.
    """
    parts = [normalise_url(url), extractor_version, rules_version, variant]
    digest = hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()
    return KEY_PREFIX + digest


# --- freshness -------------------------------------------------------------------------------

def freshness(
    headers: Mapping[str, str], default: float, *, cap: float = MAX_TTL,
    now: float | None = None,
) -> float:
    """Seconds a fetched response may be served from the cache: 0 means "do not store".

    RFC 9111 for a shared cache: what is not ``storable`` gives 0, and so does ``no-cache``
    (also ``Pragma: no-cache`` without Cache-Control: such a response may be stored, but
    must be revalidated before each use); else ``s-maxage``, then ``max-age``, minus
    ``Age``; else
    ``Expires`` − ``Date`` (``now`` when Date is missing or broken) minus ``Age``; else
    ``default`` (the caller's heuristic for pages without caching headers). The result is
    clamped to ``[0, cap]``. Malformed values count as stale, as RFC 9111 §4.2.1 and §5.3
    advise (``max-age=soon``, ``Expires: 0``); a malformed ``Age`` is ignored (§5.1).
    ``headers`` may be any mapping (httpx.Headers, dict); names are matched case-insensitively.
    """
    h = _lower(headers)
    control = _directives(h.get("cache-control", ""))
    stale = ("no-cache" in control
             or ("cache-control" not in h and "no-cache" in h.get("pragma", "").lower()))
    if stale or not _storable(h, control):
        return 0.0
    age = _delta_seconds(h["age"].split(",")[0]) if "age" in h else None
    age = age or 0.0  # an invalid Age is ignored
    for name in ("s-maxage", "max-age"):
        if name in control:
            lifetime = _delta_seconds(control[name])
            return _clamp((lifetime or 0.0) - age, cap)
    if "expires" in h:
        return _clamp(_expires_lifetime(h, now) - age, cap)
    return _clamp(default, cap)


def storable(headers: Mapping[str, str]) -> bool:
    """Whether a shared cache may keep this response at all (to serve it while fresh, or to
    revalidate it): not with ``no-store`` or ``private``, ``Vary: *`` or any ``Set-Cookie``
    (a response made for one visitor)."""
    h = _lower(headers)
    return _storable(h, _directives(h.get("cache-control", "")))


def _storable(h: dict[str, str], control: dict[str, str]) -> bool:
    return not ("set-cookie" in h or _PRIVATE & control.keys()
                or h.get("vary", "").strip() == "*")


def validators(headers: Mapping[str, str]) -> dict[str, str]:
    """The response's ``etag`` and ``last-modified`` (lower-case names), those it has: what a
    later conditional request sends back (``plainpage.fetch.fetch(validators=…)``)."""
    h = _lower(headers)
    return {name: h[name] for name in ("etag", "last-modified") if h.get(name, "").strip()}


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    """Header names lower-cased; repeated names (in different case) joined with ', '."""
    out: dict[str, str] = {}
    for name, value in headers.items():
        key = str(name).lower()
        out[key] = f"{out[key]}, {value}" if key in out else str(value)
    return out


def _directives(value: str) -> dict[str, str]:
    """Cache-Control directives by lower-cased name; the first of repeated ones wins."""
    found: dict[str, str] = {}
    for match in _DIRECTIVE.finditer(value):
        found.setdefault(match.group(1).lower(), (match.group(2) or "").strip('"'))
    return found


def _delta_seconds(text: str) -> float | None:
    """RFC 9111 delta-seconds, or None when it is not one; huge values become ``inf``."""
    text = text.strip().strip('"')
    if not text.isascii() or not text.isdigit():
        return None
    return float(text) if len(text) <= 15 else math.inf  # int() refuses > 4300 digits


def _expires_lifetime(h: dict[str, str], now: float | None) -> float:
    expires = _http_date(h["expires"])
    if expires is None:
        return 0.0  # "Expires: 0" and other invalid dates mean already expired
    date = _http_date(h.get("date", ""))
    if date is None:
        date = time.time() if now is None else now
    return expires - date


def _http_date(text: str) -> float | None:
    try:
        parts = parsedate_tz(text)
        return float(mktime_tz(parts)) if parts else None
    except (ValueError, TypeError, IndexError, OverflowError):
        return None


def _clamp(seconds: float, cap: float) -> float:
    if math.isnan(seconds) or math.isnan(cap):
        return 0.0
    return float(max(0.0, min(seconds, cap)))


# --- the cache interface ---------------------------------------------------------------------

class ResultCache(ABC):
    """Get and put ``bytes`` under string keys; see the module docstring for the policy.

    Subclasses implement ``_get``, ``_put`` and ``ping``; the checks every backend shares
    (types, value size, TTL range) live here.
    """

    def __init__(self, *, max_value_bytes: int = MAX_VALUE_BYTES) -> None:
        self.max_value_bytes = max_value_bytes

    def get(self, key: str) -> bytes | None:
        """The bytes stored under ``key`` if still fresh, else None (also when the backend
        is unavailable)."""
        _check_key(key)
        return self._get(key)

    def put(self, key: str, value: bytes, ttl: float) -> None:
        """Store ``value`` for ``ttl`` seconds (at most ``MAX_TTL``); a ``ttl`` that is not
        positive, or a value over ``max_value_bytes``, stores nothing."""
        _check_key(key)
        if type(value) is not bytes:
            raise TypeError(f"cache values are bytes, not {type(value).__name__}")
        if not ttl > 0 or len(value) > self.max_value_bytes:  # `not >` also refuses NaN
            return
        self._put(key, value, min(float(ttl), MAX_TTL))

    @abstractmethod
    def ping(self) -> bool:
        """True when the backend answers right now."""

    @abstractmethod
    def close(self) -> None:
        """Release connections; the object is not used afterwards."""

    @abstractmethod
    def _get(self, key: str) -> bytes | None: ...

    @abstractmethod
    def _put(self, key: str, value: bytes, ttl: float) -> None: ...

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _check_key(key: str) -> None:
    if type(key) is not str:
        raise TypeError(f"cache keys are str, not {type(key).__name__}")


class OutageLog:
    """Logs a backend failure once when it starts and once when it ends, not per call."""

    def __init__(self, backend: str) -> None:
        self._backend = backend
        self._lock = threading.Lock()
        self._down = False

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            first, self._down = not self._down, True
        if first:
            # Only the exception's class and message: never keys' URLs, values or credentials.
            log.warning("%s cache unavailable, serving without it: %s: %s",
                        self._backend, type(exc).__name__, exc)

    def ok(self) -> None:
        if not self._down:  # the common case, without taking the lock
            return
        with self._lock:
            was_down, self._down = self._down, False
        if was_down:
            log.warning("%s cache available again", self._backend)


def open_cache(redis_url: str | None, data_dir: Path) -> ResultCache:
    """Redis when ``redis_url`` is set (``PLAINPAGE_REDIS_URL``), else SQLite in ``data_dir``.

    Raises ValueError for a Redis URL redis-py cannot read and OSError for a data dir that
    cannot be created or used; an unreachable Redis is not an error here (see ``ping``).
    """
    if redis_url and redis_url.strip():
        from .cache_redis import RedisCache  # imported lazily: personal mode never needs redis

        return RedisCache(redis_url.strip())
    from .cache_sqlite import SqliteCache

    return SqliteCache(Path(data_dir))
