"""The fetcher against local upstream servers (security.md §6 B/D): redirects, deadlines,
caps, decoding, content checks, upstream failures, TLS with pinned addresses.

Every server listens on 127.0.0.1 and is reached through the allowlist, the way a deployment
reaches its intranet; all else keeps the production policy. The tripwire (innermost network
backend + ``socket.socket.connect`` + real DNS, as in test_fetch_guard) fails a test on any
dial outside 127.0.0.0/8, so no test sends traffic off the machine.
"""

from __future__ import annotations

import gzip
import json
import shutil
import socket
import ssl
import struct
import subprocess
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpcore
import pytest

import plainpage
from plainpage.errors import (
    BlockedDestination,
    FetchError,
    FetchTimeout,
    TooLarge,
    TooManyRedirects,
    UnsupportedContentType,
    UpstreamError,
    UpstreamStatus,
)
from plainpage.fetch import (
    USER_AGENT,
    AllowEntry,
    FetchConfig,
    Fetched,
    StaticResolver,
    fetch,
)
from tests.chaos import LoopbackServer
from tests.serving import serving
from tests.tripwire import Tripwire, install_tripwire

ARTICLE = ("<!doctype html><html><head><title>Bridge</title></head><body><article>"
           + "<p>Grüße aus der Stadt: the old bridge closes for repairs this week.</p>" * 8
           + "</article></body></html>").encode("iso-8859-1")
# A gzip header, then a deflate block of the reserved type 3: "invalid block type".
CORRUPT_GZIP = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x07garbage"
RESOLVER = StaticResolver({"site.test": ["127.0.0.1"], "other.test": ["127.0.0.1"],
                           "evil.test": ["10.0.0.7"], "localhost": ["127.0.0.1"]})


# -- the tripwire (tests/tripwire.py) -------------------------------------------------------

@pytest.fixture(autouse=True)
def tripwire(monkeypatch: pytest.MonkeyPatch) -> Iterator[Tripwire]:
    """Used by every test: nothing may be dialled outside 127.0.0.0/8."""
    yield from install_tripwire(monkeypatch)


def allow(*ports: int, names: tuple[str, ...] = ("127.0.0.1",), **settings: Any) -> FetchConfig:
    """The production config plus allowlist entries for our local servers."""
    entries = tuple(AllowEntry(host=name, port=port) for port in ports for name in names)
    return FetchConfig(allow_private=entries, **settings)


# -- an HTTP upstream with one route per behaviour -------------------------------------------

def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


class Upstream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    bomb = b""

    def log_message(self, *args: Any) -> None:
        pass

    def reply(self, status: int, body: bytes = b"", ctype: str | None = "text/html",
              **headers: str) -> None:
        self.send_response(status)
        if ctype is not None:
            self.send_header("Content-Type", ctype)
        headers.setdefault("Content_Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query))
        name, _, arg = url.path.strip("/").partition("/")
        getattr(self, "route_" + name.replace("-", "_"))(arg, query)

    def route_page(self, arg: str, query: dict[str, str]) -> None:
        self.reply(200, ARTICLE, "text/html; charset=ISO-8859-1", ETag='"v1"',
                   Cache_Control="max-age=60", Set_Cookie="id=1", X_Secret="s")

    def route_echo(self, arg: str, query: dict[str, str]) -> None:
        body = json.dumps(dict(self.headers.items())).encode()
        self.reply(200, b"<html><pre>" + body + b"</pre></html>")

    def route_redirect(self, arg: str, query: dict[str, str]) -> None:
        headers = {"Location": query["to"]} if "to" in query else {}
        self.reply(int(query.get("code", "302")), **headers)

    def route_chain(self, arg: str, query: dict[str, str]) -> None:
        time.sleep(float(query.get("delay", "0")))
        left = int(arg)
        if left == 0:
            return self.route_page(arg, query)
        self.reply(302, Location=f"/chain/{left - 1}?delay={query.get('delay', '0')}")

    def route_loop(self, arg: str, query: dict[str, str]) -> None:
        self.reply(302, Location="/loop")

    def route_cookie(self, arg: str, query: dict[str, str]) -> None:
        self.reply(302, Set_Cookie="session=abc; Path=/", Location="/echo")

    def route_status(self, arg: str, query: dict[str, str]) -> None:
        self.reply(int(arg), b"<html><p>no</p></html>")

    def route_typed(self, arg: str, query: dict[str, str]) -> None:
        body = {"pdf": b"%PDF-1.7\n%...", "zip": b"PK\x03\x04\x14\x00", "png": b"\x89PNG\r\n",
                "html": ARTICLE, "binary": bytes(range(256)) * 4}[query["body"]]
        self.reply(200, body, query.get("type"))

    def route_encoded(self, arg: str, query: dict[str, str]) -> None:
        size = int(query.get("size", "0"))
        plain = (ARTICLE * (size // len(ARTICLE) + 1))[:size] if size else ARTICLE
        body = {"gzip": _gzip(plain), "x-gzip": _gzip(plain), "deflate": zlib.compress(plain),
                "raw-deflate": _raw_deflate(plain), "identity": plain, "br": b"\x1b\x00",
                "double": _gzip(_gzip(plain)), "corrupt": CORRUPT_GZIP,
                "bomb": self.bomb}[arg]
        coding = {"raw-deflate": "deflate", "corrupt": "gzip", "bomb": "gzip",
                  "double": "gzip, gzip"}.get(arg, arg)
        self.reply(200, body, Content_Encoding=coding)

    def route_endless(self, arg: str, query: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk = b"<p>" + b"x" * 65533
        for _ in range(2048):  # 128 MB: far past any cap, bounded if the cap ever breaks
            self.wfile.write(chunk)

    def route_length(self, arg: str, query: dict[str, str]) -> None:
        self.reply(200, b"<html>" + b"x" * int(query["send"]), Content_Length=query["claim"])
        self.close_connection = True


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    tls: ssl.SSLContext | None = None

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hang up on purpose (caps, deadlines)

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is None:
            return super().finish_request(request, client_address)
        try:
            wrapped = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client refused our certificate: that is the test
        with wrapped:  # socketserver only closes the unwrapped socket
            super().finish_request(wrapped, client_address)


def _serve(tls: ssl.SSLContext | None = None) -> Iterator[QuietServer]:
    server = QuietServer(("127.0.0.1", 0), Upstream)
    server.tls = tls
    with serving(server):
        yield server


@pytest.fixture(scope="module")
def upstream() -> Iterator[QuietServer]:
    Upstream.bomb = _gzip(bytes(32 * 1024 * 1024))  # 32 MB of zeros in ~32 KB
    yield from _serve()


def get(server: QuietServer, path: str, tripwire: Tripwire, **settings: Any) -> Fetched:
    port = server.server_address[1]
    return fetch(f"http://127.0.0.1:{port}{path}", allow(port, **settings), resolver=RESOLVER,
                 transport=tripwire)


# -- a plain HTML page --------------------------------------------------------------------------

def test_html_page_comes_back_with_charset_and_cache_headers(upstream: QuietServer,
                                                             tripwire: Tripwire) -> None:
    page = get(upstream, "/page", tripwire)
    assert (page.status, page.content_type, page.charset, page.body) == (
        200, "text/html", "iso-8859-1", ARTICLE)
    assert page.url.endswith("/page") and page.redirects == ()
    assert page.headers["etag"] == '"v1"' and page.headers["cache-control"] == "max-age=60"
    assert "x-secret" not in page.headers
    # That a cookie was set is reported (a shared cache must not keep the page), not the cookie.
    assert page.headers["set-cookie"] == "(withheld)"
    article = plainpage.extract(page.body, page.url, charset=page.charset)
    assert "Grüße aus der Stadt" in article.text


def test_requests_carry_an_honest_user_agent_and_never_a_cookie(upstream: QuietServer,
                                                                tripwire: Tripwire) -> None:
    page = get(upstream, "/cookie", tripwire)  # sets a cookie, then redirects to /echo
    sent = json.loads(page.body.split(b"<pre>")[1].split(b"</pre>")[0])
    assert sent["User-Agent"] == USER_AGENT and USER_AGENT.startswith("plainpage/")
    assert "+http" in USER_AGENT
    assert sent["Accept-Encoding"] == "gzip, deflate"
    assert "Cookie" not in sent


def test_a_name_is_dialled_at_its_checked_address_and_keeps_its_host(
        upstream: QuietServer, tripwire: Tripwire) -> None:
    port = upstream.server_address[1]
    config = allow(port, names=("site.test",))
    page = fetch(f"http://site.test:{port}/echo", config, resolver=RESOLVER, transport=tripwire)
    sent = json.loads(page.body.split(b"<pre>")[1].split(b"</pre>")[0])
    assert sent["Host"] == f"site.test:{port}"
    assert tripwire.dialled == [("127.0.0.1", port)]


def test_proxy_variables_are_ignored(upstream: QuietServer, tripwire: Tripwire,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    assert get(upstream, "/page", tripwire).body == ARTICLE
    assert {port for _, port in tripwire.dialled} == {upstream.server_address[1]}


# -- redirects ------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_redirects_with_relative_locations_are_followed(code: int, upstream: QuietServer,
                                                        tripwire: Tripwire) -> None:
    page = get(upstream, f"/redirect?code={code}&to=../page", tripwire)
    assert page.body == ARTICLE and page.url.endswith("/page")
    assert len(page.redirects) == 1 and "/redirect?" in page.redirects[0]


def test_five_redirects_are_followed_and_a_sixth_is_refused(upstream: QuietServer,
                                                            tripwire: Tripwire) -> None:
    assert len(get(upstream, "/chain/5", tripwire).redirects) == 5
    with pytest.raises(TooManyRedirects):
        get(upstream, "/chain/6", tripwire)
    with pytest.raises(TooManyRedirects):
        get(upstream, "/chain/1", tripwire, max_redirects=0)


def test_redirect_loop_is_stopped(upstream: QuietServer, tripwire: Tripwire) -> None:
    with pytest.raises(TooManyRedirects):
        get(upstream, "/loop", tripwire)


@pytest.mark.parametrize("target", [
    "http://10.0.0.7/", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:a9fe:a9fe]/",
    "http://evil.test/", "file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO",
    "dict://127.0.0.1:6379/INFO", "http://127.0.0.1:6379/", "http://localhost:{port}/page",
    "http://user@127.0.0.1:{port}/page", "http://2130706433:{port}/page",
])
def test_redirects_to_refused_destinations_are_blocked(target: str, upstream: QuietServer,
                                                       tripwire: Tripwire) -> None:
    port = upstream.server_address[1]
    location = target.format(port=port).replace("%", "%25").replace("&", "%26")
    with pytest.raises(BlockedDestination, match="redirect to"):
        get(upstream, f"/redirect?to={location}", tripwire)
    assert tripwire.dialled == [("127.0.0.1", port)]  # the first hop only


def test_a_redirect_without_location_is_an_upstream_status(upstream: QuietServer,
                                                           tripwire: Tripwire) -> None:
    with pytest.raises(UpstreamStatus) as info:
        get(upstream, "/redirect?code=302", tripwire)
    assert info.value.upstream_status == 302


# -- upstream status and content type -------------------------------------------------------

@pytest.mark.parametrize("code", [401, 402, 403, 404, 429, 500, 503])
def test_error_statuses_keep_the_upstream_code(code: int, upstream: QuietServer,
                                               tripwire: Tripwire) -> None:
    with pytest.raises(UpstreamStatus) as info:
        get(upstream, f"/status/{code}", tripwire)
    assert info.value.upstream_status == code and str(code) in info.value.detail
    assert info.value.status == 502 and info.value.type == "upstream-status"


@pytest.mark.parametrize("query", [
    "type=application/pdf&body=pdf", "type=image/png&body=png",
    "type=application/octet-stream&body=binary", "type=text/plain&body=html",
    "type=text/html&body=pdf", "type=text/html;charset=utf-8&body=zip",
    "type=application/xhtml%2Bxml&body=png", "body=binary", "body=pdf",
])
def test_non_html_is_refused_by_type_or_by_magic_bytes(query: str, upstream: QuietServer,
                                                       tripwire: Tripwire) -> None:
    with pytest.raises(UnsupportedContentType):
        get(upstream, f"/typed?{query}", tripwire)


@pytest.mark.parametrize("query, media, charset", [
    ("type=application/xhtml%2Bxml;%20charset=%22UTF-8%22&body=html",
     "application/xhtml+xml", "utf-8"),
    ("type=TEXT/HTML&body=html", "text/html", None),
    ("body=html", "text/html", None),  # no Content-Type: sniffed
])
def test_html_and_xhtml_are_accepted(query: str, media: str, charset: str | None,
                                     upstream: QuietServer, tripwire: Tripwire) -> None:
    page = get(upstream, f"/typed?{query}", tripwire)
    assert (page.content_type, page.charset, page.body) == (media, charset, ARTICLE)


# -- decoding and size caps -----------------------------------------------------------------------

@pytest.mark.parametrize("coding", ["gzip", "x-gzip", "deflate", "raw-deflate", "identity"])
def test_gzip_and_deflate_bodies_are_decoded(coding: str, upstream: QuietServer,
                                             tripwire: Tripwire) -> None:
    assert get(upstream, f"/encoded/{coding}", tripwire).body == ARTICLE


@pytest.mark.parametrize("coding, words", [("br", "Content-Encoding"),
                                           ("double", "Content-Encoding"),
                                           ("corrupt", "corrupt")])
def test_unrequested_or_broken_encodings_are_upstream_errors(
        coding: str, words: str, upstream: QuietServer, tripwire: Tripwire) -> None:
    with pytest.raises(UpstreamError, match=words):
        get(upstream, f"/encoded/{coding}", tripwire)


@pytest.mark.parametrize("coding", ["identity", "gzip", "deflate"])
def test_the_cap_counts_decoded_bytes_exactly(coding: str, upstream: QuietServer,
                                              tripwire: Tripwire) -> None:
    cap = 100_000
    assert len(get(upstream, f"/encoded/{coding}?size={cap}", tripwire,
                   max_body_bytes=cap).body) == cap
    with pytest.raises(TooLarge):
        get(upstream, f"/encoded/{coding}?size={cap + 1}", tripwire, max_body_bytes=cap)


def test_gzip_bomb_is_refused_without_inflating_it(upstream: QuietServer,
                                                   tripwire: Tripwire) -> None:
    tracemalloc.start()
    start = time.monotonic()
    try:
        with pytest.raises(TooLarge):
            get(upstream, "/encoded/bomb", tripwire, max_body_bytes=1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - start < 1.0
    assert peak < 4 * 1024 * 1024  # the cap is 1 MB; inflating the bomb would take 32 MB


def test_endless_body_is_cut_at_the_cap(upstream: QuietServer, tripwire: Tripwire) -> None:
    start = time.monotonic()
    with pytest.raises(TooLarge):
        get(upstream, "/endless", tripwire, max_body_bytes=256 * 1024)
    assert time.monotonic() - start < 1.0


@pytest.mark.parametrize("claim, send, outcome", [
    (10 * 1024 * 1024, 1000, TooLarge),   # refused on the header, before reading
    (1000, 10, UpstreamError),            # the server hangs up early
])
def test_wrong_content_length(claim: int, send: int, outcome: type[FetchError],
                              upstream: QuietServer, tripwire: Tripwire) -> None:
    with pytest.raises(outcome):
        get(upstream, f"/length?claim={claim}&send={send}", tripwire, max_body_bytes=1_000_000)


def test_bytes_past_the_content_length_are_not_read(upstream: QuietServer,
                                                    tripwire: Tripwire) -> None:
    page = get(upstream, "/length?claim=26&send=500", tripwire)
    assert page.body == b"<html>" + b"x" * 20


# -- deadlines and broken connections (raw socket servers) ---------------------------------

class RawServer(LoopbackServer):
    """Runs ``scenario(server, conn)`` for each connection, once its request has arrived."""

    def __init__(self, scenario: Callable[[RawServer, socket.socket], None]) -> None:
        self.scenario = scenario
        super().__init__()

    def serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        if self.read_request(conn) is not None:
            self.scenario(self, conn)


@pytest.fixture
def raw() -> Iterator[Callable[[Callable[[RawServer, socket.socket], None]], RawServer]]:
    servers: list[RawServer] = []

    def start(scenario: Callable[[RawServer, socket.socket], None]) -> RawServer:
        servers.append(RawServer(scenario))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n"


def _silent(server: RawServer, conn: socket.socket) -> None:
    server.stop.wait(5)


def _drip_body(server: RawServer, conn: socket.socket) -> None:
    conn.sendall(HEAD)
    server.drip(conn, b"<p>" + b"x" * 997, 0.1)


def _drip_head(server: RawServer, conn: socket.socket) -> None:
    server.drip(conn, HEAD, 0.1)


def _reset(conn: socket.socket) -> None:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()  # with linger 0: RST, not FIN


def _reset_mid_body(server: RawServer, conn: socket.socket) -> None:
    conn.sendall(HEAD + b"<p>partial")
    time.sleep(0.05)
    _reset(conn)


def _reset_at_once(server: RawServer, conn: socket.socket) -> None:
    _reset(conn)


def _timed(server_port: int, tripwire: Tripwire, **settings: Any) -> tuple[type, float]:
    start = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch(f"http://127.0.0.1:{server_port}/", allow(server_port, **settings),
              transport=tripwire)
    return type(info.value), time.monotonic() - start


@pytest.mark.parametrize("scenario", [_silent, _drip_head, _drip_body])
def test_total_deadline_holds_against_silent_and_dripping_servers(
        scenario: Callable[[RawServer, socket.socket], None], raw: Any,
        tripwire: Tripwire) -> None:
    server = raw(scenario)
    # Each drip arrives well within the read timeout: only the total deadline can stop it.
    kind, elapsed = _timed(server.port, tripwire, total_timeout=0.5, read_timeout=1.0)
    assert kind is FetchTimeout and 0.45 <= elapsed < 0.9
    assert scenario is _silent or server.sent >= 3


def test_total_deadline_holds_when_nobody_accepts(tripwire: Tripwire) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:  # listens, never accepts
        kind, elapsed = _timed(listener.getsockname()[1], tripwire, total_timeout=0.5)
    assert kind is FetchTimeout and elapsed < 0.9


def test_total_deadline_spans_all_redirect_hops(upstream: QuietServer,
                                                tripwire: Tripwire) -> None:
    start = time.monotonic()  # four hops of 0.15 s, each far below the read timeout
    with pytest.raises(FetchTimeout):
        get(upstream, "/chain/4?delay=0.15", tripwire, total_timeout=0.4)
    assert time.monotonic() - start < 0.8


def test_watchdog_stops_a_read_that_ignores_its_timeout(raw: Any, tripwire: Tripwire) -> None:
    class Stubborn(httpcore.SyncBackend):
        """A backend whose reads block without timeout: only the watchdog can end them."""

        def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
            stream = super().connect_tcp(*args, **kwargs)
            original = stream.read

            def read(max_bytes: int, timeout: float | None = None) -> bytes:
                return original(max_bytes, None)

            stream.read = read  # type: ignore[method-assign]
            return stream

    tripwire.real = Stubborn()
    server = raw(_silent)
    kind, elapsed = _timed(server.port, tripwire, total_timeout=0.5)
    assert kind is FetchTimeout and elapsed < 0.9


@pytest.mark.parametrize("scenario", [_reset_mid_body, _reset_at_once])
def test_connection_reset_is_an_upstream_error(scenario: Any, raw: Any,
                                               tripwire: Tripwire) -> None:
    kind, elapsed = _timed(raw(scenario).port, tripwire)
    assert kind is UpstreamError and elapsed < 1.0


def test_connection_refused_is_an_upstream_error(tripwire: Tripwire) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed again: nothing listens there
    kind, elapsed = _timed(port, tripwire)
    assert kind is UpstreamError and elapsed < 1.0


# -- TLS: the checked IP is dialled, the certificate is checked against the name -----------

def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a throw-away test CA")
    tmp = tmp_path_factory.mktemp("tls")
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=plainpage test CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign", cwd=tmp)
    _openssl("req", *ec, "-keyout", "site.key", "-out", "site.csr", "-subj", "/CN=site.test",
             cwd=tmp)
    (tmp / "ext").write_text("subjectAltName=DNS:site.test\n")
    _openssl("x509", "-req", "-in", "site.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "site.pem", "-days", "2", "-extfile", "ext", cwd=tmp)
    return tmp


@pytest.fixture(scope="module")
def tls_upstream(tls_files: Path) -> Iterator[tuple[QuietServer, list[str]]]:
    names: list[str] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_files / "site.pem", tls_files / "site.key")
    context.sni_callback = lambda sock, name, ctx: names.append(name)  # type: ignore[assignment]
    for server in _serve(context):
        yield server, names


def test_https_to_a_pinned_address_verifies_the_url_host(
        tls_upstream: tuple[QuietServer, list[str]], tls_files: Path,
        tripwire: Tripwire) -> None:
    server, names = tls_upstream
    port = server.server_address[1]
    config = allow(port, names=("site.test", "other.test"), ca_file=str(tls_files / "ca.pem"))
    page = fetch(f"https://site.test:{port}/page", config, resolver=RESOLVER,
                 transport=tripwire)
    assert page.body == ARTICLE and names[-1] == "site.test"
    assert tripwire.dialled == [("127.0.0.1", port)]
    with pytest.raises(UpstreamError, match="certificate verification failed"):
        fetch(f"https://other.test:{port}/page", config, resolver=RESOLVER, transport=tripwire)
    with pytest.raises(UpstreamError, match="certificate verification failed"):
        fetch(f"https://site.test:{port}/page", config.replace(ca_file=None),
              resolver=RESOLVER, transport=tripwire)


def test_https_to_http_downgrade_can_be_refused(
        tls_upstream: tuple[QuietServer, list[str]], upstream: QuietServer, tls_files: Path,
        tripwire: Tripwire) -> None:
    port, plain = tls_upstream[0].server_address[1], upstream.server_address[1]
    config = FetchConfig(ca_file=str(tls_files / "ca.pem"), allow_private=(
        AllowEntry(host="site.test", port=port), AllowEntry(host="127.0.0.1", port=plain)))
    url = f"https://site.test:{port}/redirect?to=http://127.0.0.1:{plain}/page"
    assert fetch(url, config, resolver=RESOLVER, transport=tripwire).body == ARTICLE
    with pytest.raises(BlockedDestination, match="https to plain http"):
        fetch(url, config.replace(allow_https_downgrade=False), resolver=RESOLVER,
              transport=tripwire)
