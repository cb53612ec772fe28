"""plainpage.fetch: fetch one HTML page from the web without becoming a proxy into a network.

>>> page = fetch("https://example.org/a", FetchConfig())          # doctest: +SKIP
>>> article = plainpage.extract(page.body, page.url, charset=page.charset)  # doctest: +SKIP

``fetch`` refuses anything that is not a public http(s) address on an allowed port (checked on
the URL, on every DNS answer and on every redirect hop, at connect time), stops at a total
deadline, caps the decoded body, and accepts HTML/XHTML only. Settings come in a frozen
``FetchConfig``; the library never reads ``os.environ`` itself: an edge calls
``FetchConfig.from_env(os.environ)``. Errors are the ``FetchError`` subclasses of
``plainpage.errors``. ``guard`` holds the policy (URL and address checks, the allowlist, the
resolvers), ``client`` the HTTP part (GET, redirects, errors), ``transport`` the guarded
connections under it, ``body`` the bounded decoding and sniffing of the body,
``hostcap`` the per-host concurrency cap (``fetch(…, hostcap=…)``), ``cache`` the result cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .. import __version__
from .client import Fetched, fetch
from .guard import (
    DEFAULT_PORTS,
    AllowEntry,
    Resolver,
    StaticResolver,
    SystemResolver,
    parse_allow_private,
)

__all__ = [
    "PROJECT_URL",
    "USER_AGENT",
    "AllowEntry",
    "FetchConfig",
    "Fetched",
    "Resolver",
    "StaticResolver",
    "SystemResolver",
    "fetch",
    "parse_allow_private",
]

#: Where a site operator who sees our User-Agent in a log can read what plainpage is.
PROJECT_URL = "https://github.com/plainpage/plainpage"
USER_AGENT = f"plainpage/{__version__} (+{PROJECT_URL})"


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchConfig:
    """Limits and policy for ``fetch``; every field has a safe default.

    ``allow_private`` opens exactly what each entry lists (see ``guard.AllowEntry``); it is
    empty by default, so only public addresses on ports 80 and 443 (plus ``extra_ports``) can
    be reached. ``ca_file`` adds a CA bundle (PEM) to certifi's, for an intranet's own CA.
    ``allow_https_downgrade=False`` refuses redirects from https to http (shared mode).
    """

    total_timeout: float = 15.0
    connect_timeout: float = 5.0
    read_timeout: float = 5.0
    max_body_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    max_url_length: int = 2048
    extra_ports: frozenset[int] = frozenset()
    allow_private: tuple[AllowEntry, ...] = ()
    allow_https_downgrade: bool = True
    ca_file: str | None = None
    user_agent: str = USER_AGENT
    allowed_ports: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("total_timeout", "connect_timeout", "read_timeout"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be a positive number of seconds")
        if self.max_body_bytes < 1 or self.max_redirects < 0 or self.max_url_length < 1:
            raise ValueError("max_body_bytes and max_url_length must be positive, "
                             "max_redirects not negative")
        if not all(isinstance(p, int) and 0 < p < 65536 for p in self.extra_ports):
            raise ValueError("extra_ports must be port numbers from 1 to 65535")
        if not all(isinstance(e, AllowEntry) for e in self.allow_private):
            raise ValueError("allow_private holds AllowEntry values (see parse_allow_private)")
        object.__setattr__(self, "allowed_ports", DEFAULT_PORTS | frozenset(self.extra_ports))

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> FetchConfig:
        """A config from environment-style settings (pass ``os.environ`` or a dict).

        ``PLAINPAGE_ALLOW_PRIVATE``: comma-separated ``host:port`` or CIDR entries, e.g.
        ``wiki.corp:80,10.1.0.0/16``. ``PLAINPAGE_FETCH_PORTS``: comma-separated extra ports
        for public sites, e.g. ``8080,8443``. Anything unparseable raises ValueError naming
        the variable and the entry.
        """
        try:
            allow = parse_allow_private(environ.get("PLAINPAGE_ALLOW_PRIVATE", ""))
        except ValueError as exc:
            raise ValueError(f"PLAINPAGE_ALLOW_PRIVATE: {exc}") from None
        ports: set[int] = set()
        for part in environ.get("PLAINPAGE_FETCH_PORTS", "").split(","):
            if part.strip():
                if not part.strip().isdigit():
                    raise ValueError(f"PLAINPAGE_FETCH_PORTS: {part.strip()!r} is not a port")
                ports.add(int(part))
        return cls(allow_private=allow, extra_ports=frozenset(ports))

    def replace(self, **changes: Any) -> FetchConfig:
        """A copy with some fields changed (checked again)."""
        return replace(self, **changes)
