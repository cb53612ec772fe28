"""What scripts/load starts, watches and stops: the upstream page server, redis-server and
the gunicorn instances (each in a session of its own), and the RSS sampler."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

UNLIMITED = "1000000/minute"  # rate limits the load must not hit


@dataclass
class Instance:
    """One gunicorn master serving the app on ``host:port``."""

    name: str
    host: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    peaks: dict[int, int] = field(default_factory=dict)  # worker pid → VmHWM kB


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def tail(path: Path) -> str:
    return path.read_text(errors="replace")[-3000:] if path.exists() else "(no log)"


def start_upstream(host: str, page: bytes, stack: contextlib.ExitStack) -> ThreadingHTTPServer:
    """The site the URL requests fetch from; ``server.fetches`` counts the /page/ fetches,
    ``server.fresh_fetches`` the others.
    ``/fresh/…`` answers say ``no-store``, so the fetch kind measures fetch + extraction
    without growing the cache by a result per request."""

    class Pages(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            # /page/N stays cached; /fresh/N (each asked once) must not fill the cache
            fresh = self.path.startswith("/fresh/")
            if fresh:
                server.fresh_fetches += 1  # type: ignore[attr-defined]
            else:
                server.fetches += 1  # type: ignore[attr-defined]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Cache-Control", "no-store" if fresh else "max-age=3600")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server = type("Upstream", (ThreadingHTTPServer,), {"address_family": family,
                                                       "daemon_threads": True})((host, 0), Pages)
    server.fetches = server.fresh_fetches = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stack.callback(server.server_close)
    stack.callback(server.shutdown)
    return server


def spawn(argv: list[str], log: Path, env: dict[str, str] | None,
          stack: contextlib.ExitStack) -> subprocess.Popen[bytes]:
    """Start a process in a session of its own, so that it and its children end together."""
    with log.open("wb") as out:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                   env=env, start_new_session=True)
    stack.callback(stop_group, process)
    return process


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (gunicorn: graceful), then SIGKILL to the group it leads, after 10 s at most."""
    if process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(10)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # our group: start_new_session made it
    process.wait()


def start_redis(workdir: Path, stack: contextlib.ExitStack) -> str:
    """A private redis-server on 127.0.0.1 without persistence; its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("scripts/load: --instances 2 needs redis-server (apt-get install redis-server)")
    port = free_port("127.0.0.1")
    process = spawn([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", "no", "--dir", str(workdir)], workdir / "redis.log",
                    None, stack)
    deadline = time.monotonic() + 10
    while process.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                return f"redis://127.0.0.1:{port}/0"
        time.sleep(0.05)
    sys.exit(f"scripts/load: redis-server did not start:\n{tail(workdir / 'redis.log')}")


def service_env(args: argparse.Namespace, data_dir: Path, token: str, upstream: str,
                redis_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAINPAGE_")}
    env.update(PLAINPAGE_DATA_DIR=str(data_dir), PLAINPAGE_TOKEN=token,
               PLAINPAGE_WORKERS=str(args.workers), PLAINPAGE_HOST=args.host,
               PLAINPAGE_RATE_LIMIT=UNLIMITED, PLAINPAGE_FETCH_RATE_LIMIT=UNLIMITED,
               PLAINPAGE_ALLOW_PRIVATE=upstream,
               # one local upstream serves every URL request: the per-host cap would turn
               # the load into 429s (it has its own tests); the load measures throughput
               PLAINPAGE_HOST_CONCURRENCY="1024")
    if redis_url:
        env["PLAINPAGE_REDIS_URL"] = redis_url
    return env


def start_instance(name: str, env: dict[str, str], host: str, workdir: Path,
                   stack: contextlib.ExitStack, ready: Callable[[str, int], bool]
                   ) -> Instance:
    """gunicorn with the settings ``plainpage serve --production`` uses, written to a config
    file (setting names are regular there; some command-line flags are not). ``ready(host,
    port)`` says when it serves."""
    from plainpage.web.serve import gunicorn_options
    from plainpage.web.settings import WebSettings

    port = free_port(host)
    options = gunicorn_options(WebSettings.from_env({**env, "PLAINPAGE_PORT": str(port)}))
    # gunicorn ≥ 25.1 opens a control socket at one per-user path, which two instances
    # would fight over; older versions ignore the unknown setting.
    options["control_socket_disable"] = True
    conf, log = workdir / f"{name}.conf.py", workdir / f"{name}.log"
    conf.write_text("".join(f"{key} = {value!r}\n" for key, value in options.items()))
    argv = [sys.executable, "-m", "gunicorn", "-c", str(conf), "plainpage.web:create_app()"]
    instance = Instance(name, host, port, spawn(argv, log, env, stack), log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and instance.process.poll() is None:
        if ready(host, port):
            shown = "; ".join(f"{key}={value!r}" for key, value in options.items())
            print(f"{name}: gunicorn -c CONF 'plainpage.web:create_app()', CONF: {shown}",
                  flush=True)
            return instance
        time.sleep(0.1)
    sys.exit(f"scripts/load: gunicorn {name} did not start:\n{tail(log)}")


def children(parent: int) -> list[int]:
    """Pids whose parent is ``parent`` (/proc/PID/task/*/children is not on every kernel)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError):
                stat = Path(entry.path, "stat").read_text()
                if int(stat.rpartition(")")[2].split()[1]) == parent:
                    found.append(int(entry.name))
    return found


def vm_hwm(pid: int) -> int | None:
    """Peak resident set size of ``pid`` in kB (VmHWM), None once it is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def sample_rss(instances: list[Instance], stop: threading.Event) -> None:
    """Each worker's VmHWM every 0.2 s, so that workers recycled by max-requests count too."""
    while True:
        for instance in instances:
            for pid in children(instance.process.pid):
                peak = vm_hwm(pid)
                if peak is not None:
                    instance.peaks[pid] = max(peak, instance.peaks.get(pid, 0))
        if stop.wait(0.2):
            return


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: the machine is shared."""
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "unknown"
