"""The one exception hierarchy of plainpage.

* PlainpageError                 every error the library raises on purpose
  + InputError                   the input itself is unusable
    - NotHTML                    bytes that are a PDF, an image, an archive …
    - DocumentTooComplex         refused by the pre-scan before parsing (depth, tag size …)
      · OverBudget               the extraction ran past its time budget (Options.time_budget)
  + RuleError                    a site rule file is broken
    - RuleSyntaxError            not valid TOML
    - RuleSchemaError            valid TOML, but keys, types or selectors are wrong
  + FetchError                   fetching a page failed (raised by plainpage.fetch)
    - InvalidURL                 the URL is not one plainpage will fetch (scheme, syntax …)
    - BlockedDestination         the URL or a redirect leads to a non-public address or port
    - FetchTimeout               the whole fetch took longer than its deadline
    - TooManyRedirects           more redirects than the limit, or a loop
    - TooLarge                   the upstream body is over the decoded-size cap
    - UnsupportedContentType     the upstream answered with something that is not HTML
    - UpstreamStatus             the upstream answered with an error status (upstream_status)
    - UpstreamError              the upstream could not be reached or sent a broken response
    - HostBusy                   too many fetches to the same host are running (retry_after)

Each class carries a stable ``type`` slug, a short ``title`` and the HTTP ``status`` the web
edge answers with; the CLI maps ``exit_code``. Edges translate; nothing below them catches
``Exception``.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "BlockedDestination",
    "DocumentTooComplex",
    "FetchError",
    "FetchTimeout",
    "HostBusy",
    "InputError",
    "InvalidURL",
    "NotHTML",
    "OverBudget",
    "PlainpageError",
    "RuleError",
    "RuleSchemaError",
    "RuleSyntaxError",
    "TooLarge",
    "TooManyRedirects",
    "UnsupportedContentType",
    "UpstreamError",
    "UpstreamStatus",
]


class PlainpageError(Exception):
    """Base class: an error plainpage raises on purpose, with a slug, a title and a status."""

    type: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal error"
    status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InputError(PlainpageError):
    """The document given to plainpage cannot be used."""

    type = "bad-request"
    title = "Bad request"
    status = 400
    exit_code = 3


class NotHTML(InputError):
    """The bytes are a known non-HTML format (PDF, image, archive, …)."""

    type = "not-html"
    title = "Not an HTML document"
    status = 415


class DocumentTooComplex(InputError):
    """The pre-scan refused the document: parsing it would cost far too much CPU."""

    type = "document-too-complex"
    title = "Document too complex"
    status = 422


class OverBudget(DocumentTooComplex):
    """The extraction ran longer than ``Options.time_budget`` and was stopped between two
    steps: the document is accepted by the pre-scan but too costly for this budget."""


class RuleError(PlainpageError):
    """A site rule file is broken; ``path`` and ``line`` point at the problem."""

    type = "rule-error"
    title = "Broken site rule"
    status = 500
    exit_code = 4

    def __init__(self, detail: str, *, path: str = "", line: int | None = None,
                 key: str = "") -> None:
        where = path + (f":{line}" if line else "")
        prefix = f"{where}: " if where else ""
        keypart = f"[{key}] " if key else ""
        super().__init__(f"{prefix}{keypart}{detail}")
        self.path, self.line, self.key = path, line, key


class RuleSyntaxError(RuleError):
    """The rule file is not valid TOML."""


class RuleSchemaError(RuleError):
    """The rule file is TOML but breaks the schema (unknown key, wrong type, bad selector)."""


class FetchError(PlainpageError):
    """Fetching a page failed; subclasses live with the fetcher."""

    type = "fetch-error"
    title = "Fetch failed"
    status = 502
    exit_code = 5


class InvalidURL(FetchError):
    """The URL cannot be fetched as given: not http(s), userinfo, a non-canonical numeric host
    (``2130706433``, ``0x7f.1``, ``127.1``), a zone id, bad syntax. Refused before any I/O."""

    type = "invalid-url"
    title = "Invalid URL"
    status = 400


class BlockedDestination(FetchError):
    """The URL, or one hop of its redirect chain, leads to an address or port that is not
    public (loopback, private, link-local, metadata …) and not in the allowlist.

    403, not 400: the request is well formed and understood; the server refuses to act on it
    by policy (RFC 9110 §15.5.4), and the same answer fits a redirect that turns bad midway.
    """

    type = "blocked-destination"
    title = "Destination not allowed"
    status = 403


class FetchTimeout(FetchError):
    """The fetch (resolving, connecting, every redirect and the whole body) took longer than
    its total deadline."""

    type = "fetch-timeout"
    title = "Upstream timed out"
    status = 504


class TooManyRedirects(FetchError):
    """The upstream redirected more often than allowed (or in a loop)."""

    type = "too-many-redirects"
    title = "Too many redirects"
    status = 502


class TooLarge(FetchError):
    """The upstream's body is over the cap, counted after decompression (gzip bombs too).

    502, not 413: 413 describes the *client's* request content; here the upstream's answer
    is unusable, which is what 502 says. Posted bodies over the web layer's limit are a
    different problem (413, its own type).
    """

    type = "too-large"
    title = "Upstream document too large"
    status = 502


class UnsupportedContentType(FetchError):
    """The upstream answered with something that is not HTML/XHTML, by ``Content-Type`` or by
    its first bytes (a PDF, an image, an archive …)."""

    type = "unsupported-content-type"
    title = "Not an HTML page"
    status = 415


class UpstreamStatus(FetchError):
    """The upstream answered with a status other than 2xx (after redirects).

    ``upstream_status`` keeps the upstream's code so callers can tell 401/402/403 (paywalls,
    logins) from 404 or 5xx; the message names it too. For 401/402/403 with an HTML body,
    ``page`` is that body as a ``plainpage.fetch.Fetched`` (read under the same limits), so
    a caller may show the teaser a paywalled page still carries; otherwise None.
    """

    type = "upstream-status"
    title = "Upstream error status"
    status = 502

    def __init__(self, detail: str, *, upstream_status: int, page: object = None) -> None:
        super().__init__(detail)
        self.upstream_status = upstream_status
        self.page = page


class UpstreamError(FetchError):
    """The upstream could not be reached (name did not resolve, connection refused or reset,
    TLS verification failed) or sent a response that cannot be read (malformed HTTP, an
    unsupported or corrupt ``Content-Encoding``)."""

    type = "upstream-error"
    title = "Upstream unreachable or broken"
    status = 502


class HostBusy(FetchError):
    """Too many fetches to the same host are running at once (the per-host concurrency cap);
    ``retry_after`` is the number of seconds after which a retry is sensible."""

    type = "rate-limited"
    title = "Too many requests"
    status = 429

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
