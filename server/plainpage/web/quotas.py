"""The quotas the service counts itself, besides flask-limiter's per-client limit on ``/v1``:

* the **fetch quota**, per client (token or API key): requests that make the server fetch a
  page (``PLAINPAGE_FETCH_RATE_LIMIT``); cache hits do not spend it;
* the **per-address limit** (``PLAINPAGE_IP_RATE_LIMIT``): every ``/v1`` request from one
  client address, counted *before* authentication, so guessing tokens or keys is bounded
  too. The address is the socket's peer, or with ``PLAINPAGE_TRUSTED_PROXIES=N`` the one the
  N-th proxy from the end of ``X-Forwarded-For`` saw (werkzeug's ``ProxyFix``, applied by
  ``create_app``); a forged header therefore buys nothing.

Counters use fixed windows (flask-limiter's default strategy) in flask-limiter's own storage
when it is Redis (``PLAINPAGE_REDIS_URL``: one connection pool, shared by every instance),
else in process memory. When Redis fails, counting goes on in process memory and Redis is not
asked again for a second: a quota is never a reason to answer 5xx.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage
from limits.strategies import FixedWindowRateLimiter

from .problems import Problem

__all__ = ["Quotas"]

_SKIP = 1.0  # seconds Redis is left alone after it failed

log = logging.getLogger("plainpage.web")


class Quotas:
    """Fetch quota per client and request limit per address; see the module docstring."""

    def __init__(self, shared: Storage | None, fetch_limit: str, address_limit: str | None,
                 *, monotonic: Callable[[], float] = time.monotonic) -> None:
        """``shared``: the Redis storage to count in (None: process memory only)."""
        self._fetch = parse_many(fetch_limit)
        self._address = parse_many(address_limit) if address_limit else []
        self._memory = FixedWindowRateLimiter(MemoryStorage())
        self._shared = None if shared is None else FixedWindowRateLimiter(shared)
        self._errors: tuple[type[BaseException], ...] = ()
        if shared is not None:
            errors = shared.base_exceptions  # the Redis client's own error classes
            # … and limits' wrapper of them (the app's limiter storage wraps exceptions)
            self._errors = (*(errors if isinstance(errors, tuple) else (errors,)), StorageError)
        self._monotonic = monotonic
        self._skip_until = 0.0
        self._down = False

    def spend_fetch(self, client: str) -> None:
        """Count one server-side fetch for ``client``, or 429 ``rate-limited``."""
        self._spend(self._fetch, "plainpage-fetch", client, "fetch limit")

    def spend_address(self, address: str) -> None:
        """Count one request from ``address``, or 429 ``rate-limited``."""
        if self._address:
            self._spend(self._address, "plainpage-ip", address, "per-address limit")

    def _spend(self, items: list[RateLimitItem], namespace: str, who: str, what: str) -> None:
        for item in items:
            retry = self._hit(item, namespace, who)
            if retry is not None:
                raise Problem("rate-limited", f"{what} {item} reached",
                              headers={"Retry-After": str(retry)}, retry_after=retry)

    def _hit(self, item: RateLimitItem, namespace: str, who: str) -> int | None:
        """None when the hit fits, else the seconds until the window resets."""
        if self._shared is not None and self._monotonic() >= self._skip_until:
            try:
                retry = _hit(self._shared, item, namespace, who)
            except self._errors as exc:
                self._skip_until = self._monotonic() + _SKIP  # one float: no lock
                if not self._down:  # once per outage, not per request
                    self._down = True
                    log.warning("Redis unavailable for the quotas, counting per process: %s",
                                type(exc).__name__)
            else:
                if self._down:
                    self._down = False
                    log.warning("Redis available again for the quotas")
                return retry
        return _hit(self._memory, item, namespace, who)


def _hit(strategy: FixedWindowRateLimiter, item: RateLimitItem, namespace: str,
         who: str) -> int | None:
    if strategy.hit(item, namespace, who):
        return None
    reset, _remaining = strategy.get_window_stats(item, namespace, who)
    return max(1, math.ceil(reset - time.time()))
