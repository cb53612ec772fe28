"""The one exception hierarchy of plainpage.

* PlainpageError                 every error the library raises on purpose
  + InputError                   the input itself is unusable
    - NotHTML                    bytes that are a PDF, an image, an archive …
    - DocumentTooComplex         refused by the pre-scan before parsing (depth, tag size …)
  + RuleError                    a site rule file is broken
    - RuleSyntaxError            not valid TOML
    - RuleSchemaError            valid TOML, but keys, types or selectors are wrong
  + FetchError                   fetching a page failed (raised by plainpage.fetch)

Each class carries a stable ``type`` slug, a short ``title`` and the HTTP ``status`` the web
edge answers with; the CLI maps ``exit_code``. Edges translate; nothing below them catches
``Exception``.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "DocumentTooComplex",
    "FetchError",
    "InputError",
    "NotHTML",
    "PlainpageError",
    "RuleError",
    "RuleSchemaError",
    "RuleSyntaxError",
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
