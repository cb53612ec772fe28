"""The load client of scripts/load: threads on keep-alive connections, one request kind at
a time or interleaved, and the numbers each phase is summed up by."""

from __future__ import annotations

import contextlib
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPException
from itertools import count
from typing import Any, NamedTuple

from .page import MARKER
from .procs import Instance

#: What each phase sends, in turn: healthz (the stack's ceiling), post (a ~100 KB page),
#: url (one of PAGES upstream pages: cache hits after the warm-up), fetch (a URL never asked
#: before, which the upstream marks no-store: the server fetches and extracts it each time).
PHASES = {"healthz": ("healthz",), "post": ("post",), "url": ("url",), "fetch": ("fetch",),
          "mix": ("post", "post", "url", "fetch", "healthz")}
PAGES = 8  # distinct upstream URLs of the url kind


@dataclass
class Load:
    """What the client threads send, and to whom."""

    instances: list[Instance]
    token: str
    body: bytes  # the JSON of the posted page
    upstream: str  # http://host:port
    stop: threading.Event = field(default_factory=threading.Event)  # set on the way out
    fresh: count = field(default_factory=count)  # numbers of never-asked URLs


class Sample(NamedTuple):
    kind: str
    seconds: float
    ok: bool
    cache: str  # the Plainpage-Cache header: hit, miss or ""
    error: str
    retried: bool


def call(conn: HTTPConnection, kind: str, page: int = 0, load: Load | None = None
         ) -> tuple[bool, str, str]:
    """Send one request: (answered right, Plainpage-Cache header, what was wrong)."""
    auth = {"Authorization": f"Bearer {load.token}"} if load else {}
    if load is None or kind == "healthz":
        conn.request("GET", "/healthz")
    elif kind == "post":
        conn.request("POST", "/v1/extract", body=load.body,
                     headers={**auth, "Content-Type": "application/json"})
    elif kind == "fetch":
        conn.request("GET", f"/v1/extract?url={load.upstream}/fresh/{next(load.fresh)}",
                     headers=auth)
    else:
        conn.request("GET", f"/v1/extract?url={load.upstream}/page/{page}", headers=auth)
    response = conn.getresponse()
    body = response.read()
    # A 200 is not enough: the article's text (or the health status) must be in the answer.
    ok = response.status == 200 and (
        b'"status": "ok"' if kind == "healthz" else MARKER.encode()) in body
    error = "" if ok else f"{kind}: {response.status} {body[:160]!r}"
    return ok, response.getheader("Plainpage-Cache") or "", error


def timed(conn: HTTPConnection, kind: str, page: int, load: Load) -> Sample:
    """One request and its latency. When the server closed a kept-alive connection (a worker
    recycled by max-requests) it is sent once more on a new one, as HTTP clients do."""
    for retried in (False, True):
        started = time.perf_counter()
        try:
            ok, cache, error = call(conn, kind, page, load)
            return Sample(kind, time.perf_counter() - started, ok, cache, error, retried)
        except (OSError, HTTPException) as exc:
            conn.close()  # the next request opens a new connection
            if retried or not isinstance(exc, ConnectionError | HTTPException):
                return Sample(kind, time.perf_counter() - started, False, "",
                              f"{kind}: {exc!r}", retried)
    raise AssertionError("unreachable")


def run_phase(load: Load, kinds: tuple[str, ...], concurrency: int, limit: int,
              seconds: float) -> tuple[list[Sample], float, float]:
    """``concurrency`` threads, each on its own keep-alive connection, send requests until
    ``limit`` were sent or ``seconds`` passed: the samples, the wall time, and the CPU the
    client used meanwhile (in cores)."""
    numbers, samples = count(), []
    deadline = time.monotonic() + seconds

    def client(index: int) -> None:
        instance = load.instances[index % len(load.instances)]
        conn = HTTPConnection(instance.host, instance.port, timeout=30)
        with contextlib.closing(conn):
            while time.monotonic() < deadline and not load.stop.is_set():
                n = next(numbers)  # atomic under the GIL
                if n >= limit:
                    return
                samples.append(timed(conn, kinds[n % len(kinds)], n % PAGES, load))

    started, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(concurrency) as pool:
        try:
            list(pool.map(client, range(concurrency)))
        except BaseException:  # Ctrl-C, SIGTERM: the clients stop before the pool is joined
            load.stop.set()
            raise
    wall = time.perf_counter() - started
    return samples, wall, (time.process_time() - cpu) / wall


def percentile(samples: list[Sample], p: float) -> float:
    """Nearest-rank percentile of the latencies, in ms."""
    ordered = sorted(s.seconds for s in samples)
    return round(ordered[max(0, math.ceil(len(ordered) * p / 100) - 1)] * 1000, 1)


def summarise(samples: list[Sample], wall: float, client_cpu: float) -> dict[str, Any]:
    errors = [s.error for s in samples if not s.ok]
    row = {"requests": len(samples), "errors": len(errors), "error_samples": errors[:3],
           "retried": sum(s.retried for s in samples), "seconds": round(wall, 3),
           "rps": round(len(samples) / wall, 1), "p50_ms": percentile(samples, 50),
           "p99_ms": percentile(samples, 99), "client_cpu": round(client_cpu, 2),
           "cache": {v: sum(s.cache == v for s in samples) for v in ("hit", "miss")}}
    kinds = sorted({s.kind for s in samples})
    if len(kinds) > 1:  # the mix: each kind's latency under the mixed load
        row["by_kind"] = {k: {f"p{p}_ms": percentile([s for s in samples if s.kind == k], p)
                              for p in (50, 99)} for k in kinds}
    return row
