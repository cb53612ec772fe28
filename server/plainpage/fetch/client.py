"""The fetcher: one GET (and its redirects) through the SSRF guard, within a total deadline,
with a bounded decoder and HTML-only content checks.

* Connections go through ``transport.GuardedBackend``: only checked addresses are dialled,
  every blocking call gets what is left of the ``transport.Deadline``, and a watchdog timer
  started here shuts the sockets down at the deadline in case some layer blocks longer.
* Redirects are followed here, by hand, each hop re-checked by ``guard.check_url``; with a
  ``hostcap.HostCap``, every hop holds a slot of its host while it runs.
* A conditional request (``validators``: a stored response's ETag / Last-Modified) may end
  in 304, which comes back as a ``Fetched`` with status 304 and no body.
* ``body`` reads the body with a bounded decoder and checks its first bytes.
"""

from __future__ import annotations

import http.cookiejar
import ssl
import threading
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
from .transport import Deadline, GuardedBackend, Transport

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
    deadline = Deadline(config.total_timeout)
    backend = GuardedBackend(config, resolver or guard.SystemResolver(),
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


def _client(config: FetchConfig, backend: GuardedBackend) -> httpx.Client:
    no_cookies = http.cookiejar.DefaultCookiePolicy(allowed_domains=[])  # store none, send none
    return httpx.Client(
        transport=Transport(backend), trust_env=False, follow_redirects=False,
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


def _translate(exc: Exception, config: FetchConfig, deadline: Deadline) -> FetchError:
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
