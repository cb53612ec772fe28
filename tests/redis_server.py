"""pytest plugin: a real, private ``redis-server`` on 127.0.0.1 for the tests that need one.

Use it from a test module with ``pytest_plugins = ["tests.redis_server"]`` and the
``redis_server`` fixture: a fresh server per test on a free port, its files in the test's
temp dir, no persistence (``--save '' --appendonly no``), stopped afterwards. The fixture
can ``kill()``, ``start()`` again on the same port, ``pause()`` and ``resume()`` it, to test
outages. Nothing system-wide is started or touched.

When ``redis-server`` is not installed the tests FAIL (they never skip silently) with a
message saying how to install it; ``scripts/bootstrap`` installs it in CI (``CI`` set).
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

INSTALL_HINT = (
    "redis-server is not installed, and the Redis tests need a real one. Install it with "
    "`sudo apt-get install --no-install-recommends redis-server` (Debian/Ubuntu) or "
    "`brew install redis` (macOS); nothing needs to run, the tests start their own server. "
    "In CI (CI set) scripts/bootstrap installs it."
)
_START_TIMEOUT = 5.0


class RedisServer:
    """One redis-server process listening on 127.0.0.1:``port``."""

    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it (on a free port the first time, on the same port after a kill)."""
        for _attempt in range(3):
            port = self.port or _free_port()
            if self._launch(port):
                self.port = port
                return
            if self.port:
                break  # a restart must keep its port: clients are configured with it
        raise RuntimeError(f"redis-server did not start; log:\n{self._log_tail()}")

    def _launch(self, port: int) -> bool:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir), "--daemonize", "no",
             "--logfile", str(self.workdir / "redis.log"), "--protected-mode", "yes"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False  # e.g. the port was taken between probe and bind
            if _pong(port):
                return True
            time.sleep(0.005)
        self.stop()
        return False

    def stop(self) -> None:
        """Stop it gracefully (SIGTERM), killing it if it does not go within 5 s."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a paused server cannot handle SIGTERM
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """Kill it at once (SIGKILL), as a crash would; its data is gone."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def pause(self) -> None:
        """Freeze it (SIGSTOP): connections stay open but nothing is answered."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def _log_tail(self) -> str:
        log = self.workdir / "redis.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pong(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A running private redis-server for one test (see the module docstring)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    workdir = tmp_path / "redis"
    workdir.mkdir()
    server = RedisServer(binary, workdir)
    server.start()
    try:
        yield server
    finally:
        server.kill()  # no persistence to flush: SIGKILL saves ~0.1 s per test
