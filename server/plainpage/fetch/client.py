"""The fetcher: one GET (and its redirects) through the SSRF guard, within a total deadline,
with a bounded decoder and HTML-only content checks.

How the pieces fit (httpx 0.28 / httpcore 1.0):

* ``_GuardedBackend`` is the httpcore network backend every connection goes through. Its
  ``connect_tcp`` resolves the host once, checks every answer (``guard.resolve_checked``) and
  dials one of the checked IPs through the inner backend; httpcore still hands the URL's
  host to ``start_tls`` and h11 still sends it as ``Host``, so SNI and certificate checks
  are for the name, not the IP. Unix sockets are refused.
* ``_Stream`` bounds every read, write, connect and handshake by what is left of the
  deadline, so a server that drips one byte per second cannot outlive it; a watchdog timer
  also shuts the sockets down at the deadline in case some layer blocks longer.
* ``_Transport`` is a small ``httpx.BaseTransport`` over an ``httpcore.ConnectionPool`` built
  on that backend (``httpx.HTTPTransport`` takes no network backend). TLS settings belong to
  the backend: verification on, certifi's CAs plus ``FetchConfig.ca_file``, built only when
  a https URL needs them.
* Redirects are followed here, by hand, each hop re-checked by ``guard.check_url``; with a
  ``hostcap.HostCap``, every hop holds a slot of its host while it runs.
* A conditional request (``validators``: a stored response's ETag / Last-Modified) may end
  in 304, which comes back as a ``Fetched`` with status 304 and no body.
* ``body`` reads the body with a bounded decoder and checks its first bytes.
"""

from __future__ import annotations

import http.cookiejar
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpcore
import httpx

from ..errors import (
    BlockedDestination,
    FetchError,
    FetchTimeout,
    InvalidURL,
    TooManyRedirects,
    UnsupportedContentType,
    UpstreamError,
    UpstreamStatus,
)
from . import guard
from .body import ENCODINGS, media_type, read_body

if TYPE_CHECKING:
    from . import FetchConfig
    from .hostcap import HostCap

__all__ = ["Fetched", "fetch"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DENIED = frozenset({401, 402, 403})  # their body is read: a paywall may send its teaser
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_ACCEPT = "text/html, application/xhtml+xml;q=0.9"
_KEPT_HEADERS = ("content-type", "content-language", "cache-control", "etag",
                 "last-modified", "expires", "date", "age", "vary", "link", "pragma")
# Set-Cookie is reported without its value: a cache must know that the response was made for
# one visitor (RFC 9111 §7.3), but no cookie ever leaves the fetcher.
_WITHHELD = "(withheld)"
# Stored validators → the conditional request headers that carry them (RFC 9110 §13.1).
_CONDITIONS = (("etag", "If-None-Match"), ("last-modified", "If-Modified-Since"))
_MAX_VALIDATOR = 1024
_TRANSPORT_ERRORS = (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError,
                     httpcore.UnsupportedProtocol, httpx.HTTPError)


@dataclass(frozen=True, slots=True)
class Fetched:
    """An HTML page as fetched.

    ``url`` is the final URL (after redirects), ``redirects`` the URLs that redirected, in
    order. ``headers`` is a fresh dict of the few response headers callers need (caching,
    language, ``Link``), lower-case names; ``set-cookie`` is there when the upstream set a
    cookie, with its value withheld. ``content_type`` is the media type (``text/html``
    when the header was missing and the body was sniffed), ``charset`` the header's charset
    label as sent (lower-cased) for ``plainpage.extract(charset=…)``; ``body`` is decoded from
    gzip/deflate but not from its charset. ``status`` is 304 only when the request was
    conditional and the upstream said "not modified": then ``body`` is empty and ``headers``
    are the 304's (they update the stored response's freshness).
    """

    url: str
    status: int
    headers: dict[str, str]
    content_type: str
    charset: str | None
    body: bytes
    redirects: tuple[str, ...] = ()


def fetch(url: str, config: FetchConfig, *, resolver: guard.Resolver | None = None,
          transport: httpcore.NetworkBackend | None = None, hostcap: HostCap | None = None,
          validators: Mapping[str, str] | None = None) -> Fetched:
    """GET ``url`` as an HTML page, following up to ``config.max_redirects`` redirects.

    ``resolver`` turns names into addresses (``guard.SystemResolver`` by default);
    ``transport`` is the httpcore network backend that opens the TCP connections
    (``httpcore.SyncBackend`` by default). The SSRF guard always sits in front of it: it only
    ever receives checked IP addresses. Tests pass a tripwire backend here. ``hostcap``
    limits concurrent requests per host (each redirect hop holds a slot of its own host).
    ``validators`` (the ``etag`` / ``last-modified`` of a stored response, lower-case names)
    make the request conditional; a 304 then comes back as ``Fetched(status=304)``.

    Raises a ``FetchError`` subclass: InvalidURL, BlockedDestination, FetchTimeout,
    TooManyRedirects, TooLarge, UnsupportedContentType, UpstreamStatus, UpstreamError or
    HostBusy.
    """
    start = guard.check_url(url, config)
    deadline = _Deadline(config.total_timeout)
    backend = _GuardedBackend(config, resolver or guard.SystemResolver(),
                              transport or httpcore.SyncBackend(), deadline)
    watchdog = threading.Timer(config.total_timeout, backend.abort)
    watchdog.daemon = True
    watchdog.start()
    try:
        with _client(config, backend) as client:
            return _follow(client, start, config, hostcap, _conditions(validators or {}))
    except _TRANSPORT_ERRORS as exc:
        raise _translate(exc, config, deadline) from exc
    finally:
        watchdog.cancel()


def _client(config: FetchConfig, backend: _GuardedBackend) -> httpx.Client:
    no_cookies = http.cookiejar.DefaultCookiePolicy(allowed_domains=[])  # store none, send none
    return httpx.Client(
        transport=_Transport(backend), trust_env=False, follow_redirects=False,
        cookies=http.cookiejar.CookieJar(policy=no_cookies),  # a jar, so the policy is kept
        headers={"User-Agent": config.user_agent, "Accept": _ACCEPT,
                 "Accept-Encoding": ENCODINGS},
        timeout=httpx.Timeout(config.read_timeout, connect=config.connect_timeout))


def _conditions(validators: Mapping[str, str]) -> dict[str, str]:
    """Conditional request headers; a stored value that is not a sane header is dropped."""
    headers = {}
    for name, header in _CONDITIONS:
        value = validators.get(name, "")
        if value and len(value) <= _MAX_VALIDATOR and value.isascii() and value.isprintable():
            headers[header] = value
    return headers


def _follow(client: httpx.Client, url: httpx.URL, config: FetchConfig,
            hostcap: HostCap | None, conditions: dict[str, str]) -> Fetched:
    hops: list[str] = []
    while True:
        slot: AbstractContextManager[None] = (
            nullcontext() if hostcap is None else hostcap.hold(url.raw_host.decode("ascii")))
        with slot:
            outcome = _request(client, url, hops, config, conditions)
        if isinstance(outcome, Fetched):
            return outcome
        hops.append(str(url))
        if len(hops) > config.max_redirects:
            raise TooManyRedirects(f"more than {config.max_redirects} redirects")
        url = _next_hop(url, outcome, config)


def _request(client: httpx.Client, url: httpx.URL, hops: list[str], config: FetchConfig,
             conditions: dict[str, str]) -> Fetched | str:
    """One request: the page (or its 304), or the Location it redirects to."""
    try:
        response = client.send(client.build_request("GET", url, headers=conditions),
                               stream=True)
    except BlockedDestination as exc:  # a name refused at connect time
        if not hops:
            raise
        raise BlockedDestination(f"redirect to {_shown(url)} refused: {exc.detail}") from None
    try:
        status = response.status_code
        location = response.headers.get("location") if status in _REDIRECTS else None
        if location is not None:
            return location
        if status == 304 and conditions:
            return Fetched(url=str(url), status=304, headers=_kept(response), content_type="",
                           charset=None, body=b"", redirects=tuple(hops))
        return _finish(response, url, hops, config)
    finally:
        response.close()


def _next_hop(url: httpx.URL, location: str, config: FetchConfig) -> httpx.URL:
    """The redirect target, checked like a URL given by the caller (BlockedDestination)."""
    try:
        target = str(url.join(location))
    except httpx.InvalidURL:
        raise UpstreamError("the upstream redirected to an invalid Location") from None
    if url.scheme == "https" and target.startswith("http:") and not config.allow_https_downgrade:
        raise BlockedDestination(f"redirect from https to plain http refused ({_shown(target)})")
    try:
        return guard.check_url(target, config)
    except (InvalidURL, BlockedDestination) as exc:
        raise BlockedDestination(f"redirect to {_shown(target)} refused: {exc.detail}") \
            from None


def _shown(url: object) -> str:
    """A URL for a message: Location headers can be 100 KB long."""
    text = str(url)
    return text if len(text) <= 200 else text[:200] + "…"


def _finish(response: httpx.Response, url: httpx.URL, hops: list[str],
            config: FetchConfig) -> Fetched:
    status = response.status_code
    if not 200 <= status < 300:
        raise UpstreamStatus(f"the upstream answered with status {status}",
                             upstream_status=status, page=_denied(response, url, hops, config))
    return _page(response, url, hops, config)


def _denied(response: httpx.Response, url: httpx.URL, hops: list[str],
            config: FetchConfig) -> Fetched | None:
    """The HTML body of a 401/402/403 (a paywall may still send its teaser), or None."""
    if response.status_code not in _DENIED:
        return None
    try:
        return _page(response, url, hops, config)
    except (FetchError, *_TRANSPORT_ERRORS):
        return None  # not HTML, too large, broken: the status alone is the answer


def _page(response: httpx.Response, url: httpx.URL, hops: list[str],
          config: FetchConfig) -> Fetched:
    status = response.status_code
    header = response.headers.get("content-type", "").strip()
    media, charset = media_type(header)
    if header and media not in _HTML_TYPES:
        raise UnsupportedContentType(f"the upstream sent {media!r}, not HTML")
    body = read_body(response, bool(header), config.max_body_bytes)
    return Fetched(url=str(url), status=status, headers=_kept(response),
                   content_type=media or "text/html", charset=charset, body=body,
                   redirects=tuple(hops))


def _kept(response: httpx.Response) -> dict[str, str]:
    kept = {name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers}
    if "set-cookie" in response.headers:
        kept["set-cookie"] = _WITHHELD
    return kept


def _translate(exc: Exception, config: FetchConfig, deadline: _Deadline) -> FetchError:
    """One of our errors for an httpcore/httpx failure (the watchdog's shutdowns included)."""
    if deadline.left() <= 0:
        return deadline.expired()
    if isinstance(exc, httpcore.ConnectTimeout):
        return FetchTimeout(f"connecting took longer than {config.connect_timeout:g} s")
    if isinstance(exc, httpcore.TimeoutException | httpx.TimeoutException):
        return FetchTimeout(f"the upstream sent nothing for {config.read_timeout:g} s")
    if isinstance(exc, httpcore.UnsupportedProtocol):
        return InvalidURL("the URL's scheme is not supported")
    # httpcore wraps the OSError it caught as the first argument (the pool drops __cause__).
    cause = exc.args[0] if exc.args else None
    if isinstance(cause, ssl.SSLCertVerificationError):
        return UpstreamError(f"TLS certificate verification failed: {cause.verify_message}")
    if isinstance(cause, ssl.SSLError):
        return UpstreamError("the TLS handshake with the upstream failed")
    if isinstance(exc, httpcore.ConnectError):
        return UpstreamError("could not connect to the upstream")
    if isinstance(exc, httpcore.ProtocolError):
        return UpstreamError("the upstream sent a malformed or incomplete HTTP response")
    return UpstreamError("the connection to the upstream broke")


class _Deadline:
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


class _GuardedBackend(httpcore.NetworkBackend):
    """Dials only checked addresses; tracks its sockets so the watchdog can shut them."""

    def __init__(self, config: FetchConfig, resolver: guard.Resolver,
                 inner: httpcore.NetworkBackend, deadline: _Deadline) -> None:
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

    def __init__(self, inner: httpcore.NetworkStream, backend: _GuardedBackend) -> None:
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


class _Transport(httpx.BaseTransport):
    """httpx → httpcore over the guarded backend; exceptions stay httpcore's (fetch maps)."""

    def __init__(self, backend: _GuardedBackend) -> None:
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
