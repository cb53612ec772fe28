"""The public result types: what ``plainpage.extract`` hands back.

All are frozen dataclasses, so a result can be shared between threads and cached as is.
``Article.to_dict()`` is the JSON shape the HTTP API answers with.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

__all__ = [
    "Access", "Article", "Block", "BlockType", "EvidenceSource", "PaywallEvidence", "Removed",
    "RemovedKind",
]

BlockType = Literal[
    "heading", "paragraph", "list", "item", "quote", "code", "figure", "table", "rule"
]

#: Why a block was taken out. ``nav``/``hidden``/``noise`` are the core's own cleaning;
#: the others are the boilerplate classes of the classifier and site rules.
RemovedKind = Literal[
    "appeal", "subscribe", "newsletter", "readmore", "share", "comments", "ad", "other",
    "nav", "hidden", "noise",
]

#: Who may read the whole article, as the page or the server states it: ``free`` (everyone),
#: ``metered`` (a few articles a month without a subscription), ``subscriber`` (subscribers).
Access = Literal["free", "metered", "subscriber"]
#: Where a piece of paywall evidence was read (``PaywallEvidence.source``).
EvidenceSource = Literal["json-ld", "meta", "http", "teaser"]


@dataclass(frozen=True, slots=True)
class Block:
    """One typed block of the article, in reading order.

    ``text`` is the block's plain text; ``html`` its sanitised HTML and ``markdown`` its
    Markdown rendering. Type-specific fields are empty where they do not apply:
    ``level`` (heading 1–6), ``ordered`` and ``children`` (list → item blocks; an item's
    children are its nested lists; a quote's children are its blocks), ``language`` (code),
    ``src``/``alt``/``caption`` (figure), ``rows``/``header_rows`` (table cells as text).
    """

    type: BlockType
    text: str = ""
    html: str = ""
    markdown: str = ""
    level: int = 0
    ordered: bool = False
    children: tuple[Block, ...] = ()
    language: str | None = None
    src: str | None = None
    alt: str = ""
    caption: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    header_rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The block as JSON-ready data, leaving out fields that do not apply."""
        data: dict[str, Any] = {"type": self.type, "text": self.text}
        for name in ("level", "ordered", "language", "src", "alt", "caption", "header_rows"):
            value = getattr(self, name)
            if value:
                data[name] = value
        if self.rows:
            data["rows"] = [list(row) for row in self.rows]
        if self.children:
            data["children"] = [child.to_dict() for child in self.children]
        data["html"] = self.html
        data["markdown"] = self.markdown
        return data


@dataclass(frozen=True, slots=True)
class Removed:
    """A block taken out of the article, with what it was and why.

    ``reason`` names the rule file and key, or the generic signals that fired;
    ``selector`` is a CSS path to the block in the source page.
    """

    kind: RemovedKind
    text: str
    reason: str
    selector: str


@dataclass(frozen=True, slots=True)
class PaywallEvidence:
    """One reason behind ``Article.paywalled`` and ``Article.access``.

    ``source`` is where it was read: ``json-ld`` (``isAccessibleForFree``, ``hasPart``),
    ``meta`` (``article:content_tier``), ``http`` (the site answered 401/402/403) or
    ``teaser`` (the text is much shorter than the page says the article is); ``detail`` says
    what was found, for people.
    """

    source: EvidenceSource
    detail: str


@dataclass(frozen=True, slots=True)
class Article:
    """The extracted article with its metadata, renderings and removal report."""

    url: str | None = None
    title: str | None = None
    byline: str | None = None
    published: str | None = None
    modified: str | None = None
    site_name: str | None = None
    lang: str | None = None
    dir: str | None = None
    excerpt: str | None = None
    #: The lead paragraph (dek) the page sets between headline and body, shown under the
    #: title; not part of ``text``.
    standfirst: str | None = None
    image: str | None = None
    canonical_url: str | None = None
    text: str = ""
    markdown: str = ""
    html: str = ""
    blocks: tuple[Block, ...] = ()
    removed: tuple[Removed, ...] = ()
    #: True when the page (or the server's status) says the article is not free to read,
    #: or the text is a teaser of a longer article; ``paywall_evidence`` says why.
    paywalled: bool = False
    #: ``free``/``metered``/``subscriber`` when the page or server states it; None: unknown.
    access: Access | None = None
    paywall_evidence: tuple[PaywallEvidence, ...] = ()
    #: The absolute address of the next page of a multi-page article that is not part of
    #: this one (http(s) only): from a site rule's ``next_page`` or ``<link rel=next>``.
    next_page: str | None = None
    #: The addresses of the pages joined into this article, first page first; empty when it
    #: is one page.
    pages: tuple[str, ...] = ()
    #: Why following the pages stopped before the last one (a failed fetch, the page limit,
    #: another site, a loop); None when nothing was cut short.
    pages_note: str | None = None
    word_count: int = 0
    reading_minutes: int = 0
    confidence: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The article as JSON-ready data (the HTTP API's response body)."""
        data = {name: getattr(self, name) for name in _SCALAR_FIELDS}
        data["blocks"] = [block.to_dict() for block in self.blocks]
        data["removed"] = [asdict(item) for item in self.removed]
        data["paywall_evidence"] = [asdict(item) for item in self.paywall_evidence]
        data["pages"] = list(self.pages)
        return data


_SCALAR_FIELDS = (
    "url", "title", "byline", "published", "modified", "site_name", "lang", "dir", "excerpt",
    "standfirst", "image", "canonical_url", "text", "markdown", "html", "paywalled", "access",
    "next_page", "pages_note", "word_count", "reading_minutes", "confidence",
)
