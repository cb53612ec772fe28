"""On-disk cache of the slow third-party peers' outputs (trafilatura, readability-lxml).

Their versions are pinned, so re-running them on every tuning run of plainpage would only
burn minutes. An entry is used only when the page's HTML hash matches and the peer's
fingerprint (package version + adapter source) is the one it was written under. Timing
never comes from here: timed pages are always run fresh.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .peers import Result


def html_key(html: str) -> str:
    """Content hash of a page, so an edited corpus file is never served a stale output."""
    return hashlib.sha1(html.encode("utf-8", "surrogatepass")).hexdigest()


class OutputCache:
    """Outputs per (peer fingerprint, source corpus), one JSON file each, saved on demand."""

    def __init__(self, directory: Path, fingerprints: dict[str, str]) -> None:
        self._dir = directory
        self._fingerprints = fingerprints
        self._tables: dict[tuple[str, str], dict[str, Any]] = {}
        self._dirty: set[tuple[str, str]] = set()

    def _table(self, peer: str, source: str) -> dict[str, Any]:
        key = (peer, source)
        if key not in self._tables:
            path = self._path(peer, source)
            try:
                self._tables[key] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._tables[key] = {}
        return self._tables[key]

    def _path(self, peer: str, source: str) -> Path:
        return self._dir / self._fingerprints[peer] / f"{source}.json"

    def get(self, peer: str, source: str, page_id: str,
            digest: str) -> tuple[Result, str | None] | None:
        """(result, error) stored for this exact page, or None."""
        if peer not in self._fingerprints:
            return None
        entry = self._table(peer, source).get(page_id)
        if not entry or entry.get("sha") != digest:
            return None
        return Result.from_json(entry["result"]), entry.get("error")

    def put(self, peer: str, source: str, page_id: str, digest: str, result: Result,
            error: str | None) -> None:
        """Remember one output (written by ``save``)."""
        if peer not in self._fingerprints:
            return
        self._table(peer, source)[page_id] = {"sha": digest, "result": result.to_json(),
                                              "error": error}
        self._dirty.add((peer, source))

    def save(self) -> None:
        """Write every table changed since the last save."""
        for peer, source in sorted(self._dirty):
            path = self._path(peer, source)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._tables[(peer, source)], ensure_ascii=False),
                           encoding="utf-8")
            tmp.replace(path)
        self._dirty.clear()
