"""A misbehaving upstream on 127.0.0.1 for the fault tests: one path per fault.

``ChaosServer`` speaks HTTP/1.1 over raw sockets (so it can hang, trickle, reset, lie about
``Content-Length`` or never finish a body), one thread per connection, and stops every
connection when closed. ``FAULTS`` names the paths; ``/page/<n>`` is a well-behaved article
page (``Cache-Control: max-age=3600``) whose fetches are counted in ``pages_served``.
Nothing here listens anywhere but 127.0.0.1.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import zlib
from collections.abc import Callable
from functools import cache

ARTICLE = ("<!doctype html><html><head><meta charset=utf-8><title>Harbour wall</title></head>"
           "<body><nav><a href=/>Home</a></nav><article><h1>Harbour wall reopens</h1>"
           + "<p>The harbour authority confirmed on Tuesday that the rebuilt wall is safe, "
           "and the ferries will use the old quay again from the first week of spring.</p>" * 6
           + "</article><footer>Contact</footer></body></html>")
MARKER = "harbour authority confirmed"
UTF7_SCRIPT = ARTICLE.replace("<h1>", "<p>Said +ADw-script+AD4-alert(1)+ADw-/script+AD4- so."
                              "</p><h1>").encode()
BOMB_BYTES = 100 * 1024 * 1024  # zeros behind ~100 KB of gzip


@cache
def gzip_bomb() -> bytes:
    """``BOMB_BYTES`` of zeros, gzip-compressed (~0.1 % of that), built once in chunks."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    return b"".join(packer.compress(zeros) for _ in range(BOMB_BYTES // len(zeros))) + \
        packer.flush()


def head(status: str = "200 OK", ctype: str | None = "text/html; charset=utf-8",
         length: int | None = None, **extra: str) -> bytes:
    lines = [f"HTTP/1.1 {status}"]
    if ctype is not None:
        lines.append(f"Content-Type: {ctype}")
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in extra.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def page(body: bytes, ctype: str = "text/html; charset=utf-8", **extra: str) -> bytes:
    return head(ctype=ctype, length=len(body), **extra) + body


class LoopbackServer:
    """A raw-socket server on 127.0.0.1: one thread per connection, each handed to
    ``serve(conn)``; ``close()`` stops the loop and every drip (connections end with them)."""

    def __init__(self, backlog: int = 64) -> None:
        self.stop = threading.Event()
        self.sent = 0  # bytes sent by ``drip``
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=backlog)
        self.sock.settimeout(0.05)
        self.port: int = self.sock.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.stop.set()
        self._thread.join()
        self.sock.close()

    def serve(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._guarded, args=(conn,), daemon=True).start()

    def _guarded(self, conn: socket.socket) -> None:
        with conn:
            try:
                self.serve(conn)
            except OSError:
                pass  # the client hung up: what most faults are about

    @staticmethod
    def read_request(conn: socket.socket) -> str | None:
        """The path of the next request on ``conn`` (None once the client closed it)."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        return data.split(b" ", 2)[1].decode("latin-1").split("?")[0]

    def drip(self, conn: socket.socket, data: bytes, interval: float) -> None:
        """One byte every ``interval`` seconds, until done or closed."""
        for byte in data:
            if self.stop.wait(interval):
                return
            conn.sendall(bytes([byte]))
            self.sent += 1


class ChaosServer(LoopbackServer):
    """The fault paths of ``FAULTS``, on keep-alive connections."""

    def __init__(self) -> None:
        self.pages_served = 0
        gzip_bomb()  # built now (~1 s, once per process), not while a client waits
        super().__init__()

    def serve(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        while not self.stop.is_set():  # keep-alive: the redirect tests reuse it
            path = self.read_request(conn)
            if path is None:
                return
            name, _, arg = path.strip("/").partition("/")
            if not FAULTS[name](self, conn, arg):
                return


# --- the faults: each answers (or not) and says whether the connection may be reused ---------

Fault = Callable[[ChaosServer, socket.socket, str], bool]


def _page(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    server.pages_served += 1
    conn.sendall(page(ARTICLE.replace("Harbour wall", f"Harbour wall {arg}").encode(),
                      Cache_Control="max-age=3600"))
    return True


def _hang(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    server.stop.wait(60)
    return False


def _trickle_head(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    server.drip(conn, head(length=len(ARTICLE)), 1.0)
    return False


def _trickle_body(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    conn.sendall(head(length=len(ARTICLE)))
    server.drip(conn, ARTICLE.encode(), 1.0)
    return False


def _reset(conn: socket.socket) -> bool:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return False  # closing with linger 0 sends RST, not FIN


def _reset_at_once(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    return _reset(conn)


def _reset_mid_body(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    conn.sendall(head(length=len(ARTICLE)) + ARTICLE.encode()[:200])
    server.stop.wait(0.05)
    return _reset(conn)


def _close_at_once(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    return False  # FIN without a byte of answer


def _endless(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    conn.sendall(head(Connection="close"))
    chunk = b"<p>" + b"x" * 65533
    for _ in range(1024):  # 64 MB: far past the cap, bounded if the cap ever breaks
        conn.sendall(chunk)
    return False


def _endless_chunked(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    conn.sendall(head(Transfer_Encoding="chunked"))
    chunk = b"10000\r\n" + b"<p>" + b"y" * 65533 + b"\r\n"
    for _ in range(1024):
        conn.sendall(chunk)
    return False


def _length_too_long(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    conn.sendall(head(length=len(ARTICLE) + 1000) + ARTICLE.encode())
    return False  # FIN: the promised 1000 bytes never come


def _length_huge(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    conn.sendall(head(length=100 * 1024 * 1024) + ARTICLE.encode())
    server.stop.wait(5)
    return False


def _length_too_short(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    body = ARTICLE.encode()
    conn.sendall(head(length=len(body) // 2) + body)  # the second half is not the body
    return True


def _redirect_too_short(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    # A redirect whose body is longer than it says: the surplus is a forged response
    # waiting on the kept-alive connection for the next request.
    forged = page(b"<html><body><p>FORGED RESPONSE</p></body></html>")
    conn.sendall(head("302 Found", length=4, Location="/page/after") + b"moved" + forged)
    return True


def _gzip_bomb(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    body = gzip_bomb()
    conn.sendall(head(length=len(body), Content_Encoding="gzip") + body)
    return False


def _gzip_nested(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    body = gzip.compress(gzip.compress(ARTICLE.encode(), mtime=0), mtime=0)
    conn.sendall(head(length=len(body), Content_Encoding="gzip, gzip") + body)
    return False


def _brotli(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    conn.sendall(head(length=4, Content_Encoding="br") + b"\x1b\x00\x00\x00")
    return False


def _charset(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    body, ctype = {
        "utf7": (UTF7_SCRIPT, "text/html; charset=utf-7"),
        "latin1-says-utf8": (ARTICLE.replace("Harbour", "Hafenmauer Grüße").encode("latin-1"),
                             "text/html; charset=utf-8"),
        "utf8-says-latin1": (ARTICLE.replace("Harbour", "Grüße").encode(),
                             "text/html; charset=iso-8859-1"),
        "unknown": (ARTICLE.encode(), "text/html; charset=x-no-such-charset"),
        "utf16-no-bom": (ARTICLE.encode(), "text/html; charset=utf-16"),
        "meta-disagrees": (ARTICLE.replace("charset=utf-8", "charset=shift_jis").encode(),
                           "text/html; charset=windows-1251"),
        "invalid-bytes": (ARTICLE.encode().replace(b"Tuesday", b"Tue\xff\xfe\xc3day\xed\xa0"),
                          "text/html; charset=utf-8"),
    }[arg]
    conn.sendall(page(body, ctype))
    return False


def _typed(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    body, ctype = {"pdf": (b"%PDF-1.7\n%\xe2\xe3", "application/pdf"),
                   "html-but-pdf": (b"%PDF-1.7\n1 0 obj", "text/html"),
                   "html-but-zip": (b"PK\x03\x04\x14\x00" + bytes(64), "text/html"),
                   "none": (ARTICLE.encode(), "")}[arg]
    conn.sendall(head(ctype=ctype or None, length=len(body)) + body)
    return False


def _status(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    conn.sendall(page(b"<p>no</p>").replace(b"200 OK", f"{arg} Oops".encode(), 1))
    return False


def _redirect(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    target = {"loop": "/redirect/loop", "metadata": "http://169.254.169.254/latest/meta-data/",
              "file": "file:///etc/passwd"}[arg]
    conn.sendall(head("302 Found", length=0, Location=target))
    return True


def _deep(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    conn.sendall(page(b"<div>" * 100_000 + b"x"))
    return False


def _garbage(server: ChaosServer, conn: socket.socket, arg: str) -> bool:
    conn.sendall({"status-line": b"HTTP/1.1 abc\r\n\r\n",
                  "not-http": b"SSH-2.0-OpenSSH_9.6\r\n",
                  "huge-header": b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n",
                  }[arg])
    return False


FAULTS: dict[str, Fault] = {
    "page": _page, "hang": _hang, "trickle-head": _trickle_head, "trickle-body": _trickle_body,
    "reset": _reset_at_once, "reset-mid-body": _reset_mid_body, "close": _close_at_once,
    "endless": _endless, "endless-chunked": _endless_chunked,
    "length-too-long": _length_too_long, "length-huge": _length_huge,
    "length-too-short": _length_too_short, "redirect-too-short": _redirect_too_short,
    "gzip-bomb": _gzip_bomb, "gzip-nested": _gzip_nested, "br": _brotli, "charset": _charset,
    "typed": _typed, "status": _status, "redirect": _redirect, "deep": _deep,
    "garbage": _garbage,
}
