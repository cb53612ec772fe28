"""URL resolution that never raises: pages carry malformed URLs ("http://[2025]/"), and
Python's ``urljoin``/``urlsplit`` raise ``ValueError`` on some of them."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit


def join(base: str | None, href: str) -> str | None:
    """``href`` resolved against ``base`` (``href`` itself without a base); None when
    either cannot be parsed."""
    try:
        return urljoin(base, href) if base else (urlsplit(href) and href)
    except ValueError:
        return None


def parseable(url: str | None) -> str | None:
    """``url`` when Python can split it and read its host, else None."""
    if not url:
        return None
    try:
        urlsplit(url).hostname  # noqa: B018 — reading it is the check (it can raise)
    except ValueError:
        return None
    return url


def hostname(url: str | None) -> str:
    """The lower-cased host of ``url``, or "" when it has none or cannot be parsed."""
    try:
        return urlsplit(url or "").hostname or ""
    except ValueError:
        return ""
