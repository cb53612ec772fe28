"""Content negotiation for ``/v1/extract``: the whole Article as JSON, or one rendering.

``?format=json|text|markdown|html`` wins over ``Accept``; without either the answer is JSON.
With ``Accept`` the best match among ``application/json``, ``text/plain``,
``text/markdown`` and ``text/html`` is taken (ties go to that order, so ``*/*`` is JSON and
``text/*`` is plain text); an Accept that admits none of them is 406 ``not-acceptable``.
Errors are always ``application/problem+json``, whatever was asked for.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import Response
from werkzeug.datastructures import MIMEAccept

from .problems import Problem

__all__ = ["FORMATS", "choose", "render"]

#: Format name → media type, in tie-break order.
FORMATS: Mapping[str, str] = {
    "json": "application/json",
    "text": "text/plain",
    "markdown": "text/markdown",
    "html": "text/html",
}
_BY_MEDIA = {media: name for name, media in FORMATS.items()}
# The html rendering is a sanitised fragment; if a browser shows it anyway, nothing in it
# may run, load styles or frame it (images only).
_HTML_CSP = "default-src 'none'; img-src http: https:; sandbox; frame-ancestors 'none'"


def choose(format_param: str | None, accept: MIMEAccept, accept_given: bool) -> str:
    """The format name for this request, or Problem (400 bad-request / 406 not-acceptable)."""
    if format_param is not None:
        if format_param not in FORMATS:
            raise Problem("bad-request", f"format must be one of {', '.join(FORMATS)}")
        return format_param
    if not accept_given:
        return "json"
    best = accept.best_match(list(FORMATS.values()))
    if best is None:
        raise Problem("not-acceptable", "Accept one of " + ", ".join(FORMATS.values()))
    return _BY_MEDIA[best]


def render(article: Mapping[str, Any], fmt: str) -> Response:
    """The response for ``fmt``: the Article JSON, or that one field as UTF-8 text."""
    if fmt == "json":
        # ASCII escapes keep any lone surrogate from the input encodable.
        body = json.dumps(article, allow_nan=False)
    else:
        body = str(article.get(fmt) or "")
        if body and not body.endswith("\n"):
            body += "\n"  # curl users get a clean prompt back
        body = body.encode("utf-8", "replace").decode("utf-8")
    response = Response(body, mimetype=FORMATS[fmt])
    response.vary.add("Accept")
    if fmt == "html":
        response.headers["Content-Security-Policy"] = _HTML_CSP
    return response
