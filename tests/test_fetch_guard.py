"""SSRF guard: URL policy, address classification, allowlist, resolvers (security.md §6 A/B).

Every refusal is asserted through ``fetch`` too, with a tripwire as the innermost network
backend and ``socket.socket.connect`` patched: a test fails if anything outside 127.0.0.0/8
is dialled, and no test here opens a connection at all except the rebinding one, whose
public address the tripwire refuses (recorded, never sent).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Iterator, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plainpage.errors import (
    BlockedDestination,
    FetchError,
    FetchTimeout,
    InvalidURL,
    UpstreamError,
)
from plainpage.fetch import (
    FetchConfig,
    StaticResolver,
    SystemResolver,
    fetch,
    parse_allow_private,
)
from plainpage.fetch.guard import AllowEntry, check_destination, check_url, refusal
from tests.tripwire import Tripwire, install_tripwire, is_ip

PRODUCTION = FetchConfig()


# -- the tripwire (tests/tripwire.py) -------------------------------------------------------

@pytest.fixture(autouse=True)
def tripwire(monkeypatch: pytest.MonkeyPatch) -> Iterator[Tripwire]:
    """Used by every test: nothing may be dialled outside 127.0.0.0/8."""
    yield from install_tripwire(monkeypatch)


class CountingResolver(StaticResolver):
    def __init__(self, table: dict[str, Sequence[str]]) -> None:
        super().__init__(table)
        self.calls: list[str] = []

    def resolve(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        return super().resolve(host, port)


def refused(url: str, tripwire: Tripwire, table: dict[str, Sequence[str]] | None = None,
            config: FetchConfig = PRODUCTION) -> FetchError:
    """Fetch ``url``, expecting a refusal before any connection; return the error."""
    resolver = CountingResolver(table or {})
    with pytest.raises(FetchError) as info:
        fetch(url, config, resolver=resolver, transport=tripwire)
    assert tripwire.dialled == [], f"{url} was dialled"
    if table is None:
        assert resolver.calls == [], f"{url} was resolved"
    return info.value


# -- A: literal addresses -------------------------------------------------------------------

BLOCKED_LITERALS = [
    "http://127.0.0.1/", "http://127.127.127.127/", "http://0.0.0.0/", "http://127.0.0.1./",
    "http://169.254.169.254/latest/meta-data/", "http://100.100.100.200/",
    "http://[::1]/", "http://[::]/", "http://[0000::1]/",
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[::ffff:a9fe:a9fe]/",
    "http://[0:0:0:0:0:ffff:169.254.169.254]/", "http://[fd00:ec2::254]/", "http://[fe80::1]/",
    "http://[fc00::1]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[64:ff9b:1::a9fe:a9fe]/",
    "http://[2002:7f00:1::]/", "http://[2002:a9fe:a9fe::1]/", "http://[::127.0.0.1]/",
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "http://[fec0::1]/",
    "http://224.0.0.1/", "http://[ff02::1]/", "http://10.0.0.1/", "http://172.16.0.1/",
    "http://192.168.1.1/", "http://198.18.0.1/", "http://192.0.0.170/", "http://240.0.0.1/",
    "http://255.255.255.255/", "http://192.88.99.1/", "http://192.0.2.1/",
    "http://[2001:db8::1]/", "http://[3fff::1]/", "http://[100::1]/", "https://127.0.0.1/",
]


@pytest.mark.parametrize("url", BLOCKED_LITERALS)
def test_non_public_literal_addresses_are_blocked_before_any_connection(
        url: str, tripwire: Tripwire) -> None:
    assert isinstance(refused(url, tripwire), BlockedDestination)


@pytest.mark.parametrize("address, words", [
    ("127.0.0.1", "loopback"), ("169.254.169.254", "link-local"),
    ("100.100.100.200", "carrier-grade NAT"), ("10.1.2.3", "private"),
    ("198.19.0.1", "benchmarking"), ("fd00:ec2::254", "unique local"),
    ("::ffff:169.254.169.254", "IPv6 form of 169.254.169.254, a link-local"),
    ("64:ff9b::7f00:1", "IPv6 form of 127.0.0.1"), ("2002:0a00:0001::", "IPv6 form of 10.0.0.1"),
    ("2001:0:4136:e378::1", "Teredo"), ("::10.0.0.1", "IPv4-compatible"),
    ("224.0.0.251", "multicast"), ("ff05::2", "multicast"), ("fec0::1", "site-local"),
])
def test_refusal_names_the_kind_of_address(address: str, words: str) -> None:
    assert words in (refusal(ipaddress.ip_address(address)) or "")


@pytest.mark.parametrize("address", [
    "8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
])
def test_public_unicast_and_its_ipv6_forms_are_allowed(address: str) -> None:
    # A guard that refuses everything passes every block test: public addresses must pass.
    assert refusal(ipaddress.ip_address(address)) is None


# -- URL forms ---------------------------------------------------------------------------------

INVALID_URLS = [
    "http://2130706433/", "http://2852039166/", "http://0/", "http://0x7f000001/",
    "http://0x7f.0.0.1/", "http://0x7f.1/", "http://0177.0.0.1/", "http://127.1/",
    "http://127.0.1/", "http://1.2.3.4.5/", "http://[fe80::1%25eth0]/",
    "file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "dict://127.0.0.1:6379/INFO",
    "ftp://example.test/", "jar:http://example.test/x.jar!/", "data:text/html,<p>x",
    "javascript:alert(1)", "http://evil.test@127.0.0.1/", "http://user:pass@example.test/",
    "http://@example.test/", "http://1.1.1.1 &@2.2.2.2# @3.3.3.3/",
    "http://127.1.1.1:80\\@127.2.2.2:80/", "//evil.test/x", "http:/\\evil.test", "http://",
    "not a url", "http://example.test/" + "a" * 3000, "http://ⓔⓧⓐⓜⓟⓛⓔ.ⓒⓞⓜ/",
    "http://①②⑦.⓪.⓪.①/", "http://１２７.０.０.１/", "http://example..test/",
    "http://example.test../", "http://exa%6dple.test/", "http://a.b\x00.test/",
    "http://example.test\t/", "http://*.example.test/",
]


@pytest.mark.parametrize("url", INVALID_URLS)
def test_invalid_urls_are_refused_before_any_resolution(url: str, tripwire: Tripwire) -> None:
    assert isinstance(refused(url, tripwire), InvalidURL)


@pytest.mark.parametrize("url", ["http://example.test:22/", "http://example.test:6379/",
                                 "http://example.test:0/", "http://example.test:99999/",
                                 "https://example.test:8443/", "http://8.8.8.8:25/"])
def test_ports_outside_the_allowed_set_are_blocked(url: str, tripwire: Tripwire) -> None:
    error = refused(url, tripwire)
    assert isinstance(error, BlockedDestination) and "port" in error.detail


def test_extra_ports_open_public_hosts_only() -> None:
    config = FetchConfig(extra_ports=frozenset({8080}))
    assert check_url("http://example.test:8080/a", config).port == 8080
    with pytest.raises(BlockedDestination):
        check_url("http://10.0.0.1:8080/", config)


def test_check_url_normalises_idna_case_and_trailing_dot() -> None:
    url = check_url("HTTP://Bücher.Example./Straße?q=1", PRODUCTION)
    assert url.raw_host == b"xn--bcher-kva.example"
    assert str(url) == "http://xn--bcher-kva.example/Stra%C3%9Fe?q=1"


@settings(max_examples=300, deadline=200)
@given(st.text(max_size=80))
def test_check_url_raises_only_its_own_errors_on_any_text(text: str) -> None:
    for candidate in (text, "http://" + text):
        try:
            url = check_url(candidate, PRODUCTION)
        except (InvalidURL, BlockedDestination):
            continue
        assert url.scheme in ("http", "https") and url.raw_host
        assert not url.raw_host.rsplit(b".", 1)[-1].isdigit() or is_ip(url.host)


# -- B: names, resolution, rebinding ----------------------------------------------------------

@pytest.mark.parametrize("url, table", [
    ("http://evil.test/", {"evil.test": ["10.0.0.7"]}),
    ("http://mixed.test/", {"mixed.test": ["93.184.216.34", "169.254.169.254"]}),
    ("http://localhost./", {"localhost": ["127.0.0.1"]}),
    ("http://169.254.169.254.nip.io/", {"169.254.169.254.nip.io": ["169.254.169.254"]}),
    ("http://metadata.test/", {"metadata.test": ["fd00:ec2::254"]}),
    ("http://six.test/", {"six.test": ["::1"]}),
    ("http://mapped.test/", {"mapped.test": ["::ffff:10.0.0.7"]}),
    ("http://bücher.test/", {"xn--bcher-kva.test": ["192.168.0.10"]}),
    ("http://zone.test/", {"zone.test": ["fe80::1%eth0"]}),
])
def test_names_resolving_to_any_non_public_address_are_blocked(
        url: str, table: dict[str, list[str]], tripwire: Tripwire) -> None:
    error = refused(url, tripwire, table)
    assert isinstance(error, BlockedDestination)
    # What a name resolves to is not told back (no mapping of internal DNS through us).
    told = error.detail.replace(next(iter(table)), "<host>")
    assert not any(address in told for address in next(iter(table.values())))


@pytest.mark.parametrize("answer", [OSError("NXDOMAIN"), [], ["not-an-address"],
                                    UnicodeError("label too long")])
def test_resolver_failures_fail_closed(answer: object, tripwire: Tripwire) -> None:
    class Failing:
        def resolve(self, host: str, port: int) -> object:
            if isinstance(answer, Exception):
                raise answer
            return answer

    with pytest.raises(UpstreamError):
        fetch("http://nxdomain.test/", PRODUCTION, resolver=Failing(), transport=tripwire)
    assert tripwire.dialled == []


def test_slow_resolver_is_cut_at_the_deadline(tripwire: Tripwire) -> None:
    class Slow:
        def resolve(self, host: str, port: int) -> list[str]:
            time.sleep(2)
            return ["127.0.0.1"]

    start = time.monotonic()
    with pytest.raises(FetchTimeout):
        fetch("http://slow.test/", FetchConfig(total_timeout=0.3), resolver=Slow(),
              transport=tripwire)
    assert time.monotonic() - start < 0.8
    assert tripwire.dialled == []


def test_rebinding_dials_exactly_the_address_that_was_checked(tripwire: Tripwire) -> None:
    class Rebinding:
        calls = 0

        def resolve(self, host: str, port: int) -> list[str]:
            self.calls += 1
            return ["93.184.216.34"] if self.calls == 1 else ["127.0.0.1"]

    resolver = Rebinding()
    with pytest.raises(UpstreamError):  # the tripwire refuses the public address
        fetch("http://rebind.test/", PRODUCTION, resolver=resolver, transport=tripwire)
    assert resolver.calls == 1
    assert tripwire.dialled == [("93.184.216.34", 80)]
    tripwire.violations.clear()  # expected: recorded and refused, never sent


# -- allowlist ------------------------------------------------------------------------------------

def test_allowlist_parsing() -> None:
    entries = parse_allow_private(" 127.0.0.1:8080, [::1]:8443,Wiki.Corp.:80,10.0.0.0/8,"
                                  "10.0.0.5,fd00::/8,, ")
    assert entries == (
        AllowEntry(host="127.0.0.1", port=8080), AllowEntry(host="::1", port=8443),
        AllowEntry(host="wiki.corp", port=80),
        AllowEntry(network=ipaddress.ip_network("10.0.0.0/8")),
        AllowEntry(network=ipaddress.ip_network("10.0.0.5/32")),
        AllowEntry(network=ipaddress.ip_network("fd00::/8")))
    assert parse_allow_private("") == ()


@pytest.mark.parametrize("entry", ["wiki.corp", "wiki.corp:0", "wiki.corp:65536",
                                   "10.0.0.1/8", "http://wiki.corp:80", "[::1]", "a b:80",
                                   "127.1:80", "wiki.corp:http"])
def test_allowlist_entries_that_are_not_host_port_or_cidr_are_rejected(entry: str) -> None:
    with pytest.raises(ValueError, match="PLAINPAGE_ALLOW_PRIVATE.*" + re.escape(entry)):
        FetchConfig.from_env({"PLAINPAGE_ALLOW_PRIVATE": f"127.0.0.1:80,{entry}"})


def _allowed(url_host: str, port: int, address: str, config: FetchConfig) -> bool:
    try:
        check_destination(url_host, port, [ipaddress.ip_address(address)], config)
    except BlockedDestination:
        return False
    return True


def test_allowlist_opens_exactly_what_it_lists() -> None:
    config = FetchConfig.from_env({"PLAINPAGE_ALLOW_PRIVATE": "wiki.corp:8080,10.1.0.0/16,"
                                                              "192.168.5.5:81"})
    assert _allowed("wiki.corp", 8080, "10.9.9.9", config)
    assert not _allowed("wiki.corp", 80, "10.9.9.9", config)       # other port
    assert not _allowed("other.corp", 8080, "10.9.9.9", config)    # other name
    assert _allowed("10.1.2.3", 80, "10.1.2.3", config)            # CIDR on an allowed port
    assert not _allowed("10.1.2.3", 8080, "10.1.2.3", config)      # CIDR opens no ports
    assert not _allowed("10.2.0.1", 80, "10.2.0.1", config)        # outside the CIDR
    assert _allowed("192.168.5.5", 81, "192.168.5.5", config)
    assert not _allowed("192.168.5.6", 81, "192.168.5.6", config)
    assert not _allowed("::ffff:10.1.2.3", 80, "::ffff:10.1.2.3", config)  # no unwrapping
    assert not _allowed("wiki.corp", 8080, "224.0.0.1", config)    # never multicast
    assert not _allowed("x.test", 80, "169.254.169.254", config)   # the rest stays closed


def test_from_env_reads_only_the_mapping_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAINPAGE_ALLOW_PRIVATE", "127.0.0.0/8")
    assert FetchConfig().allow_private == ()
    config = FetchConfig.from_env({"PLAINPAGE_FETCH_PORTS": "8080, 8443", "OTHER": "x"})
    assert config.allowed_ports == frozenset({80, 443, 8080, 8443})
    with pytest.raises(ValueError, match="PLAINPAGE_FETCH_PORTS"):
        FetchConfig.from_env({"PLAINPAGE_FETCH_PORTS": "http"})
    with pytest.raises(ValueError):
        FetchConfig(extra_ports=frozenset({70000}))


# -- resolvers ---------------------------------------------------------------------------------

def test_system_resolver_returns_unique_tcp_answers_in_order(
        monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2606:4700::1", 80, 0, 0)),
               (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80)),
               (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80))]
    seen: list[tuple[object, ...]] = []

    def fake(*args: object, **kwargs: object) -> list[tuple[object, ...]]:
        seen.append(args)
        return answers

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    assert SystemResolver().resolve("example.test", 80) == ["2606:4700::1", "93.184.216.34"]
    assert seen == [("example.test", 80)]


def test_system_resolver_is_bounded_and_fails_closed(monkeypatch: pytest.MonkeyPatch,
                                                      tripwire: Tripwire) -> None:
    def hanging(*args: object, **kwargs: object) -> object:
        time.sleep(1.5)
        raise socket.gaierror("too late")

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    start = time.monotonic()
    with pytest.raises(FetchTimeout):
        fetch("http://hang.test/", FetchConfig(connect_timeout=0.2), transport=tripwire)
    assert time.monotonic() - start < 0.6

    def failing(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", failing)
    with pytest.raises(UpstreamError, match="could not be resolved"):
        fetch("http://nxdomain.test/", PRODUCTION, transport=tripwire)
    assert tripwire.dialled == []
