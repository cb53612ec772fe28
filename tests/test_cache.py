"""The result cache: keys, freshness, and the embedded SQLite backend (Redis: test_cache_redis)."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plainpage.fetch.cache import (
    KEY_PREFIX,
    MAX_TTL,
    MAX_VALUE_BYTES,
    ResultCache,
    cache_key,
    freshness,
    normalise_url,
    open_cache,
)
from plainpage.fetch.cache_sqlite import FILE_NAME, SqliteCache

REPO = Path(__file__).resolve().parents[1]


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(tmp_path: Path, clock: Clock):
    with SqliteCache(tmp_path / "data", clock=clock) as c:
        yield c


def rows(path: Path) -> list[str]:
    """Keys physically in the database file, read with a separate connection."""
    with sqlite3.connect(path) as conn:
        return sorted(k for (k,) in conn.execute("SELECT key FROM entries"))


# --- cache_key -------------------------------------------------------------------------------

def key(url: str) -> str:
    return cache_key(url, "x1", "r1", "json")


@pytest.mark.parametrize(("a", "b"), [
    ("HTTP://Example.COM/a", "http://example.com/a"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("http://example.com/a#section-2", "http://example.com/a"),
    ("http://example.com", "http://example.com/"),
    ("http://example.com/a?utm_source=news&id=7&utm_medium=mail", "http://example.com/a?id=7"),
    ("http://example.com/a?id=7&fbclid=IwAR0x&gclid=Cj0", "http://example.com/a?id=7"),
    ("http://example.com/a?UTM_Campaign=x&MSCLKID=1", "http://example.com/a"),
    ("http://example.com/a?utm%5Fsource=x", "http://example.com/a"),
    ("http://example.com/%7euser", "http://example.com/%7Euser"),
    ("http://bücher.example/", "http://xn--bcher-kva.example/"),
    ("  http://example.com/a  ", "http://example.com/a"),
])
def test_equivalent_urls_share_a_key(a: str, b: str) -> None:
    assert key(a) == key(b)


@pytest.mark.parametrize(("a", "b"), [
    ("http://example.com/A", "http://example.com/a"),           # path case matters
    ("http://example.com/a?x=1&y=2", "http://example.com/a?y=2&x=1"),  # order is kept
    ("http://example.com/a?x=1", "http://example.com/a?x=2"),
    ("http://example.com/a", "https://example.com/a"),
    ("http://example.com:8080/a", "http://example.com/a"),
    ("http://example.com/a?utmost=1", "http://example.com/a"),  # only utm_ is a prefix
    ("http://example.com/a?xfbclid=1", "http://example.com/a"),
    ("http://example.com/a?page=utm_source", "http://example.com/a"),  # a value, not a name
    ("http://example.com/a/", "http://example.com/a"),
])
def test_different_pages_get_different_keys(a: str, b: str) -> None:
    assert key(a) != key(b)


def test_key_shape_and_every_part_counts() -> None:
    k = cache_key("http://example.com/", "1", "2", "json")
    assert k.startswith(KEY_PREFIX) and KEY_PREFIX == "plainpage:v1:"
    assert len(k) == len(KEY_PREFIX) + 64 and int(k[len(KEY_PREFIX):], 16) >= 0
    others = {cache_key("http://example.com/", "9", "2", "json"),
              cache_key("http://example.com/", "1", "9", "json"),
              cache_key("http://example.com/", "1", "2", "text"),
              # the parts are not simply concatenated
              cache_key("http://example.com/", "12", "", "json"),
              cache_key("http://example.com/", "", "12", "json")}
    assert k not in others and len(others) == 5


@pytest.mark.parametrize("url", ["not a url", "", "http://", "//example.com/x", "http://[::1"])
def test_unparseable_urls_get_a_key_of_their_own(url: str) -> None:
    assert normalise_url(url) == url.strip()
    assert key(url).startswith(KEY_PREFIX)
    assert key(url) != key("http://example.com/")


def test_normalised_form_keeps_what_matters() -> None:
    assert normalise_url("HTTPS://User@Example.COM:443/P/a%2fb?q=1&utm_id=2&r#f") == (
        "https://User@example.com/P/a%2Fb?q=1&r")
    assert normalise_url("http://[::1]:8080/") == "http://[::1]:8080/"


URLISH = st.builds(
    "{}://{}{}{}{}".format,
    st.sampled_from(["http", "HTTPS", "ftp", ""]),
    st.sampled_from(["Example.COM", "example.com:80", "[::1]:443", "bücher.example", "", "a@b"]),
    st.text(alphabet="/aA%7e?&=#", max_size=12),
    st.sampled_from(["", "?utm_source=x", "?a=1&fbclid=2", "?UTM_x&b"]),
    st.sampled_from(["", "#frag"]),
)


@settings(max_examples=200, deadline=None)
@given(URLISH | st.text(max_size=40))
def test_normalisation_never_raises_and_is_idempotent(url: str) -> None:
    once = normalise_url(url)
    assert normalise_url(once) == once
    assert key(url) == key(once)


# --- freshness -------------------------------------------------------------------------------

DATE = "Tue, 01 Jun 2021 00:00:00 GMT"
DATE_TS = 1622505600.0


@pytest.mark.parametrize(("headers", "expected"), [
    ({}, 300),
    ({"Cache-Control": "max-age=60"}, 60),
    ({"cache-control": "public, max-age=60"}, 60),
    ({"Cache-Control": "max-age=60", "Age": "20"}, 40),
    ({"Cache-Control": "max-age=60", "Age": "600"}, 0),
    ({"Cache-Control": "max-age=60, s-maxage=10"}, 10),
    ({"Cache-Control": 'max-age="60"'}, 60),
    ({"Cache-Control": "max-age=10, max-age=100"}, 10),       # first one wins
    ({"Cache-Control": "no-store"}, 0),
    ({"Cache-Control": "NO-STORE"}, 0),
    ({"Cache-Control": "private, max-age=600"}, 0),
    ({"Cache-Control": 'private="Set-Cookie, X-Id", max-age=600'}, 0),
    ({"Cache-Control": "max-age=600, no-cache"}, 0),
    ({"Cache-Control": "max-age=600", "Set-Cookie": "sid=1; HttpOnly"}, 0),
    ({"Pragma": "no-cache"}, 0),
    ({"Pragma": "no-cache", "Cache-Control": "max-age=60"}, 60),
    ({"Vary": "*", "Cache-Control": "max-age=60"}, 0),
    ({"Vary": "Accept-Encoding", "Cache-Control": "max-age=60"}, 60),
    ({"Date": DATE, "Expires": "Tue, 01 Jun 2021 00:02:00 GMT"}, 120),
    ({"Date": DATE, "Expires": "Tue, 01 Jun 2021 00:02:00 GMT", "Age": "30"}, 90),
    ({"Date": DATE, "Expires": "Mon, 31 May 2021 00:00:00 GMT"}, 0),
    ({"Date": DATE, "Expires": "Tue, 01 Jun 2021 00:02:00 GMT", "Cache-Control": "max-age=5"},
     5),
    ({"Expires": "Tue, 01 Jun 2021 00:10:00 GMT"}, 600),           # no Date: `now` is used
    ({"Date": "yesterday", "Expires": "Tue, 01 Jun 2021 00:10:00 GMT"}, 600),
    ({"Cache-Control": "max-age=86400000"}, MAX_TTL),              # capped
])
def test_freshness(headers: dict[str, str], expected: float) -> None:
    assert freshness(headers, 300, now=DATE_TS) == expected


@pytest.mark.parametrize("headers", [
    {"Cache-Control": "max-age=soon"},
    {"Cache-Control": "max-age=-5"},
    {"Cache-Control": "max-age="},
    {"Cache-Control": "max-age"},
    {"Cache-Control": "max-age=1e3"},
    {"Cache-Control": "max-age=٣٠"},          # Arabic-Indic digits are not delta-seconds
    {"Expires": "0"},
    {"Expires": "next week", "Date": DATE},
    {"Expires": ""},
])
def test_malformed_freshness_counts_as_stale(headers: dict[str, str]) -> None:
    assert freshness(headers, 300, now=DATE_TS) == 0


def test_malformed_or_listed_age_is_handled_like_rfc_9111() -> None:
    assert freshness({"Cache-Control": "max-age=60", "Age": "old"}, 300) == 60  # ignored
    assert freshness({"Cache-Control": "max-age=60", "Age": "10, 50"}, 300) == 50  # first


def test_freshness_limits_and_header_containers() -> None:
    assert freshness({}, 5000, cap=600) == 600
    assert freshness({}, -5) == 0
    assert freshness({}, float("nan")) == 0
    assert freshness({}, float("inf")) == MAX_TTL
    assert freshness({"Cache-Control": "max-age=" + "9" * 5000}, 300) == MAX_TTL
    # repeated header lines are all honoured, whatever the container
    both = httpx.Headers([("Cache-Control", "max-age=60"), ("cache-control", "no-store")])
    assert freshness(both, 300) == 0
    assert freshness({"Cache-Control": "max-age=60", "cache-control": "private"}, 300) == 0


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(
    st.sampled_from(["Cache-Control", "Age", "Expires", "Date", "Pragma", "Vary", "X"]),
    st.text(max_size=60) | st.from_regex(r"(max-age|s-maxage)=\d{0,30}", fullmatch=True)))
def test_freshness_never_raises_and_stays_in_range(headers: dict[str, str]) -> None:
    assert 0 <= freshness(headers, 300, cap=3600) <= 3600


# --- SQLite backend: behaviour ---------------------------------------------------------------

def test_open_cache_without_redis_is_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    for redis_url in (None, "", "  "):
        with open_cache(redis_url, tmp_path / "d") as c:
            assert isinstance(c, SqliteCache) and isinstance(c, ResultCache)
            assert c.path == tmp_path / "d" / FILE_NAME and c.ping()


def test_hit_miss_and_expiry(cache: SqliteCache, clock: Clock) -> None:
    assert cache.get("k") is None
    cache.put("k", b"value", 60)
    assert cache.get("k") == b"value"
    clock.now += 59.9
    assert cache.get("k") == b"value"
    clock.now += 0.1
    assert cache.get("k") is None  # expired is a miss
    cache.put("k", b"new", 10)
    assert cache.get("k") == b"new"  # replaced, not duplicated
    assert rows(cache.path) == ["k"]


@pytest.mark.parametrize("ttl", [0, -1, float("nan")])
def test_ttl_that_is_not_positive_stores_nothing(cache: SqliteCache, ttl: float) -> None:
    cache.put("k", b"v", ttl)
    assert cache.get("k") is None and rows(cache.path) == []


def test_ttl_is_capped(cache: SqliteCache, clock: Clock) -> None:
    cache.put("k", b"v", float("inf"))
    clock.now += MAX_TTL - 1
    assert cache.get("k") == b"v"
    clock.now += 2
    assert cache.get("k") is None


def test_value_size_cap(tmp_path: Path) -> None:
    with SqliteCache(tmp_path, max_value_bytes=100) as small:
        small.put("fits", b"x" * 100, 60)
        small.put("over", b"x" * 101, 60)
        assert small.get("fits") == b"x" * 100 and small.get("over") is None
    with SqliteCache(tmp_path / "default") as c:
        c.put("big", b"x" * (MAX_VALUE_BYTES + 1), 60)
        c.put("ok", b"x" * MAX_VALUE_BYTES, 60)
        assert c.get("big") is None and c.get("ok") == b"x" * MAX_VALUE_BYTES


@pytest.mark.parametrize("value", ["text", bytearray(b"x"), memoryview(b"x"), None, {"a": 1}])
def test_only_bytes_are_stored(cache: SqliteCache, value: object) -> None:
    with pytest.raises(TypeError, match="bytes"):
        cache.put("k", value, 60)  # type: ignore[arg-type]
    assert rows(cache.path) == []


def test_keys_must_be_str(cache: SqliteCache) -> None:
    with pytest.raises(TypeError, match="str"):
        cache.get(b"k")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="str"):
        cache.put(1, b"v", 60)  # type: ignore[arg-type]


def test_entries_are_shared_through_the_file(tmp_path: Path, clock: Clock) -> None:
    with SqliteCache(tmp_path, clock=clock) as a, SqliteCache(tmp_path, clock=clock) as b:
        a.put("k", b"from a", 60)
        assert b.get("k") == b"from a"
    with SqliteCache(tmp_path, clock=clock) as again:  # and survive a restart
        assert again.get("k") == b"from a"


def test_file_layout_mode_and_wal(tmp_path: Path) -> None:
    data = tmp_path / "new" / "data"
    with SqliteCache(data) as c:
        c.put("k", b"v", 60)
        assert data.stat().st_mode & 0o777 == 0o700
        assert (data / FILE_NAME).stat().st_mode & 0o777 == 0o600
        with sqlite3.connect(data / FILE_NAME) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_file_of_another_schema_version_is_rebuilt(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / FILE_NAME) as conn:
        conn.execute("CREATE TABLE entries (k, v)")  # an older layout, user_version 0
        conn.execute("INSERT INTO entries VALUES ('k', 'old')")
    conn.close()
    with SqliteCache(tmp_path) as c:
        assert c.get("k") is None
        c.put("k", b"new", 60)
        assert c.get("k") == b"new"


def test_unusable_data_dir_fails_at_open(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(OSError):
        open_cache(None, tmp_path / "file")


# --- SQLite backend: upkeep ------------------------------------------------------------------

def test_expired_rows_are_purged(tmp_path: Path, clock: Clock) -> None:
    with SqliteCache(tmp_path, clock=clock, maintain_every=3) as c:
        c.put("short", b"v", 10)
        c.put("long", b"v", 1000)
        clock.now += 11
        assert rows(c.path) == ["long", "short"]  # a miss already, deleted later
        c.put("third", b"v", 1000)  # the third put runs maintenance
        assert rows(c.path) == ["long", "third"]


def test_row_cap_evicts_least_recently_used(tmp_path: Path, clock: Clock) -> None:
    with SqliteCache(tmp_path, clock=clock, max_rows=10, maintain_every=1) as c:
        for i in range(10):
            c.put(f"k{i}", b"v", 10_000)
            clock.now += 61
        assert c.get("k0") == b"v"  # k0 is now used more recently than k1..k9
        clock.now += 61
        c.put("k10", b"v", 10_000)  # 11 rows > 10: evict down to 9
        assert rows(c.path) == sorted(["k0", "k10"] + [f"k{i}" for i in range(3, 10)])


def test_byte_cap_evicts_least_recently_used(tmp_path: Path, clock: Clock) -> None:
    with SqliteCache(tmp_path, clock=clock, max_bytes=1000, maintain_every=1) as c:
        for i in range(4):
            c.put(f"k{i}", b"x" * 300, 10_000)
            clock.now += 1
        assert rows(c.path) == ["k1", "k2", "k3"]  # 1200 > 1000 → down to ≤ 900


def test_hits_do_not_write_more_than_once_a_minute(cache: SqliteCache, clock: Clock) -> None:
    cache.put("k", b"v", 10_000)
    with sqlite3.connect(cache.path) as conn:
        used = conn.execute("SELECT used FROM entries").fetchone()[0]
        clock.now += 30
        cache.get("k")
        assert conn.execute("SELECT used FROM entries").fetchone()[0] == used
        clock.now += 31
        cache.get("k")
        assert conn.execute("SELECT used FROM entries").fetchone()[0] == clock.now


# --- SQLite backend: concurrency -------------------------------------------------------------

def test_threads_share_one_cache(tmp_path: Path) -> None:
    errors: list[BaseException] = []
    with SqliteCache(tmp_path, max_rows=40, maintain_every=7) as c:

        def work(tid: int) -> None:
            try:
                for i in range(150):
                    own = f"own-{tid}-{i}"
                    c.put(own, own.encode(), 600)
                    got = c.get(own)  # evictions may drop it, nothing may corrupt it
                    assert got in (None, own.encode()), got
                    shared = f"shared-{i % 5}"
                    c.put(shared, f"{shared}|{tid}".encode(), 600)
                    got = c.get(shared)
                    assert got is None or got.startswith(f"{shared}|".encode()), got
            except BaseException as exc:  # reported below, in the main thread
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        c.maintain()
        assert len(rows(c.path)) <= 40


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from plainpage.fetch.cache_sqlite import SqliteCache
    with SqliteCache(Path(sys.argv[1])) as c:
        for i in range(200):
            c.put(f"{sys.argv[2]}-{i}", sys.argv[2].encode(), 600)
""")


def test_processes_share_one_file(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "server")}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), name], env=env)
             for name in ("p1", "p2")]
    with SqliteCache(tmp_path) as c:
        for i in range(200):
            c.put(f"main-{i}", b"main", 600)
        assert [p.wait(timeout=30) for p in procs] == [0, 0]
        for name in ("p1", "p2", "main"):
            assert all(c.get(f"{name}-{i}") == name.encode() for i in range(200))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX-only")
def test_a_forked_child_opens_its_own_connection(cache: SqliteCache) -> None:
    cache.put("parent", b"p", 60)  # the parent's thread now holds a connection
    pid = os.fork()
    if pid == 0:  # child: must not reuse the parent's connection
        ok = cache.get("parent") == b"p"
        cache.put("child", b"c", 60)
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert cache.get("child") == b"c" and cache.get("parent") == b"p"


# --- SQLite backend: damage and outages ------------------------------------------------------

def test_a_file_that_is_not_a_database_is_moved_aside(tmp_path: Path, caplog) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"this is not SQLite\n" * 500)
    (tmp_path / f"{FILE_NAME}-wal").write_bytes(b"stale wal")
    with caplog.at_level(logging.WARNING), open_cache(None, tmp_path) as c:
        assert c.get("k") is None
        c.put("k", b"fresh", 60)
        assert c.get("k") == b"fresh" and c.ping()
    aside = sorted(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))
    assert aside and aside[0].read_bytes().startswith(b"this is not SQLite")
    wal = tmp_path / f"{FILE_NAME}-wal"  # the stale WAL is not applied to the new file
    assert not wal.exists() or wal.read_bytes() != b"stale wal"
    assert "damaged" in caplog.text


def test_damage_found_while_running_is_repaired(tmp_path: Path, caplog) -> None:
    with SqliteCache(tmp_path) as c:
        for i in range(200):
            c.put(f"k{i}", os.urandom(500), 600)
    with SqliteCache(tmp_path) as c:  # opens fine: only the schema page is read
        with open(c.path, "r+b") as f:  # now scribble over every page but the first
            f.seek(4096)
            f.write(b"\xa5" * (c.path.stat().st_size - 4096))
        with caplog.at_level(logging.WARNING):
            assert c.get("k1") is None  # meets the damage: a miss, not an exception
        assert "damaged" in caplog.text
        c.put("k1", b"again", 60)
        assert c.get("k1") == b"again" and c.ping()
    aside = sorted(p.name for p in tmp_path.glob(f"{FILE_NAME}.corrupt-*"))
    assert len(aside) == 3 and aside[1:] == [aside[0] + "-shm", aside[0] + "-wal"]


def test_lost_data_dir_is_an_outage_logged_once(tmp_path: Path, caplog) -> None:
    data = tmp_path / "data"
    with SqliteCache(data) as c, caplog.at_level(logging.WARNING):
        c.put("k", b"v", 60)
        shutil.rmtree(data)
        for _ in range(20):
            assert c.get("k") is None
            c.put("k", b"v", 60)
        assert c.ping() is False
        assert caplog.text.count("cache unavailable") == 1
        data.mkdir()
        assert c.ping() is True
        c.put("k", b"back", 60)
        assert c.get("k") == b"back"
        assert caplog.text.count("available again") == 1
