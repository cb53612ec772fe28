"""The library's entry points."""

from __future__ import annotations

from .extract import pipeline
from .model import Article
from .options import Options
from .rules import RuleSet

__all__ = ["extract"]

_DEFAULT_OPTIONS = Options()


def extract(html: str | bytes, url: str | None = None, *, options: Options | None = None,
            charset: str | None = None, rules: RuleSet | None = None) -> Article:
    """Extract the article from a whole HTML document.

    Parameters:
        html: the document, as text or as bytes (decoded by BOM, ``charset``, ``<meta
            charset>``, then detection).
        url: the page's address, used to resolve links and images and to pick site rules.
        options: thresholds and switches; ``Options()`` when not given.
        charset: the charset the transport declared (e.g. the HTTP ``Content-Type``).
        rules: site rules (``plainpage.rules.load_dir("rules")``); the one matching the
            ``url``'s host is applied. None: generic extraction only.

    Returns:
        An ``Article``; its text is empty and its confidence 0 when nothing was found.

    Raises:
        NotHTML: the bytes are a PDF, an image, an archive or another non-HTML format.
        DocumentTooComplex: the pre-scan refused the document (limits in ``Options``).

    Example:
        >>> extract("<html><body><article><p>Hello, reader.</p></article></body></html>").text
        'Hello, reader.'
    """
    return pipeline.run(html, url, options or _DEFAULT_OPTIONS, charset, rules)
