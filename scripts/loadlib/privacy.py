"""The privacy check scripts/load ends with: the canary it put in every posted page must be
in no log, no SQLite cache file and no Redis key or value (security notes G5/R15)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def scan_files(root: Path, canary: bytes) -> dict[str, Any]:
    """Every file under ``root`` (logs, gunicorn configs, data dirs with their SQLite cache
    and its -wal/-shm files): how many, how many bytes, which hold the canary."""
    files = sorted(p for p in root.rglob("*") if p.is_file())
    sqlite = [p for p in files if ".sqlite3" in p.name]
    hits = [str(p.relative_to(root)) for p in files if canary in p.read_bytes()]
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files),
            "logs": [str(p.relative_to(root)) for p in files if p.suffix == ".log"],
            "sqlite_files": [str(p.relative_to(root)) for p in sqlite], "hits": hits}


def scan_redis(url: str, canary: bytes) -> dict[str, Any]:
    """``KEYS *`` and every value, whatever its type: how many keys, which hold the canary."""
    import redis  # the service's own dependency; only needed with --instances 2

    with redis.Redis.from_url(url) as client:
        keys = client.keys("*")
        hits = [key.decode(errors="replace") for key in keys
                if canary in key or canary in _value(client, key)]
        return {"keys": len(keys), "value_bytes": sum(len(_value(client, k)) for k in keys),
                "hits": hits}


def _value(client: Any, key: bytes) -> bytes:
    kind = client.type(key)
    if kind == b"string":
        return bytes(client.get(key) or b"")
    if kind == b"hash":
        return b"".join(k + v for k, v in client.hgetall(key).items())
    if kind in (b"list", b"zset", b"set"):
        items = {b"list": lambda: client.lrange(key, 0, -1),
                 b"zset": lambda: client.zrange(key, 0, -1),
                 b"set": lambda: list(client.smembers(key))}[kind]()
        return b"".join(items)
    return b""  # none (expired meanwhile)


def check(workdir: Path, redis_url: str | None, canary: str) -> dict[str, Any]:
    needle = canary.encode()
    found: dict[str, Any] = {"canary": canary, "files": scan_files(workdir, needle)}
    if redis_url:
        found["redis"] = scan_redis(redis_url, needle)
    found["clean"] = not found["files"]["hits"] and not found.get("redis", {}).get("hits")
    return found
