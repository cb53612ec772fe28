"""The OpenAPI 3.1 document of the API, built from the same tables the code uses.

Served at ``/openapi.json``. Each response status names exactly the problem ``type`` slugs
that can come with it (from ``problems.PROBLEM_TYPES``), the Article schema follows
``Article.to_dict()`` field for field, and the limits in it (URL length) come from the
settings, so the document and the behaviour cannot drift apart silently; schemathesis checks
the pair in ``tests/test_web_openapi.py``.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, get_args

from .. import __version__
from ..model import (
    Access,
    Article,
    Block,
    BlockType,
    EvidenceSource,
    PaywallEvidence,
    Removed,
    RemovedKind,
)
from .negotiate import FORMATS
from .problems import PROBLEM_TYPES
from .settings import WebSettings

__all__ = ["document"]

_STRING = {"type": "string"}
_INT = {"type": "integer", "minimum": 0}
_HTTP = "^[Hh][Tt][Tt][Pp][Ss]?://"  # the rest of what a fetchable URL is, is policy (guard)
# Statuses each operation can answer with besides 200 (problem+json), by operation.
_EXTRACT_GET = (400, 401, 403, 406, 415, 422, 429, 500, 502, 504)
_EXTRACT_POST = (400, 401, 403, 406, 411, 413, 415, 422, 429, 500, 502, 504)
_RULES = (401, 403, 429, 500)
_PUBLIC = (403, 500)
_HEADERS = {
    401: {"WWW-Authenticate": {"required": True, "schema": _STRING}},
    429: {"Retry-After": {"required": True, "schema": {"type": "string",
                                                        "pattern": "^[0-9]+$"}}},
}


def document(settings: WebSettings) -> dict[str, Any]:
    """The OpenAPI document for a service configured with ``settings``."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "plainpage", "version": __version__,
                 "description": "The article of a web page and nothing else. Errors are RFC "
                 "9457 problem details; `type` is a slug from the Problem schema."},
        "paths": {
            "/v1/extract": {"get": _extract_get(settings), "post": _extract_post(settings)},
            "/v1/rules": {"get": _operation("rules", "Site rules loaded", _RULES,
                                            _json_ok({"$ref": "#/components/schemas/Rules"}))},
            "/healthz": {"get": _operation("healthz", "Liveness and cache reachability",
                                           _PUBLIC, _json_ok(_HEALTH), public=True)},
            "/openapi.json": {"get": _operation("openapi", "This document", _PUBLIC,
                                                _json_ok({"type": "object"}), public=True)},
        },
        "components": {
            "schemas": {"Problem": _problem_schema(), **_model_schemas(),
                        "Rules": _RULES_SCHEMA, "ExtractRequest": _request_schema(settings)},
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "Personal mode: the install's token (DATA_DIR/token or "
                "PLAINPAGE_TOKEN). Shared mode: an API key."}},
        },
    }


def _operation(op_id: str, summary: str, statuses: tuple[int, ...],
               ok: dict[str, Any], *, public: bool = False, **extra: Any) -> dict[str, Any]:
    responses = {"200": ok} | {str(code): _problem_response(code) for code in statuses}
    return {"operationId": op_id, "summary": summary,
            "security": [] if public else [{"bearer": []}], **extra, "responses": responses}


def _json_ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "OK", "content": {"application/json": {"schema": schema}}}


def _article_ok() -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"schema": {
        "$ref": "#/components/schemas/Article"}}}
    for fmt, media in FORMATS.items():
        if fmt != "json":
            content[media] = {"schema": _STRING}
    return {"description": "The Article (JSON) or one rendering of it, as negotiated by "
            "`Accept` or `format`.", "content": content,
            "headers": {"Plainpage-Cache": {
                "schema": {"enum": ["hit", "revalidated", "miss"]},
                "description": "URL fetches only: a fresh cached result, a stored one the "
                "site confirmed unchanged (304), or a fetch"}}}


_FORMAT = {"name": "format", "in": "query", "required": False,
           "description": "Overrides Accept: json (default), text, markdown or html.",
           "schema": {"enum": list(FORMATS)}}


def _extract_get(settings: WebSettings) -> dict[str, Any]:
    url = {"name": "url", "in": "query", "required": True, "description": "The page to fetch.",
           "schema": _url_schema(settings)}
    return _operation("extractUrl", "Fetch a URL and extract its article", _EXTRACT_GET,
                      _article_ok(), parameters=[url, _FORMAT])


def _extract_post(settings: WebSettings) -> dict[str, Any]:
    body = {"required": True, "content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/ExtractRequest"}}}}
    return _operation("extract", "Extract from posted HTML, or fetch a posted URL",
                      _EXTRACT_POST, _article_ok(), parameters=[_FORMAT], requestBody=body)


def _url_schema(settings: WebSettings) -> dict[str, Any]:
    return {"type": "string", "pattern": _HTTP, "maxLength": settings.fetch.max_url_length}


def _problem_response(status: int) -> dict[str, Any]:
    slugs = [slug for slug, kind in PROBLEM_TYPES.items() if kind.status == status]
    schema = {"allOf": [{"$ref": "#/components/schemas/Problem"},
                        {"properties": {"type": {"enum": slugs}, "status": {"const": status}}}]}
    response: dict[str, Any] = {"description": ", ".join(slugs),
                                "content": {"application/problem+json": {"schema": schema}}}
    if status in _HEADERS:
        response["headers"] = _HEADERS[status]
    return response


def _problem_schema() -> dict[str, Any]:
    return {
        "type": "object", "description": "RFC 9457 problem details. Types: " + "; ".join(
            f"`{slug}` ({kind.status}): {kind.meaning}" for slug, kind in PROBLEM_TYPES.items()),
        "required": ["type", "title", "status", "detail"], "additionalProperties": False,
        "properties": {
            "type": {"enum": list(PROBLEM_TYPES)}, "title": _STRING,
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": _STRING, "instance": {"type": "string", "pattern": "^urn:uuid:"},
            "upstream_status": {"type": "integer", "minimum": 100, "maximum": 599},
            "retry_after": {"type": "integer", "minimum": 1}},
    }


def _request_schema(settings: WebSettings) -> dict[str, Any]:
    return {
        "type": "object", "additionalProperties": False, "minProperties": 1,
        "description": '{"url"}: the server fetches it. {"html", "url"?}: the document is '
        "extracted as posted; url is its address (resolves links), never fetched.",
        "properties": {
            "url": _url_schema(settings),
            "html": {"type": "string"}},
    }


# A cache that does not answer is "unavailable" with a 200, never a 503: extraction works
# without it, and instances sharing one Redis must not all leave a load balancer at once.
_HEALTH = {"type": "object", "required": ["status", "version", "cache"],
           "additionalProperties": False,
           "properties": {"status": {"const": "ok"}, "version": _STRING,
                          "cache": {"enum": ["ok", "off", "unavailable"]}}}

_RULES_SCHEMA = {
    "type": "object", "required": ["version", "rules", "hosts", "problems"],
    "additionalProperties": False,
    "properties": {"version": _STRING, "rules": _INT, "problems": _INT,
                   "hosts": {"type": "array", "items": _STRING}},
}

def _field_schemas(cls: type) -> dict[str, Any]:
    """JSON schemas of a model dataclass's fields, from their annotations."""
    return {f.name: _TYPES[str(f.type)] for f in fields(cls)}


# Annotation (as written in plainpage.model) → JSON schema. A new annotation there fails
# document() with a KeyError in the tests, instead of the document drifting.
_TYPES: dict[str, dict[str, Any]] = {
    "str": _STRING, "str | None": {"type": ["string", "null"]},
    "bool": {"type": "boolean"}, "int": _INT, "float": {"type": "number"},
    "BlockType": {"enum": list(get_args(BlockType))},
    "RemovedKind": {"enum": list(get_args(RemovedKind))},
    "EvidenceSource": {"enum": list(get_args(EvidenceSource))},
    "Access | None": {"enum": [*get_args(Access), None]},
    "tuple[str, ...]": {"type": "array", "items": _STRING},
    "tuple[PaywallEvidence, ...]": {
        "type": "array", "items": {"$ref": "#/components/schemas/PaywallEvidence"}},
    "tuple[Block, ...]": {"type": "array", "items": {"$ref": "#/components/schemas/Block"}},
    "tuple[Removed, ...]": {"type": "array",
                            "items": {"$ref": "#/components/schemas/Removed"}},
    "tuple[tuple[str, ...], ...]": {"type": "array",
                                    "items": {"type": "array", "items": _STRING}},
}


def _model_schemas() -> dict[str, Any]:
    """Article, Block, Removed and PaywallEvidence as ``to_dict()`` writes them."""
    block = _field_schemas(Block)
    # Block.to_dict leaves out the type-specific fields that are empty, so only these four
    # are always there, and a present language/src is never null.
    block |= {"language": _STRING, "src": _STRING}
    return {
        "Article": {"type": "object", "additionalProperties": False,
                    "required": [f.name for f in fields(Article)],
                    "properties": _field_schemas(Article)},
        "Block": {"type": "object", "additionalProperties": False,
                  "required": ["type", "text", "html", "markdown"], "properties": block},
        "Removed": {"type": "object", "additionalProperties": False,
                    "required": [f.name for f in fields(Removed)],
                    "properties": _field_schemas(Removed)},
        "PaywallEvidence": {"type": "object", "additionalProperties": False,
                            "required": [f.name for f in fields(PaywallEvidence)],
                            "properties": _field_schemas(PaywallEvidence)},
    }
