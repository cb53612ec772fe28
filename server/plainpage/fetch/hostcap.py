"""The per-destination-host concurrency cap (security notes R14): at most ``limit`` fetches to
one host at a time, so the service cannot be aimed at one site, and one slow site cannot
hold every worker thread.

>>> cap = HostCap(4)                          # doctest: +SKIP
>>> with cap.hold("news.example"):            # doctest: +SKIP
...     ...                                   # one request to news.example

``hold`` raises ``HostBusy`` (429 ``rate-limited`` at the web edge, with ``Retry-After``)
when ``limit`` holds on that host are already running; it never waits. ``fetch(…,
hostcap=cap)`` takes one hold per request it sends, redirect hops included, so a chain of
redirects is counted at every host it touches.

Where the count lives:

* Without Redis: in this object, shared by all threads of the process (one lock, one dict
  entry per busy host, removed when its count drops to 0).
* With ``redis_url`` (``PLAINPAGE_REDIS_URL``): in Redis, shared by every process and instance.
  Each host has a sorted set of leases ``plainpage:v1:hostcap:<sha256(host)>`` (the host
  name itself is never stored). A lease is scored with its expiry in Redis's own clock, and a
  Lua script drops expired leases, counts and adds in one step, so an instance that dies
  while holding slots frees them when ``lease_seconds`` have passed (set above the fetch
  deadline: no fetch holds a slot longer). The key expires with its newest lease.
* When Redis fails (down, hung, refusing): the per-process count takes over, never an error,
  and Redis is not asked again for a second. A hold taken in one place is
  released in the same place.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import HostBusy

__all__ = ["DEFAULT_LIMIT", "HostCap"]

#: Concurrent fetches to one host when nothing else is configured.
DEFAULT_LIMIT = 4
_KEY_PREFIX = "plainpage:v1:hostcap:"
# KEYS[1]: the host's lease set. ARGV: limit, lease milliseconds, lease id. 1: taken, 0: full.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
    return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""

log = logging.getLogger(__name__)


class HostCap:
    """Counts concurrent holds per host; see the module docstring."""

    def __init__(  # noqa: PLR0913 -- every argument is a documented knob with a default
        self, limit: int = DEFAULT_LIMIT, *, redis_url: str | None = None,
        lease_seconds: float = 30.0, retry_after: int = 2, timeout: float = 0.5,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or not lease_seconds > 0 or retry_after < 1:
            raise ValueError("limit, lease_seconds and retry_after must be positive")
        self.limit, self.retry_after = limit, retry_after
        self._local = _LocalCount(limit)
        self._shared = (_RedisLeases(redis_url, limit, lease_seconds, timeout, monotonic)
                        if redis_url and redis_url.strip() else None)

    @contextmanager
    def hold(self, host: str) -> Iterator[None]:
        """One slot for ``host`` (compared lower-case) for the ``with`` block, or HostBusy."""
        host = host.lower()
        lease = self._shared.acquire(host) if self._shared is not None else None
        if lease is None:  # no Redis, or Redis failed: count in this process
            taken = self._local.acquire(host)
        else:
            taken = lease is not False
        if not taken:
            raise HostBusy(f"{self.limit} fetches to {host[:100]} are already running; "
                           f"retry in {self.retry_after} s", retry_after=self.retry_after)
        try:
            yield
        finally:
            if isinstance(lease, str) and self._shared is not None:
                self._shared.release(host, lease)
            elif lease is None:
                self._local.release(host)

    def busy(self, host: str) -> int:
        """Holds on ``host`` counted in this process (not those in Redis)."""
        return self._local.count(host.lower())

    def close(self) -> None:
        if self._shared is not None:
            self._shared.close()


class _LocalCount:
    """Holds per host in this process, under one lock."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def acquire(self, host: str) -> bool:
        with self._lock:
            count = self._counts.get(host, 0)
            if count >= self._limit:
                return False
            self._counts[host] = count + 1
            return True

    def release(self, host: str) -> None:
        with self._lock:
            count = self._counts.get(host, 0) - 1
            if count > 0:
                self._counts[host] = count
            else:
                self._counts.pop(host, None)  # idle hosts leave nothing behind

    def count(self, host: str) -> int:
        with self._lock:
            return self._counts.get(host, 0)


class _RedisLeases:
    """Leases in Redis. ``acquire``: a lease id, False when full, None when Redis failed."""

    def __init__(self, url: str, limit: int, lease_seconds: float, timeout: float,
                 monotonic: Callable[[], float]) -> None:
        import redis  # lazily: personal mode never needs it

        self._errors: tuple[type[Exception], ...] = (redis.RedisError,)
        self._client = redis.Redis.from_url(
            url.strip(), socket_timeout=timeout, socket_connect_timeout=timeout,
            client_name="plainpage-hostcap")
        self._acquire = self._client.register_script(_ACQUIRE)
        # Close the sockets when this object goes, even inside a reference cycle (an app),
        # where the garbage collector could otherwise finalise a socket before its client.
        weakref.finalize(self, self._client.close)
        self._limit, self._lease_ms = limit, max(1, math.ceil(lease_seconds * 1000))
        self._monotonic, self._skip_for = monotonic, 1.0
        self._skip_until = 0.0
        self._down = False

    def acquire(self, host: str) -> str | bool | None:
        if self._monotonic() < self._skip_until:
            return None
        lease = secrets.token_hex(8)
        taken = self._call(lambda: self._acquire(keys=[_key(host)],
                                                 args=[self._limit, self._lease_ms, lease]))
        if taken is None:
            return None
        return lease if int(taken) == 1 else False  # type: ignore[call-overload]

    def release(self, host: str, lease: str) -> None:
        # If this fails the lease expires by itself after lease_seconds.
        self._call(lambda: self._client.zrem(_key(host), lease))

    def close(self) -> None:
        self._client.close()

    def _call(self, command: Callable[[], Any]) -> Any:
        try:
            result = command()
        except self._errors as exc:
            self._skip_until = self._monotonic() + self._skip_for  # one float: no lock
            if not self._down:
                self._down = True
                log.warning("Redis unavailable for the host concurrency cap, counting per "
                            "process: %s: %s", type(exc).__name__, exc)
            return None
        if self._down:
            self._down = False
            log.warning("Redis available again for the host concurrency cap")
        return result


def _key(host: str) -> str:
    return _KEY_PREFIX + hashlib.sha256(host.encode("utf-8")).hexdigest()[:32]
