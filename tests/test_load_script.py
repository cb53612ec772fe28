"""scripts/load, the service's load test: a short real run (two gunicorn instances with one
worker each, sharing a private redis-server) answers every request right, sustains the mix,
finds the posted canary in no log, file or Redis value, and leaves nothing running; its
privacy check does find a planted canary; and it refuses any target but the loopback
interface before starting anything.

The run takes about 12 s, so it is marked ``slow``; CI runs every test, slow ones included
(``scripts/test`` selects no markers away). It needs redis-server and gunicorn, as CI has."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "load"
sys.path.insert(0, str(SCRIPT.parent))
from loadlib import privacy  # noqa: E402


def load(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                          text=True, timeout=timeout, check=False)


def gone(pid: int) -> bool:
    """The process has ended (a reused pid running something else counts as gone)."""
    try:
        return b"gunicorn" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return True


@pytest.mark.slow
def test_a_short_run_answers_everything_right_and_stops_what_it_started(tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    started = time.monotonic()
    done = load("--workers", "1", "--instances", "2", "--concurrency", "1,3",
                "--requests", "25", "--phase-seconds", "2", "--max-seconds", "18",
                "--sustain", "1.5", "--json", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert time.monotonic() - started < 30
    result = json.loads(out.read_text())
    assert result["errors"] == 0 and "errors: 0;" in done.stdout
    phases = {(s["concurrency"], s["phase"]) for s in result["steps"] if s["requests"] == 25}
    assert phases == {(c, p) for c in (1, 3) for p in ("healthz", "post", "url", "fetch", "mix")}
    held = result["sustain"]
    assert held["concurrency"] == 3 and held["errors"] == 0 and held["requests"] > 25
    assert 0 < result["ratios"]["post/healthz"]["median"]
    assert 90_000 < result["page_bytes"] < 110_000
    # The cache is shared: each page fetched through one instance was a hit on the other,
    # and the upstream served each page once in the whole run; the fetch kind fetched anew.
    assert result["cache"] == {"pages": 8, "hits_on_the_next_instance": 8,
                               "upstream_fetches": 8}
    assert result["fresh_fetches"] >= 10
    found = result["privacy"]
    assert found["clean"] and found["files"]["hits"] == [] and found["redis"]["hits"] == []
    assert len(found["files"]["logs"]) == 3 and found["redis"]["keys"] >= 8
    for peaks in result["peak_rss_kb"].values():
        assert peaks and all(20_000 < kb < 2_000_000 for kb in peaks.values())
    deadline = time.monotonic() + 5
    while not all(gone(pid) for pid in result["pids"]) and time.monotonic() < deadline:
        time.sleep(0.05)  # orphaned workers are reaped by init, not by us
    assert all(gone(pid) for pid in result["pids"])


@pytest.mark.parametrize("host", ["10.0.0.1", "192.168.1.10", "0.0.0.0", "::", "127.0.0.2",
                                  "localhost", "example.org", "[fe80::1]"])
def test_anything_but_loopback_is_refused_before_anything_starts(tmp_path: Path,
                                                                 host: str) -> None:
    out = tmp_path / "load.json"
    done = load("--host", host, "--json", str(out), timeout=20)
    assert done.returncode == 2
    assert "is not 127.0.0.1 or ::1" in done.stderr and done.stdout == ""
    assert not out.exists()


def test_the_privacy_check_finds_a_planted_canary(tmp_path: Path) -> None:
    (tmp_path / "data0").mkdir()
    (tmp_path / "instance0.log").write_text("GET /healthz 200\n")
    (tmp_path / "data0" / "cache.sqlite3-wal").write_bytes(b"\x00page PLAINPAGE-CANARY-x1\x00")
    found = privacy.check(tmp_path, None, "PLAINPAGE-CANARY-x1")
    assert not found["clean"] and found["files"]["hits"] == ["data0/cache.sqlite3-wal"]
    assert found["files"]["sqlite_files"] == ["data0/cache.sqlite3-wal"]
    assert privacy.check(tmp_path, None, "PLAINPAGE-CANARY-other")["clean"]
