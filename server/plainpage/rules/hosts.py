"""Host names in site rules: the host a URL is matched on, the patterns a rule may claim
(``example.com``, ``*.example.com``), and whether a host is covered by them."""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["covered", "host_problem", "url_host"]

_NOT_IN_HOST = frozenset("/:@?#*[]\\%")


def url_host(url: str | None) -> str | None:
    """The host rules are matched on: lower-cased, port and trailing dot dropped, IDNA as is.

    A bare ``example.com/path`` counts as a URL without a scheme.
    """
    text = (url or "").strip()
    if not text:
        return None
    try:
        host = urlsplit(text if "//" in text else "//" + text).hostname
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    return (host or "").rstrip(".") or None


def host_problem(pattern: str, *, wildcard: bool) -> str | None:
    """Why ``pattern`` is not a usable host (or, with ``wildcard``, ``*.domain``); else None."""
    wild = wildcard and pattern.startswith("*.")
    name = pattern[2:] if wild else pattern
    if name != name.lower():
        return f"{pattern!r} must be lower case"
    if any(char in _NOT_IN_HOST or char.isspace() for char in name):
        return f"{pattern!r} is not a host name (no scheme, path, port or '*' inside)"
    if not all(name.split(".")):
        return f"{pattern!r} has an empty label"
    if wild and "." not in name:
        return f"{pattern!r} is too broad: a wildcard needs a domain with a dot"
    return None


def covered(patterns: frozenset[str], host: str) -> bool:
    """Whether ``host`` is matched by one of a rule's host patterns."""
    if host in patterns or (host.startswith("www.") and host[4:] in patterns):
        return True
    return any(p.startswith("*.") and host.endswith(p[1:]) for p in patterns)
