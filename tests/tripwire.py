"""The SSRF tripwire the fetch tests share: no test may send traffic off the machine.

``Tripwire`` is the innermost network backend handed to ``plainpage.fetch.fetch``: it dials
127.0.0.0/8 for real and refuses (and records) anything else. ``install_tripwire`` also nets
``socket.connect`` and real DNS lookups of names, so a regression that bypasses the backend
fails loudly too. Each test module wraps it in its own autouse fixture.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import httpcore
import pytest

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")


class Tripwire(httpcore.NetworkBackend):
    """Innermost backend: dials 127.0.0.0/8 for real, refuses and records anything else."""

    def __init__(self) -> None:
        self.dialled: list[tuple[str, int]] = []
        self.violations: list[object] = []
        self.real: httpcore.NetworkBackend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        self.dialled.append((host, port))
        if not is_loopback(host):
            self.violations.append((host, port))
            raise httpcore.ConnectError(f"tripwire: refused to dial {host}:{port}")
        return self.real.connect_tcp(host, port, timeout, local_address, socket_options)


def is_loopback(host: object) -> bool:
    try:
        return ipaddress.ip_address(str(host)) in LOOPBACK
    except ValueError:
        return False  # a name reaching the dialler is a guard bug too


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def install_tripwire(monkeypatch: pytest.MonkeyPatch) -> Iterator[Tripwire]:
    """Patch the socket and DNS nets, yield the backend, then assert nothing got out."""
    wire = Tripwire()
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
            wire.violations.append(address)
            raise OSError(f"tripwire: socket connect to {address!r}")
        return real_connect(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        # An IP literal resolves locally (the connect net still checks it); a name would
        # go to real DNS.
        if isinstance(host, str) and host != "localhost" and not is_ip(host):
            raise OSError(f"tripwire: real DNS lookup of {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield wire
    assert wire.violations == [], f"dialled outside 127.0.0.0/8: {wire.violations}"
