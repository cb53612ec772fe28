"""The SSRF guard: which URLs, addresses and ports the fetcher may use.

Three checks, all fail-closed:

* ``check_url`` — the URL policy, before any I/O: http/https only, no userinfo, a host that is
  a canonical IP literal or an LDH name (IDNA-encoded by httpx, one trailing dot dropped), no
  non-canonical numeric hosts (``2130706433``, ``0x7f.1``, ``127.1``: glibc would turn them
  into 127.0.0.1), no zone ids, allowed ports only. A literal IP is checked here too.
* ``resolve_checked`` — resolves a name once (through an injectable ``Resolver``, bounded by
  a timeout) and refuses when *any* answer may not be dialled; the caller dials exactly the
  addresses it returns, so DNS rebinding between check and connect is impossible.
* ``refusal`` — the address classification: only public unicast is allowed. IPv4-mapped,
  NAT64 (64:ff9b::/96) and 6to4 addresses are judged by the IPv4 address they embed (public
  ones stay usable: DNS64 networks need them); IPv4-compatible, Teredo, NAT64 local-use,
  site-local and everything outside 2000::/3 are refused outright. The tables are our own,
  not ``ipaddress.is_global`` alone: CPython's answers differ between patch releases and call
  multicast, NAT64 and 6to4 "global".

The allowlist (``AllowEntry``) opens exactly what an entry lists: ``host:port`` opens that
host name or IP literal on that port (a name's answers may then be private), a CIDR opens
its addresses on the allowed ports. Unspecified, multicast and broadcast addresses are never
dialled, whatever the allowlist says.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

import httpx

from ..errors import BlockedDestination, FetchTimeout, InvalidURL, UpstreamError

if TYPE_CHECKING:
    from . import FetchConfig

__all__ = [
    "DEFAULT_PORTS",
    "AllowEntry",
    "IPAddress",
    "Resolver",
    "StaticResolver",
    "SystemResolver",
    "check_destination",
    "check_url",
    "parse_allow_private",
    "refusal",
    "resolve_checked",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network
T = TypeVar("T")

DEFAULT_PORTS = frozenset({80, 443})
_SCHEME_PORTS = {"http": 80, "https": 443}
# Whitespace, controls and backslashes: parsers disagree about them (WHATWG turns "\" into
# "/", httpx does not), so a URL holding one is refused rather than guessed at.
_BAD_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
_AUTHORITY = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://([^/?#]*)")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
# WHATWG parses a host whose last label is a number as IPv4 (decimal, octal or hex parts).
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")


def _nets(*pairs: tuple[str, str]) -> tuple[tuple[_Network, str], ...]:
    return tuple((ipaddress.ip_network(net), why) for net, why in pairs)


# IANA special-purpose ranges that are not globally reachable, with what they are.
_V4_SPECIAL = _nets(
    ("0.0.0.0/8", "an unspecified ('this network') address"),
    ("10.0.0.0/8", "a private address"),
    ("100.64.0.0/10", "a carrier-grade NAT address"),
    ("127.0.0.0/8", "a loopback address"),
    ("169.254.0.0/16", "a link-local address"),
    ("172.16.0.0/12", "a private address"),
    ("192.0.0.0/24", "an IETF protocol address"),
    ("192.0.2.0/24", "a documentation address"),
    ("192.88.99.0/24", "a 6to4 relay address"),
    ("192.168.0.0/16", "a private address"),
    ("198.18.0.0/15", "a benchmarking address"),
    ("198.51.100.0/24", "a documentation address"),
    ("203.0.113.0/24", "a documentation address"),
    ("224.0.0.0/4", "a multicast address"),
    ("240.0.0.0/4", "a reserved or broadcast address"),
)
_V6_SPECIAL = _nets(
    ("::/128", "an unspecified address"),
    ("::1/128", "a loopback address"),
    ("::/96", "an IPv4-compatible address (deprecated)"),
    ("64:ff9b:1::/48", "a NAT64 local-use address"),
    ("100::/64", "a discard-only address"),
    ("2001::/32", "a Teredo address"),
    ("2001::/23", "an IETF protocol address"),
    ("2001:db8::/32", "a documentation address"),
    ("3fff::/20", "a documentation address"),
    ("5f00::/16", "an SRv6 address"),
    ("fc00::/7", "a unique local address"),
    ("fe80::/10", "a link-local address"),
    ("fec0::/10", "a site-local address (deprecated)"),
    ("ff00::/8", "a multicast address"),
)
_V6_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NEVER = _nets(("0.0.0.0/8", ""), ("224.0.0.0/4", ""), ("255.255.255.255/32", ""),
               ("::/128", ""), ("ff00::/8", ""))


def refusal(ip: IPAddress) -> str | None:
    """Why ``ip`` may not be dialled (e.g. ``"a loopback address"``); None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return "an address with a zone id"
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            why = refusal(embedded)
            return f"an IPv6 form of {embedded}, {why}" if why else None
        special = _V6_SPECIAL
    else:
        special = _V4_SPECIAL
    for net, why in special:
        if ip in net:
            return why
    if isinstance(ip, ipaddress.IPv6Address) and ip not in _V6_GLOBAL_UNICAST:
        return "a reserved address"
    # Belt and braces: the stdlib's own flags, in case IANA added a range we do not list.
    if (not ip.is_global or ip.is_private or ip.is_reserved or ip.is_multicast
            or ip.is_loopback or ip.is_link_local or ip.is_unspecified):
        return "not a public address"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, NAT64 (well-known prefix) or 6to4 address."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


@dataclass(frozen=True, slots=True)
class AllowEntry:
    """One ``PLAINPAGE_ALLOW_PRIVATE`` entry: ``host:port`` (``host`` set) or a CIDR."""

    host: str = ""
    port: int = 0
    network: _Network | None = None

    @classmethod
    def parse(cls, text: str) -> AllowEntry:
        """Parse ``wiki.corp:80``, ``127.0.0.1:8080``, ``[::1]:8080``, ``10.0.0.0/8`` or a
        single address (a /32 or /128); raise ValueError naming the entry otherwise."""
        entry = text.strip()
        try:
            if "/" in entry or _is_ip(entry):
                return cls(network=ipaddress.ip_network(entry))
            host, sep, port = entry.rpartition(":")
            if not sep or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError("needs a port from 1 to 65535")
            if host.startswith("[") and host.endswith("]"):
                return cls(host=str(ipaddress.IPv6Address(host[1:-1])), port=int(port))
            return cls(host=_canonical_host(host), port=int(port))
        except ValueError as exc:
            raise ValueError(f"allowlist entry {entry!r} is neither host:port nor a CIDR "
                             f"network ({exc})") from None

    def opens(self, host: str, ip: IPAddress, port: int, allowed_ports: frozenset[int]) -> bool:
        """Whether this entry lets ``ip`` be dialled for ``host:port``."""
        if self.network is not None:
            return (port in allowed_ports and ip.version == self.network.version
                    and ip in self.network)
        return self.host == _host_key(host) and self.port == port


def parse_allow_private(value: str) -> tuple[AllowEntry, ...]:
    """Parse the comma-separated ``PLAINPAGE_ALLOW_PRIVATE`` format; empty entries are skipped."""
    return tuple(AllowEntry.parse(part) for part in value.split(",") if part.strip())


def _host_key(host: str) -> str:
    """The form allowlist entries are compared in: IP literals normalised, names as given."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _canonical_host(host: str) -> str:
    """Lower-case, IDNA-encoded, one trailing dot dropped; ValueError for a bad name."""
    try:
        raw = httpx.URL(f"http://{host}/").raw_host.decode("ascii")
    except httpx.InvalidURL as exc:
        raise ValueError(str(exc)) from None
    name = raw[:-1] if raw.endswith(".") else raw
    if not name or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        raise ValueError(f"{host!r} is not a valid host name")
    if _NUMERIC_LABEL.fullmatch(name.rsplit(".", 1)[-1]) and not _is_ip(name):
        raise ValueError(f"{host!r} is a non-canonical numeric host")
    return name


def check_url(url: str, config: FetchConfig) -> httpx.URL:
    """The URL as httpx will fetch it, or InvalidURL / BlockedDestination. No I/O."""
    if len(url) > config.max_url_length:
        raise InvalidURL(f"the URL is longer than {config.max_url_length} characters")
    if _BAD_CHARS.search(url):
        raise InvalidURL("the URL contains whitespace, a control character or a backslash")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise InvalidURL(f"the URL cannot be parsed: {exc}") from None
    if parsed.scheme not in _SCHEME_PORTS:
        shown = f"scheme {parsed.scheme!r}" if parsed.scheme else "a URL without scheme"
        raise InvalidURL(f"{shown} is not allowed: only absolute http and https URLs")
    authority = _AUTHORITY.match(url)
    if parsed.userinfo or (authority and "@" in authority.group(1)):
        raise InvalidURL("URLs with userinfo (user:password@) are not allowed")
    raw_host = parsed.raw_host.decode("ascii")
    if not raw_host:
        raise InvalidURL("the URL has no host")
    port = _SCHEME_PORTS[parsed.scheme] if parsed.port is None else parsed.port
    if "%" in raw_host and ":" in raw_host:
        raise InvalidURL("IPv6 zone ids are not allowed")
    try:
        host = (str(ipaddress.IPv6Address(raw_host)) if ":" in raw_host
                else _canonical_host(raw_host))
    except ValueError as exc:
        raise InvalidURL(f"the host is not allowed: {exc}") from None
    if host != raw_host:
        parsed = parsed.copy_with(host=host)
    if not _port_open(host, port, config):
        raise BlockedDestination(f"port {port} is not allowed")
    if _is_ip(host):
        check_destination(host, port, [ipaddress.ip_address(host)], config)
    return parsed


def _port_open(host: str, port: int, config: FetchConfig) -> bool:
    key = _host_key(host)
    return port in config.allowed_ports or any(
        entry.host == key and entry.port == port for entry in config.allow_private)


def check_destination(host: str, port: int, addresses: Sequence[IPAddress],
                      config: FetchConfig) -> None:
    """Raise BlockedDestination unless every address may be dialled for ``host:port``.

    The message names the address only when the host is that address: for a name, saying
    what it resolves to would let callers map internal DNS through us.
    """
    for ip in addresses:
        why = _why_refused(host, ip, port, config)
        if why is None:
            continue
        if _is_ip(host):
            raise BlockedDestination(f"{host} is {why}")
        raise BlockedDestination(f"{host} resolves to {why}")


def _why_refused(host: str, ip: IPAddress, port: int, config: FetchConfig) -> str | None:
    if any(ip.version == net.version and ip in net for net, _ in _NEVER):
        return "an unspecified, multicast or broadcast address"
    allowed = config.allowed_ports
    if any(entry.opens(host, ip, port, allowed) for entry in config.allow_private):
        return None
    why = refusal(ip)
    if why is None and port not in allowed:
        return f"a public address, but port {port} is not allowed"
    return why


class Resolver(Protocol):
    """Turns a host name into addresses; raises OSError or returns [] when it cannot.

    Any other exception also stops the fetch before a connection is made (fail closed), but
    surfaces as itself instead of as UpstreamError.
    """

    def resolve(self, host: str, port: int) -> Sequence[str]: ...


class SystemResolver:
    """The operating system's resolver (``getaddrinfo``, TCP answers only, in answer order).

    ``resolve_checked`` runs it in a helper thread bounded by a timeout, since getaddrinfo
    itself cannot be interrupted.
    """

    def resolve(self, host: str, port: int) -> list[str]:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        return list(dict.fromkeys(str(info[4][0]) for info in infos))


class StaticResolver:
    """Answers from a fixed table, e.g. ``{"wiki.corp": ["10.0.0.7"]}``: for pinning names
    in a deployment and for tests (no DNS at all). Unknown names fail like NXDOMAIN."""

    def __init__(self, table: Mapping[str, Sequence[str]]) -> None:
        self._table = {name.lower(): list(addrs) for name, addrs in table.items()}

    def resolve(self, host: str, port: int) -> list[str]:
        try:
            return list(self._table[host.lower()])
        except KeyError:
            raise OSError(f"{host}: no such host in the static table") from None


def resolve_checked(host: str, port: int, config: FetchConfig, resolver: Resolver,
                    timeout: float) -> list[IPAddress]:
    """Resolve ``host`` once (a literal IP is not resolved) and check every answer.

    Fails closed: a resolver error, an empty answer or an answer that is not an address is
    UpstreamError, a resolver slower than ``timeout`` is FetchTimeout, and one refused
    answer refuses the whole name (BlockedDestination).
    """
    if _is_ip(host):
        addresses = [ipaddress.ip_address(host)]
    else:
        try:
            answers = _bounded(lambda: resolver.resolve(host, port), timeout)
        except TimeoutError:
            raise FetchTimeout(f"resolving {host} took longer than {timeout:.3g} s") from None
        except (OSError, UnicodeError, ValueError):  # gaierror, bad IDNA label, …
            raise UpstreamError(f"{host} could not be resolved") from None
        try:
            addresses = [ipaddress.ip_address(answer) for answer in answers]
        except ValueError:
            raise UpstreamError(f"the resolver gave an invalid address for {host}") from None
        if not addresses:
            raise UpstreamError(f"{host} did not resolve to any address")
    check_destination(host, port, addresses, config)
    return addresses


def _bounded(call: Callable[[], T], timeout: float) -> T:
    """``call()`` in a daemon thread; TimeoutError after ``timeout`` s (the thread is left to
    finish on its own: a blocked getaddrinfo cannot be cancelled)."""
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(call())
        except Exception as exc:  # handed to the waiting caller, which decides
            future.set_exception(exc)

    threading.Thread(target=run, name="plainpage-resolve", daemon=True).start()
    return future.result(timeout=max(timeout, 0.0))
