"""RFC 9457 problem details: the one shape every error of the HTTP API has.

Every non-2xx answer is ``application/problem+json`` with ``type``, ``title``, ``status``,
``detail`` and ``instance``; nothing else (no HTML error page, no traceback) ever leaves.

* ``type`` is a **slug** from ``PROBLEM_TYPES`` (e.g. ``"invalid-url"``), the same string
  ``plainpage.errors`` classes carry. RFC 9457 allows a relative URI reference; clients
  compare it as a plain string and branch on it. The set is fixed: a test checks that every
  ``PlainpageError`` subclass and every status the service produces maps into it.
* ``title`` is the type's fixed short title; ``detail`` says what happened this time (never
  exception text from internals); ``instance`` is ``urn:uuid:<request id>``, the id the
  request's log line carries, so an operator can find it.
* Extension members: ``upstream_status`` (type ``upstream-status``: the code the fetched
  site answered, so 401/402/403 — logins and paywalls — stay distinguishable from 404/5xx)
  and ``retry_after`` (type ``rate-limited``, seconds, also sent as ``Retry-After``).

Werkzeug's HTTP exceptions map by status (``_BY_STATUS``); one the table does not know
becomes ``bad-request`` (4xx) or ``internal-error`` (5xx) with its own status kept.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Response
from werkzeug.exceptions import HTTPException

from ..errors import HostBusy, PlainpageError, UpstreamStatus

__all__ = ["PROBLEM_TYPES", "Problem", "ProblemType", "problem_for", "problem_response"]

MEDIA_TYPE = "application/problem+json"

log = logging.getLogger("plainpage.web")


@dataclass(frozen=True, slots=True)
class ProblemType:
    """One documented problem type: its status, title and what it means."""

    status: int
    title: str
    meaning: str


#: Every ``type`` the API answers with, in documentation order.
PROBLEM_TYPES: Mapping[str, ProblemType] = {
    "bad-request": ProblemType(
        400, "Bad request", "The request is malformed: invalid JSON, unknown or missing keys, "
        "wrong types, an unknown format; or a posted document that cannot be used."),
    "invalid-url": ProblemType(
        400, "Invalid URL", "The URL cannot be fetched as given: not absolute http(s), "
        "userinfo, a non-canonical numeric host, a zone id, bad syntax, too long."),
    "unauthorized": ProblemType(
        401, "Unauthorized", "No valid `Authorization: Bearer` token (personal mode) or API "
        "key (shared mode)."),
    "blocked-destination": ProblemType(
        403, "Destination not allowed", "The URL or a redirect leads to a non-public address "
        "or a port that is not allowed."),
    "forbidden-host": ProblemType(
        403, "Host not allowed", "The request's Host header is not one this service answers "
        "to (defence against DNS rebinding)."),
    "not-found": ProblemType(404, "Not found", "No such route."),
    "method-not-allowed": ProblemType(
        405, "Method not allowed", "The route exists but not for this method; see `Allow`."),
    "not-acceptable": ProblemType(
        406, "Not acceptable", "The Accept header names no format the API can produce "
        "(application/json, text/plain, text/markdown, text/html)."),
    "length-required": ProblemType(
        411, "Length required", "A request body without Content-Length that the server "
        "cannot delimit; send Content-Length or use a server that ends chunked bodies."),
    "payload-too-large": ProblemType(
        413, "Request too large", "The request body is over the limit (chunked bodies too)."),
    "unsupported-media-type": ProblemType(
        415, "Unsupported media type", "POST bodies must be `application/json`."),
    "not-html": ProblemType(
        415, "Not an HTML document", "The posted document is a PDF, an image, an archive …"),
    "unsupported-content-type": ProblemType(
        415, "Not an HTML page", "The fetched URL answered with something that is not HTML."),
    "document-too-complex": ProblemType(
        422, "Document too complex", "The pre-scan refused the document (nesting, attribute "
        "count, tag size or element count over the limits), or its extraction ran past the "
        "time budget or the worker's memory limit."),
    "rate-limited": ProblemType(
        429, "Too many requests", "A rate limit was reached (per client, per address, the "
        "fetch quota), or too many fetches to the page's host are running; retry after "
        "`Retry-After` seconds."),
    "internal-error": ProblemType(
        500, "Internal error", "A bug; the log has the details under the `instance` id."),
    "rule-error": ProblemType(500, "Broken site rule", "A site rule file is broken."),
    "fetch-error": ProblemType(502, "Fetch failed", "Fetching the page failed."),
    "upstream-status": ProblemType(
        502, "Upstream error status", "The site answered with an error status, given in "
        "`upstream_status` (401/402/403: a login or paywall)."),
    "too-many-redirects": ProblemType(
        502, "Too many redirects", "The site redirected more than 5 times, or in a loop."),
    "too-large": ProblemType(
        502, "Upstream document too large", "The fetched page is over the size cap, counted "
        "after decompression."),
    "upstream-error": ProblemType(
        502, "Upstream unreachable or broken", "The site could not be resolved or reached, "
        "or sent a broken response."),
    "service-unavailable": ProblemType(
        503, "Service unavailable", "A backend the service needs (the cache) is unreachable."),
    "fetch-timeout": ProblemType(
        504, "Upstream timed out", "The fetch took longer than its total deadline."),
}

_BY_STATUS = {400: "bad-request", 401: "unauthorized", 404: "not-found",
              405: "method-not-allowed", 406: "not-acceptable", 411: "length-required",
              413: "payload-too-large", 415: "unsupported-media-type", 429: "rate-limited",
              500: "internal-error", 503: "service-unavailable"}
_PAYWALL = frozenset({401, 402, 403})
# Headers of werkzeug exceptions worth keeping on the problem (Allow on 405 …).
_KEPT = frozenset({"allow", "www-authenticate", "retry-after"})


class Problem(Exception):
    """A refusal raised by the web layer itself (auth, Host, body checks, limits)."""

    def __init__(self, slug: str, detail: str, *, headers: Mapping[str, str] | None = None,
                 **members: Any) -> None:
        if slug not in PROBLEM_TYPES:
            raise ValueError(f"undocumented problem type {slug!r}")
        super().__init__(detail)
        self.slug, self.detail = slug, detail
        self.headers = dict(headers or {})
        self.members = members


def problem_for(exc: BaseException, instance: str | None = None
                ) -> tuple[dict[str, Any], dict[str, str]]:
    """The problem body and extra headers for any exception the service meets."""
    headers: dict[str, str] = {}
    members: dict[str, Any] = {}
    if isinstance(exc, Problem):
        slug, status, detail = exc.slug, PROBLEM_TYPES[exc.slug].status, exc.detail
        headers, members = exc.headers, exc.members
    elif isinstance(exc, PlainpageError):
        slug, status, detail = _library(exc, members, headers)
    elif isinstance(exc, HTTPException):
        status = exc.code or 500
        slug = _BY_STATUS.get(status, "bad-request" if status < 500 else "internal-error")
        detail = _http_detail(exc, slug)
        headers = {k: v for k, v in exc.get_headers() if k.lower() in _KEPT}
    else:
        slug, status = "internal-error", 500
        detail = PROBLEM_TYPES[slug].meaning
        _log_internal(exc, instance)
    body: dict[str, Any] = {"type": slug, "title": PROBLEM_TYPES[slug].title,
                            "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(members)
    return body, headers


def _library(exc: PlainpageError, members: dict[str, Any], headers: dict[str, str]
             ) -> tuple[str, int, str]:
    if exc.type not in PROBLEM_TYPES:  # a new library error nobody documented yet
        _log_internal(exc, None)
        return "internal-error", 500, PROBLEM_TYPES["internal-error"].meaning
    detail = exc.detail
    if isinstance(exc, UpstreamStatus):
        members["upstream_status"] = exc.upstream_status
        if exc.upstream_status in _PAYWALL:
            detail += (" (a login or a paywall: POST the HTML your browser shows as "
                       '{"html": …, "url": …} instead)')
    if isinstance(exc, HostBusy):  # the per-host concurrency cap
        members["retry_after"] = exc.retry_after
        headers["Retry-After"] = str(exc.retry_after)
    return exc.type, exc.status, detail


def _http_detail(exc: HTTPException, slug: str) -> str:
    if slug in ("not-found", "method-not-allowed", "internal-error"):
        return PROBLEM_TYPES[slug].meaning  # werkzeug's own texts talk about "the browser"
    return exc.description or PROBLEM_TYPES[slug].meaning


def _log_internal(exc: BaseException, instance: str | None) -> None:
    # Frames only: an exception's message may quote the posted document, which never goes
    # into a log (security notes R15).
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("internal error %s: %s\n%s", instance or "-", type(exc).__name__, frames.rstrip())


def problem_response(body: Mapping[str, Any], headers: Mapping[str, str] | None = None
                     ) -> Response:
    """The problem as a response: ``application/problem+json``, UTF-8, never cached."""
    # ASCII escapes: a detail may quote client input with lone surrogates, which UTF-8 refuses.
    response = Response(json.dumps(body), status=int(body["status"]),
                        mimetype=MEDIA_TYPE)
    response.headers.update(dict(headers or {}))
    return response
