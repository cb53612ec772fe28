"""The network layer under the fetcher (httpx 0.28 / httpcore 1.0): every connection goes
through the SSRF guard and every blocking call is bounded by the fetch's deadline.

* ``GuardedBackend`` is the httpcore network backend every connection goes through. Its
  ``connect_tcp`` resolves the host once, checks every answer (``guard.resolve_checked``) and
  dials one of the checked IPs through the inner backend; httpcore still hands the URL's
  host to ``start_tls`` and h11 still sends it as ``Host``, so SNI and certificate checks
  are for the name, not the IP. Unix sockets are refused.
* ``_Stream`` bounds every read, write, connect and handshake by what is left of the
  ``Deadline``; the fetcher's watchdog timer calls ``GuardedBackend.abort`` at the deadline
  in case some layer blocks longer.
* ``Transport`` is a small ``httpx.BaseTransport`` over an ``httpcore.ConnectionPool`` built
  on that backend (``httpx.HTTPTransport`` takes no network backend). TLS settings belong to
  the backend: verification on, certifi's CAs plus ``FetchConfig.ca_file``, built only when
  a https URL needs them.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import httpcore
import httpx

from ..errors import BlockedDestination, FetchTimeout
from . import guard

if TYPE_CHECKING:
    from . import FetchConfig

__all__ = ["Deadline", "GuardedBackend", "Transport"]


class Deadline:
    """The fetch's one wall-clock budget; every blocking call gets at most what is left."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def left(self) -> float:
        return self._end - time.monotonic()

    def clamp(self, timeout: float | None) -> float:
        left = self.left()
        if left <= 0:
            raise self.expired()
        return left if timeout is None else min(timeout, left)

    def expired(self) -> FetchTimeout:
        return FetchTimeout(f"the fetch took longer than {self.seconds:g} s")


class GuardedBackend(httpcore.NetworkBackend):
    """Dials only checked addresses; tracks its sockets so the watchdog can shut them."""

    def __init__(self, config: FetchConfig, resolver: guard.Resolver,
                 inner: httpcore.NetworkBackend, deadline: Deadline) -> None:
        self.config, self.resolver, self.inner, self.deadline = config, resolver, inner, deadline
        self._streams: list[httpcore.NetworkStream] = []
        self._lock = threading.Lock()
        self._tls: ssl.SSLContext | None = None

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        addresses = guard.resolve_checked(host, port, self.config, self.resolver,
                                          self.deadline.clamp(timeout))
        failures: list[httpcore.ConnectError] = []
        for ip in addresses:  # every one was checked; dial them in answer order
            try:
                stream = self.inner.connect_tcp(
                    str(ip), port, timeout=self.deadline.clamp(timeout),
                    local_address=local_address, socket_options=socket_options)
            except httpcore.ConnectError as exc:
                failures.append(exc)
                continue
            return self.track(stream)
        raise failures[-1]

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise BlockedDestination("unix sockets are never used")

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, max(self.deadline.left(), 0.0)))

    def track(self, inner: httpcore.NetworkStream) -> _Stream:
        with self._lock:
            self._streams.append(inner)
        return _Stream(inner, self)

    def abort(self) -> None:
        """Shut every socket down (the watchdog, at the deadline): blocked reads return."""
        with self._lock:
            streams = list(self._streams)
        for stream in streams:
            sock = stream.get_extra_info("socket")
            if isinstance(sock, socket.socket):
                try:
                    # The plain socket method: SSLSocket.shutdown would unwrap TLS state
                    # that the reading thread is still using.
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                except OSError:
                    pass  # already closed

    def tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            context = httpx.create_ssl_context(trust_env=False)  # verified, certifi CAs
            if self.config.ca_file:
                context.load_verify_locations(cafile=self.config.ca_file)
            context.set_alpn_protocols(["http/1.1"])
            self._tls = context
        return self._tls


class _Stream(httpcore.NetworkStream):
    """A connection whose every read, write and handshake is bounded by the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, backend: GuardedBackend) -> None:
        self._inner, self._backend, self._deadline = inner, backend, backend.deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.clamp(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        # The pool's context is a placeholder; the backend's verified one is always used.
        inner = self._inner.start_tls(self._backend.tls_context(), server_hostname,
                                      self._deadline.clamp(timeout))
        return self._backend.track(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class Transport(httpx.BaseTransport):
    """httpx → httpcore over the guarded backend; exceptions stay httpcore's (fetch maps)."""

    def __init__(self, backend: GuardedBackend) -> None:
        # httpcore wants a context up front; building a verified one costs ~20 ms, so this
        # is an empty placeholder and _Stream.start_tls uses the backend's (built lazily).
        placeholder = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self._pool = httpcore.ConnectionPool(ssl_context=placeholder, network_backend=backend,
                                             http1=True, http2=False, retries=0)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        core = httpcore.Request(
            request.method,
            httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port,
                         target=url.raw_path),
            headers=request.headers.raw, content=request.stream, extensions=request.extensions)
        response = self._pool.handle_request(core)
        return httpx.Response(response.status, headers=response.headers,
                              stream=_ResponseBytes(response), extensions=response.extensions)

    def close(self) -> None:
        self._pool.close()


class _ResponseBytes(httpx.SyncByteStream):
    def __init__(self, response: httpcore.Response) -> None:
        self._response = response

    def __iter__(self) -> Iterator[bytes]:
        yield from self._response.iter_stream()

    def close(self) -> None:
        self._response.close()
