"""The byline: who wrote the article.

JSON-LD ``author`` first, then the author ``<meta>`` tags, then the first element marked as
the author's (rel, itemprop, class/id), and JSON-LD ``creator`` last. Every candidate is
cleaned to a name ("By", dates and role words cut) and refused when it looks like anything
else (a handle, a URL, a label, the site's own name).
"""

from __future__ import annotations

import re
from typing import Any

from selectolax.lexbor import LexborNode

from ..page import Page
from . import dates
from .sources import clean_text, simplified

_BY_PREFIX = re.compile(
    r"^(?:(?:written|posted|published|reported|text|story|words|article|post)\s+)?"
    r"(?:by|von|par|por|door|av|af|przez|autor|autorin|author|auteur|texte|text)\b\s*[:\-–]?\s*"
    r"|^di\s+",
    re.IGNORECASE,
)
# Where the name part of a byline ends: a separator or a "posted/updated/edited" label.
_BYLINE_CUT = re.compile(
    r"\s*(?:[|•·»]|\b(?:edited by|updated|published|posted|last updated|on(?=\s+\d))\b)",
    re.IGNORECASE,
)
_NOT_NAME = re.compile(
    r"\d|\*|\b(?:updated|published|posted|follow|share|comments?|subscribe|read more|min read"
    r"|more by|see all|view all|sign in|log in|about the author|the author|topic author"
    r"|offline|online|wrote|says|undefined|null|none|unknown|anonymous|admin|webmaster)\b",
    re.IGNORECASE)
_URLISH = re.compile(r"https?://|www\.|\.(?:com|org|net)\b|@", re.IGNORECASE)
_MAX_BYLINE = 100
_BYLINE_SELECTOR = (
    '[rel~="author"], [itemprop~="author"], [class*="byline" i], [class*="author" i],'
    ' [id*="byline"], [id*="author"]'
)


def byline(page: Page, meta: dict[str, str], article: dict[str, Any] | None,
           site: str | None) -> str | None:
    """The author's name, from JSON-LD, ``<meta>``, the page's elements, in that order."""
    ld = article or {}
    found = clean_byline(_authors(ld.get("author")))
    if found:
        return found
    for key in ("dc.creator", "dcterms.creator", "author", "article:author",
                "og:article:author", "parsely-author",
                "sailthru.author", "byl", "citation_author"):
        found = clean_byline(clean_text(meta.get(key)))
        if found:
            return found
    # An element's text equal to the site's name is a logo or masthead, not a byline.
    found = _byline_from_tree(page, site)
    # JSON-LD creator is often a CMS account name: the last resort.
    return found or clean_byline(_authors(ld.get("creator")))


def _authors(value: Any) -> str | None:
    """JSON-LD ``author``: a string, a Person/Organization, or a list of either."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = clean_text(item)
        if name and name not in names:
            names.append(name)
    return ", ".join(names) or None


def clean_byline(value: str | None) -> str | None:
    """A person's name from a byline text: no "By", no date, no role words; None if junk."""
    if not value:
        return None
    text = _BY_PREFIX.sub("", value.strip(), count=1)
    cut = _BYLINE_CUT.search(text)
    text = text[: cut.start()] if cut is not None else text
    text = text[: dates.date_start(text)]
    text = text.strip(" ,;:-–—|/\u00a0\"'“”«»")
    if not text or len(text) > _MAX_BYLINE or len(text.split()) > 12:
        return None
    # Digits mean a handle, a count or a date left over; URLs and e-mails are not names.
    if _URLISH.search(text) or _NOT_NAME.search(text) or not any(c.isalpha() for c in text):
        return None
    return text


def _byline_from_tree(page: Page, site: str | None) -> str | None:
    """The first element marked as the author's (rel, itemprop, class/id), Readability-style."""
    site_key = simplified(site) if site else None
    for node in page.tree.css(_BYLINE_SELECTOR)[:20]:
        found = clean_byline(_node_byline(node))
        if found and simplified(found) != site_key:
            return found
    return None


def _node_byline(node: LexborNode) -> str | None:
    name = node.css_first('[itemprop="name"]')
    if name is not None:
        node = name
    text = node.text(deep=True, separator=" ")
    if not text or len(text) > 4 * _MAX_BYLINE:
        return None
    return " ".join(text.replace(" ,", ",").split()).replace(" ,", ",")
