"""Who may use the service: Host allowlist, bearer token or API keys, CORS.

* **Host** (every route): a personal-mode service answers only to ``localhost``,
  ``127.0.0.1``, ``::1`` and the address it is bound to, so a web page that rebinds its own
  DNS name to 127.0.0.1 gets 403 ``forbidden-host``. Shared mode checks only a configured
  list.
* **Personal mode**: a random per-install token (``secrets.token_urlsafe(32)``) is created
  on first start in ``DATA_DIR/token`` with mode 0600, or given as ``PLAINPAGE_TOKEN``;
  requests send ``Authorization: Bearer <token>``. The header also makes every cross-site
  browser request non-simple, so it needs a CORS preflight that the service does not grant.
* **Shared mode**: ``Authorization: Bearer <API key>``; keys are kept as SHA-256 only and
  compared in constant time against all of them.
* **CORS**: answered only for the exact configured origins (``PLAINPAGE_CORS_ORIGINS``),
  never ``*``; other origins get no CORS headers at all, so the browser blocks the read.

``/healthz`` and ``/openapi.json`` need no credentials; the Host check applies everywhere.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from .problems import Problem
from .settings import WebSettings, hash_key

__all__ = ["TOKEN_FILE", "Access", "ensure_token", "host_name"]

TOKEN_FILE = "token"
_MIN_TOKEN = 16
_PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, POST",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept",
    "Access-Control-Max-Age": "600",
}
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="plainpage"'}


def ensure_token(data_dir: Path) -> str:
    """The install's token from ``data_dir/token``, created (0600) when missing.

    Several workers may start at once: the token is written to a private temporary file and
    hard-linked into place, so exactly one token wins and nobody reads a half-written file.
    Raises OSError when the directory is unusable and PermissionError when the file is
    readable by other users.
    """
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = data_dir / TOKEN_FILE
    if not path.exists():
        temp = data_dir / f".token-{os.getpid()}-{secrets.token_hex(4)}"
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another worker linked its token first; use that one
        finally:
            temp.unlink()
    return _read_token(path)


def _read_token(path: Path) -> str:
    if path.stat().st_mode & 0o077:
        raise PermissionError(f"{path} is readable by other users; run: chmod 600 {path}")
    token = path.read_text(encoding="ascii", errors="replace").strip()
    if len(token) < _MIN_TOKEN:
        raise PermissionError(f"{path} holds no usable token (delete it to make a new one)")
    return token


def host_name(host: str) -> str:
    """The name part of a Host header, lower-case: ``[::1]:8080`` → ``::1``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    name, sep, port = host.rpartition(":")
    return name if sep and port.isdigit() and ":" not in name else host


class Access:
    """The access policy of one app; built once by ``create_app``."""

    def __init__(self, settings: WebSettings, token: str | None) -> None:
        self.mode = settings.mode
        self.hosts = settings.hosts
        self.origins = settings.cors_origins
        self._key_hashes = tuple(sorted(settings.api_key_hashes))
        self._token_hash = hash_key(token) if token else None
        if self.mode == "personal" and self._token_hash is None:
            raise ValueError("personal mode needs a token")

    def check_host(self, host: str) -> None:
        """Refuse a Host header that is not allowed (403 forbidden-host)."""
        if self.hosts is not None and host_name(host) not in self.hosts:
            raise Problem("forbidden-host", "this service does not answer to that Host name")

    def authenticate(self, authorization: str | None) -> str:
        """The client's rate-limit identity, or 401 unauthorized."""
        scheme, _, credential = (authorization or "").strip().partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise Problem("unauthorized", "send 'Authorization: Bearer <token>'",
                          headers=_CHALLENGE)
        given = hash_key(credential)
        if self._token_hash is not None:
            matched = hmac.compare_digest(given, self._token_hash)
        else:
            matched = False
            for known in self._key_hashes:  # no early exit: time does not tell which key
                matched |= hmac.compare_digest(given, known)
        if not matched:
            raise Problem("unauthorized", "the token or API key is not valid",
                          headers=_CHALLENGE)
        return "token" if self.mode == "personal" else f"key:{given[:16]}"

    def cors_headers(self, origin: str | None, preflight: bool) -> dict[str, str]:
        """CORS headers for a request from ``origin``; none unless it is configured."""
        if not self.origins:
            return {}
        headers = {"Vary": "Origin"}
        if origin is not None and origin in self.origins:
            headers["Access-Control-Allow-Origin"] = origin
            if preflight:
                headers.update(_PREFLIGHT)
        return headers
