"""The shared cache backend: Redis, so several plainpage instances share one cache.

Entries are plain Redis strings, ``SET key value PX ttl``; Redis expires them itself, so
there is no maintenance here. Memory is bounded on the server: run Redis with ``maxmemory``
and ``maxmemory-policy allkeys-lru`` (or ``volatile-lru`` when it holds other data too), with
a password, bound to a private interface.

Failure policy (see ``cache``): every command has a short socket timeout (0.5 s for connect
and for each reply); a refused or reset connection is retried once at once (a restarted
server leaves stale pooled connections), a timeout is not. After a connection error or a
timeout the backend is skipped for ``retry_after`` seconds, so that while Redis is down or
hung a request pays for at most one failed attempt per window instead of one per call; in
that window ``get`` misses and ``put`` does nothing. ``ping()`` always asks Redis, and a
successful answer ends the window. Other Redis errors (a key of ours holding a list,
``NOAUTH``, a read-only replica) are misses too.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from .cache import MAX_VALUE_BYTES, OutageLog, ResultCache

__all__ = ["RedisCache"]


class RedisCache(ResultCache):
    """``ResultCache`` in the Redis at ``url`` (``redis://[:password@]host:port/db`` or
    ``rediss://``); query options in the URL (``?socket_timeout=1``) win over the defaults."""

    def __init__(  # noqa: PLR0913 -- every argument is a documented knob with a default
        self, url: str, *, timeout: float = 0.5, retry_after: float = 1.0,
        max_value_bytes: int = MAX_VALUE_BYTES,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(max_value_bytes=max_value_bytes)
        self._client = redis.Redis.from_url(  # raises ValueError for a URL that is not Redis's
            url, socket_timeout=timeout, socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)),
            client_name="plainpage",
        )
        self._retry_after = retry_after
        self._monotonic = monotonic
        self._skip_until = 0.0
        self._outage = OutageLog("Redis")

    def _get(self, key: str) -> bytes | None:
        value = self._call(lambda: self._client.get(key))
        return value if type(value) is bytes else None

    def _put(self, key: str, value: bytes, ttl: float) -> None:
        # PX takes whole milliseconds; round up so a short TTL does not become 0 (an error).
        self._call(lambda: self._client.set(key, value, px=max(1, math.ceil(ttl * 1000))))

    def ping(self) -> bool:
        ok = self._call(lambda: self._client.ping(), skip=False)
        return ok is True

    def close(self) -> None:
        self._client.close()

    def _call(self, command: Callable[[], object], *, skip: bool = True) -> object:
        """Run ``command``; None when Redis is unavailable or refuses it."""
        if skip and self._monotonic() < self._skip_until:
            return None
        try:
            result = command()
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            self._skip_until = self._monotonic() + self._retry_after  # one float: no lock
            self._outage.failed(exc)
            return None
        except redis.RedisError as exc:
            self._outage.failed(exc)
            return None
        self._skip_until = 0.0
        self._outage.ok()
        return result
