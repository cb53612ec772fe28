"""The API's one blueprint: thin views that read the request, call the Service, answer.

* ``POST /v1/extract`` — JSON ``{"url": …}`` (the server fetches) or ``{"html": …,
  "url": …}`` (the document the browser already has; ``url`` is only its address and is
  never fetched). No other keys.
* ``GET /v1/extract?url=…`` — the same as ``{"url": …}``.
* ``GET /v1/rules`` — the site rules loaded: hosts, version, count of broken files.
* ``GET /healthz`` and ``GET /openapi.json`` — no credentials needed.

Request bodies: ``application/json`` only; at most ``max_request_bytes``, checked from
``Content-Length`` by Werkzeug (``MAX_CONTENT_LENGTH``) and, for chunked bodies, by reading
at most one byte more than the limit here (Werkzeug would silently truncate them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, g, request

from .. import __version__
from . import negotiate
from .problems import Problem

if TYPE_CHECKING:
    from .service import Service

__all__ = ["PUBLIC_ENDPOINTS", "PUBLIC_VIEWS", "bp"]

bp = Blueprint("plainpage", __name__)

_KEYS = frozenset({"url", "html"})
_CHUNK = 64 * 1024
# Query parameters each view reads; any other is refused, as unknown JSON keys are.
_QUERY = {"plainpage.extract_get": frozenset({"url", "format"}),
          "plainpage.extract_post": frozenset({"format"})}


@dataclass(frozen=True, slots=True)
class ExtractRequest:
    """A validated ``POST /v1/extract`` body."""

    url: str | None
    html: str | None


def _service() -> Service:
    service: Service = current_app.extensions["plainpage"]
    return service


@bp.before_request
def _check_query() -> None:
    unknown = sorted(set(request.args) - _QUERY.get(request.endpoint or "", frozenset()))
    if unknown:
        shown = ", ".join(repr(name[:40]) for name in unknown[:5])
        raise Problem("bad-request", f"unknown query parameter(s) {shown}")


def _format() -> str:
    return negotiate.choose(request.args.get("format"), request.accept_mimetypes,
                            bool(request.headers.get("Accept", "").strip()))


@bp.post("/v1/extract")
def extract_post() -> Response:
    """Extract from a posted document, or fetch the posted URL and extract."""
    fmt = _format()
    service = _service()
    body = parse_body(read_json(service.settings.max_request_bytes),
                      service.settings.fetch.max_url_length)
    if body.html is None:
        return _from_url(str(body.url), fmt)
    article = service.article_for_html(body.html, body.url)
    return negotiate.render(article, fmt)


@bp.get("/v1/extract")
def extract_get() -> Response:
    """Fetch ``?url=`` and extract."""
    fmt = _format()
    url = request.args.get("url")
    if url is None:
        raise Problem("bad-request", "the 'url' query parameter is required")
    return _from_url(url, fmt)


def _from_url(url: str, fmt: str) -> Response:
    article, state = _service().article_for_url(url, g.client)
    response = negotiate.render(article, fmt)
    response.headers["Plainpage-Cache"] = state
    return response


@bp.get("/v1/rules")
def rules() -> Response:
    """The hosts that have site rules, the rule-set version, how many files are broken."""
    ruleset = _service().rules
    hosts = sorted({pattern for rule in ruleset.rules for pattern in rule.patterns})
    return _json({"version": ruleset.version, "rules": len(ruleset.rules), "hosts": hosts,
                  "problems": len(ruleset.problems)})


@bp.get("/healthz")
def healthz() -> Response:
    """200 while the service answers; ``cache`` says whether its cache backend does.

    A dead cache is reported, not failed on: extraction works without it (lookups miss,
    writes are skipped), and a 503 here would make a load balancer drop every instance at
    once when their shared Redis goes down."""
    cache = _service().cache
    state = "off" if cache is None else "ok" if cache.ping() else "unavailable"
    return _json({"status": "ok", "version": __version__, "cache": state})


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return _json(_service().document)


PUBLIC_VIEWS = (healthz, openapi_document)
PUBLIC_ENDPOINTS = frozenset({"plainpage.healthz", "plainpage.openapi_document"})


def _json(data: Any) -> Response:
    return Response(json.dumps(data), mimetype="application/json")


# --- request bodies -------------------------------------------------------------------------


def read_json(limit: int) -> Any:
    """The request body parsed as JSON, or Problem (415, 411, 413, 400)."""
    if request.mimetype != "application/json":
        raise Problem("unsupported-media-type", "send the body as application/json")
    raw = _read_body(limit)
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # bad JSON, bad UTF-8, nesting past the stack
        raise Problem("bad-request", "the body is not valid JSON") from None


def _read_body(limit: int) -> bytes:
    if request.content_length is not None:
        return request.get_data(cache=False)  # MAX_CONTENT_LENGTH has refused larger ones
    environ = request.environ
    if not environ.get("wsgi.input_terminated"):
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            raise Problem("length-required", "this server cannot read chunked bodies")
        return b""
    # Chunked: read the raw stream ourselves, one byte past the limit at most, because
    # Werkzeug's limited stream stops at the limit and hands back a truncated body.
    stream, parts, size = environ["wsgi.input"], [], 0
    while size <= limit:
        part = stream.read(min(_CHUNK, limit + 1 - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    if size > limit:
        raise Problem("payload-too-large", f"the body is larger than {limit} bytes")
    return b"".join(parts)


def parse_body(data: Any, max_url_length: int) -> ExtractRequest:
    """Check the JSON body's shape: an object with ``url`` and/or ``html`` strings only."""
    if not isinstance(data, dict):
        raise Problem("bad-request", "the body must be a JSON object")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        shown = ", ".join(repr(key[:40]) for key in unknown[:5])
        raise Problem("bad-request", f"unknown key(s) {shown}; allowed: html, url")
    for key in _KEYS & set(data):
        if not isinstance(data[key], str):
            raise Problem("bad-request", f"'{key}' must be a string")
    url, html = data.get("url"), data.get("html")
    if html is None and url is None:
        raise Problem("bad-request", 'send {"url": …} or {"html": …, "url": …}')
    if html is not None and url is not None:
        _check_page_url(url, max_url_length)
    return ExtractRequest(url=_text(url), html=_text(html))


def _check_page_url(url: str, max_length: int) -> None:
    """A posted page's address is never fetched, but it resolves links: http(s) only."""
    try:
        parts = urlsplit(url) if len(url) <= max_length else None
    except ValueError:  # e.g. an unclosed IPv6 bracket
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise Problem("invalid-url", f"'url' must be an absolute http(s) URL of at most "
                      f"{max_length} characters")


def _text(value: str | None) -> str | None:
    """JSON may carry lone surrogates (``"\\ud800"``); they become U+FFFD, never a crash."""
    if value is None:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value
