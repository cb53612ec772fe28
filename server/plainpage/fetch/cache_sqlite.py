"""The embedded cache backend: one SQLite file, ``cache.sqlite3``, in the data dir.

* Safe for threads and processes: each thread (of each process) has its own connection, the
  database runs in WAL mode so readers never wait for the writer, and SQLite's file locking
  serialises writers of several gunicorn workers. A connection opened before a fork is never
  reused in the child.
* Expiry uses wall-clock time (``time.time``), which all processes share; expired rows are
  misses at once and are deleted by the periodic maintenance (every ``maintain_every`` puts
  of a process), which also evicts the least recently used rows down to 90 % of the caps
  (``max_rows``, ``max_bytes``). "Used" is refreshed at most once a minute per row so that
  reads do not turn into writes.
* A file that is not a database, or whose pages are damaged, is moved aside
  (``cache.sqlite3.corrupt-<time>-<pid>``, its -wal/-shm too) and a fresh one is started,
  both at open and when a query meets the damage later. Any other SQLite error is an outage
  (see ``cache.OutageLog``): misses and no-op puts until the database works again.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .cache import MAX_VALUE_BYTES, OutageLog, ResultCache

__all__ = ["FILE_NAME", "SqliteCache"]

FILE_NAME = "cache.sqlite3"
_TOUCH_EVERY = 60.0  # seconds; finer LRU order is not worth a write per hit
_T = TypeVar("_T")
# Bump _SCHEMA_VERSION when _SCHEMA changes: a file of another version is emptied and rebuilt
# (it is only a cache), inside one write transaction so concurrent openers agree.
_SCHEMA_VERSION = 1
_SCHEMA = (
    "DROP TABLE IF EXISTS entries",
    """CREATE TABLE entries (
        key     TEXT PRIMARY KEY,
        expires REAL NOT NULL,
        used    REAL NOT NULL,
        size    INTEGER NOT NULL,
        value   BLOB NOT NULL  -- last, so scans of the other columns skip its pages
    )""",
    "CREATE INDEX entries_expires ON entries (expires)",
    # covers the size sums and the eviction order, so upkeep never reads the values' pages
    "CREATE INDEX entries_used ON entries (used, size)",
    f"PRAGMA user_version = {_SCHEMA_VERSION}",
)
# Keep the most recently used rows while both running totals stay within the targets.
_EVICT = """
DELETE FROM entries WHERE rowid IN (
    SELECT rowid FROM (
        SELECT rowid,
               row_number() OVER recent AS n,
               sum(size) OVER recent AS total
        FROM entries
        WINDOW recent AS (ORDER BY used DESC ROWS UNBOUNDED PRECEDING)
    ) WHERE n > ? OR total > ?
)
"""

log = logging.getLogger(__name__.rpartition(".")[0] + ".cache")


class SqliteCache(ResultCache):
    """``ResultCache`` in ``data_dir / "cache.sqlite3"``; ``clock`` is injectable for tests."""

    def __init__(  # noqa: PLR0913 -- every argument is a documented knob with a default
        self, data_dir: Path, *, max_rows: int = 10_000, max_bytes: int = 200 * 1024 * 1024,
        max_value_bytes: int = MAX_VALUE_BYTES, maintain_every: int = 64,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(max_value_bytes=max_value_bytes)
        if max_rows < 1 or max_bytes < 1 or maintain_every < 1:
            raise ValueError("max_rows, max_bytes and maintain_every must be positive")
        self.path = Path(data_dir) / FILE_NAME
        self.max_rows, self.max_bytes = max_rows, max_bytes
        self._maintain_every = maintain_every
        self._clock = clock
        self._puts = itertools.count(1)
        self._local = threading.local()
        self._lock = threading.Lock()  # guards _conns and recovery
        self._conns: list[tuple[int, sqlite3.Connection]] = []  # (pid, connection)
        self._outage = OutageLog("SQLite")
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            self._connection()  # fail at start on an unusable dir; repair a corrupt file now
        except sqlite3.DatabaseError as exc:
            if not _is_corrupt(exc):
                raise OSError(f"cannot open the cache database {self.path}: {exc}") from exc
            self._recover(exc, None)
            self._connection()

    # --- ResultCache ---------------------------------------------------------------------

    def _get(self, key: str) -> bytes | None:
        now = self._clock()

        def read(conn: sqlite3.Connection) -> bytes | None:
            row = conn.execute(
                "SELECT value, expires, used FROM entries WHERE key = ?", (key,)).fetchone()
            if row is None or row[1] <= now or type(row[0]) is not bytes:
                return None
            if now - row[2] > _TOUCH_EVERY:
                with contextlib.suppress(sqlite3.OperationalError):  # busy: keep the hit
                    conn.execute("UPDATE entries SET used = ? WHERE key = ?", (now, key))
            return row[0]

        return self._run(read, None)

    def _put(self, key: str, value: bytes, ttl: float) -> None:
        now = self._clock()
        maintain = next(self._puts) % self._maintain_every == 0

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT OR REPLACE INTO entries (key, expires, used, size, value) "
                "VALUES (?, ?, ?, ?, ?)", (key, now + ttl, now, len(value), value))
            if maintain:
                self._maintain(conn, now)

        self._run(write, None)

    def ping(self) -> bool:
        def probe(conn: sqlite3.Connection) -> bool:
            conn.execute("SELECT 1 FROM entries LIMIT 1").fetchall()
            return True

        return self._run(probe, False)

    def close(self) -> None:
        with self._lock:
            conns, self._conns = self._conns, []
        for pid, conn in conns:
            if pid == os.getpid():  # never close a connection inherited through fork
                conn.close()

    # --- maintenance ---------------------------------------------------------------------

    def maintain(self) -> None:
        """Delete expired rows and evict down to the caps now (normally done every
        ``maintain_every`` puts)."""
        now = self._clock()
        self._run(lambda conn: self._maintain(conn, now), None)

    def _maintain(self, conn: sqlite3.Connection, now: float) -> None:
        conn.execute("DELETE FROM entries WHERE expires <= ?", (now,))
        rows, size = conn.execute(
            "SELECT count(*), total(size) FROM entries INDEXED BY entries_used").fetchone()
        if rows > self.max_rows or size > self.max_bytes:
            # Down to 90 % so the next few puts do not each trigger an eviction.
            conn.execute(_EVICT, (self.max_rows * 9 // 10, self.max_bytes * 9 // 10))

    # --- connections and failures --------------------------------------------------------

    def _run(self, op: Callable[[sqlite3.Connection], _T], failed: _T) -> _T:
        conn = None
        try:
            conn = self._connection()
            result = op(conn)
        except (sqlite3.Error, OSError) as exc:  # OSError: the data dir went away
            try:
                if isinstance(exc, sqlite3.Error) and _is_corrupt(exc):
                    self._recover(exc, conn)
                else:
                    self._outage.failed(exc)
            except OSError as moving:
                self._outage.failed(moving)
            return failed
        self._outage.ok()
        return result

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, (re)opened after a fork or when the file was replaced."""
        local = self._local
        try:
            inode = self.path.stat().st_ino
        except FileNotFoundError:
            inode = None  # deleted (or moved aside): open a new file
        conn: sqlite3.Connection | None = getattr(local, "conn", None)
        if conn is not None and local.pid == os.getpid() and local.inode == inode:
            return conn
        if conn is not None and local.pid == os.getpid():
            self._forget(conn)
        conn = self._open()
        local.conn, local.pid, local.inode = conn, os.getpid(), self.path.stat().st_ino
        return conn

    def _open(self) -> sqlite3.Connection:
        if not self.path.exists():
            # Created private before SQLite does (its -wal/-shm copy the file's mode).
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        # isolation_level=None: every statement commits by itself, no long transactions;
        # check_same_thread=False only so close() may close other threads' connections.
        conn = sqlite3.connect(self.path, timeout=1.0, isolation_level=None,
                               check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; a cache may lose a put
            conn.execute("PRAGMA journal_size_limit=67108864")
            _ensure_schema(conn)
        except sqlite3.Error:
            conn.close()
            raise
        with self._lock:
            self._conns.append((os.getpid(), conn))
        return conn

    def _forget(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            self._conns = [(p, c) for p, c in self._conns if c is not conn]
        conn.close()

    def _recover(self, exc: sqlite3.Error, conn: sqlite3.Connection | None) -> None:
        """Move the damaged file aside, unless another thread or process already did."""
        with self._lock:
            seen = getattr(self._local, "inode", None) if conn is not None else None
            try:
                current = self.path.stat().st_ino
            except FileNotFoundError:
                current = None
            if conn is None or current == seen:
                aside = f"{self.path}.corrupt-{int(time.time())}-{os.getpid()}"
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(f"{self.path}{suffix}"):
                        os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
                log.warning("SQLite cache file was damaged (%s); moved it to %s and started "
                            "a new one", exc, aside)
        if conn is not None:
            self._local.conn = None
            self._forget(conn)


def _ensure_schema(conn: sqlite3.Connection) -> None:
    def current() -> bool:
        return conn.execute("PRAGMA user_version").fetchone()[0] == _SCHEMA_VERSION

    if current():
        return
    conn.execute("BEGIN IMMEDIATE")  # concurrent openers wait here, then see it done
    try:
        if not current():
            for statement in _SCHEMA:
                conn.execute(statement)
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):  # keep the original error
            conn.execute("ROLLBACK")
        raise


def _is_corrupt(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
