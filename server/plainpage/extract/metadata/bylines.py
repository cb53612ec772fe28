"""The byline: who wrote the article.

JSON-LD ``author`` first, then the author ``<meta>`` tags, then the first element marked as
the author's (rel, itemprop, class/id), then a "By …" line next to the headline, and JSON-LD
``creator`` last. Every candidate is cleaned to a name ("By", dates and role words cut) and
refused when it looks like anything else (a handle, a URL, a label). A candidate that is
the site's own name (a CMS filling ``author`` with its publisher) is kept back and given
only when no person is named anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..page import Page
from . import dates
from .authors import node_byline, other_authors, role_node
from .nearby import Around
from .sources import clean_text, short_cache, simplified

_BY_PREFIX = re.compile(
    r"^(?:(?:written|posted|published|reported|text|story|words|article|post|recipe)\s+)?"
    r"(?:by|von|par|por|door|av|af|przez|autor|autorin|authors?|auteur|texte|text)\b"
    r"\s*[:\-–]?\s*"
    r"|^di\s+",
    re.IGNORECASE,
)
# A "By …" line: stricter than _BY_PREFIX, since it is looked for in any short text.
_BY_LINE = re.compile(
    r"^(?:(?:written|posted|published|reported|story|words|article|post|recipe)\s+)?"
    r"(?:by|von|par|por|door|przez)\b(?!\s*(?:the|a|an|using|clicking|continuing)\b)",
    re.IGNORECASE)
# Where the name part of a byline ends: a separator or a "posted/updated/edited" label.
_BYLINE_CUT = re.compile(
    r"\s*(?:[|•·»]|\s[-–—]\s|\b(?:(?:edited|reviewed|fact[- ]checked|photos?|photographs"
    r"|illustrations?|video) by|updated|published|posted|last updated"
    rf"|on(?=\s+(?:\d|(?:{dates.MONTH_RE}|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)\b)))\b)",
    re.IGNORECASE,
)
# What is left before a cut-off date: "Jane Doe on", "Jane Doe at".
_TRAILING = re.compile(r"(?:\s+(?:on|at|am|le|el|il|the))+\s*$", re.IGNORECASE)
# "Heard on All Things Considered By Jane Doe": the name follows the "By".
_MID_BY = re.compile(r"\s(?:[Ww]ritten |[Pp]osted )?[Bb]y:?\s+(?=[A-Z])")
_STRIP = " ,;:-–—|/&·•\u00a0\"'“”«»"
_LINKED_ADDRESS = re.compile(r"\s*[(<]\s*(?:https?://|www\.|mailto:|[^()<>\s]+@)[^()<>]*[)>]")
_NOT_NAME = re.compile(
    r"\d|\*|\b(?:updated|published|posted|follow|share|comments?|subscribe|read more|min read"
    r"|more by|see all|view all|view more|more posts|all posts|sign in|log in"
    r"|about the author|the author|topic author"
    r"|offline|online|wrote|says|undefined|null|none|unknown|anonymous|admin|webmaster)\b",
    re.IGNORECASE)
_URLISH = re.compile(r"https?://|www\.|\.(?:com|org|net)\b|@", re.IGNORECASE)
_CALENDAR_WORD = re.compile(
    rf"(?:{dates.MONTH_RE}|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?)\.?",
    re.IGNORECASE)
_MAX_BYLINE = 100
_BYLINE_SELECTOR = (
    '[rel~="author"], [itemprop~="author"], [class*="byline" i], [class*="author" i],'
    ' [id*="byline"], [id*="author"]'
)
_MAX_NODES = 20
_NEAR_BYLINE = 10  # text nodes from the headline a "By" line may be


def byline(page: Page, meta: dict[str, str], article: dict[str, Any] | None,
           site: str | None, near: Around | None = None) -> str | None:
    """The author's name, from JSON-LD, ``<meta>``, the page's elements, in that order."""
    sites = {simplified(s) for s in (site, clean_text((article or {}).get("publisher"))) if s}
    sites.discard("")
    held = None
    for raw in _candidates(page, meta, article or {}, sites, near):
        found = clean_byline(raw)
        if not found:
            continue
        if simplified(found) not in sites:
            return found
        held = held or found
    return held


def _candidates(page: Page, meta: dict[str, str], ld: dict[str, Any], sites: set[str],
                near: Around | None) -> Iterator[str | None]:
    """Byline texts, most reliable first (a generator: the tree is read only if needed)."""
    yield _authors(ld.get("author"), sites)
    for key in ("dc.creator", "dcterms.creator", "author", "article:author",
                "og:article:author", "parsely-author",
                "sailthru.author", "byl", "citation_author"):
        value = meta.get(key)
        if value:  # most pages have none of these
            yield clean_text(value)
    yield from _from_tree(page)
    if near is not None:
        yield from _from_headline(near)
    # JSON-LD creator is often a CMS account name: the last resort.
    yield _authors(ld.get("creator"), sites)


def _authors(value: Any, sites: set[str]) -> str | None:
    """JSON-LD ``author``: a string, a Person/Organization, or a list of either. Entries
    naming the site itself are left out when a person is listed too."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        name = clean_text(item)
        if name and name not in names:
            names.append(name)
    people = [n for n in names if simplified(clean_byline(n) or n) not in sites]
    return ", ".join(people or names) or None


def clean_byline(value: str | None) -> str | None:
    """A person's name from a byline text: no "By", no date, no role words; None if junk."""
    return _name_of(value) if value else None


@short_cache  # a page cleans the same name more than once (an author alone, then joined)
def _name_of(value: str) -> str | None:
    text = _LINKED_ADDRESS.sub("", value.strip()).lstrip(_STRIP)
    text = _BY_PREFIX.sub("", text, count=1)
    cut = _BYLINE_CUT.search(text)
    text = text[: cut.start()] if cut is not None else text
    start = dates.date_start(text)
    if start is not None:
        text = _TRAILING.sub("", text[:start].strip(_STRIP))
    mid = _MID_BY.search(text)
    text = _once(text[mid.end():] if mid is not None else text).strip(_STRIP)
    if not text or len(text) > _MAX_BYLINE or len(text.split()) > 12:
        return None
    # Digits mean a handle, a count or a date left over; URLs and e-mails are not names.
    if _URLISH.search(text) or _NOT_NAME.search(text) or not any(c.isalpha() for c in text):
        return None
    # "NB" is an avatar's initials, "Sat" what is left of a date: neither is a name.
    if len(text) < 2 or (len(text) == 2 and text.isupper()) or _CALENDAR_WORD.fullmatch(text):
        return None
    return text


def _once(text: str) -> str:
    """"Jane Doe Jane Doe" (a name shown twice, for two screen sizes) → "Jane Doe"."""
    words = text.split()
    for size in range(1, len(words) // 2 + 1):
        if len(words) % size == 0 and words == words[:size] * (len(words) // size):
            return " ".join(words[:size])
    return text


def _from_tree(page: Page) -> Iterator[str | None]:
    """Elements marked as the author's (rel, itemprop, class/id), in document order."""
    for node in page.tree.css(_BYLINE_SELECTOR)[:_MAX_NODES]:
        if not (role_node(node) or other_authors(node)):
            yield node_byline(node)


def _from_headline(near: Around) -> Iterator[str | None]:
    """"By …" lines next to the headline: the text of the element holding the "By"."""
    for item in near.texts():
        if abs(item.distance) <= _NEAR_BYLINE and _BY_LINE.match(item.text):
            element = item.element
            # "<span>By</span> <a>Name</a>": the name is beside the label, not in it.
            for _ in range(2):
                text = node_byline(element) or ""
                if _BY_PREFIX.sub("", text, count=1).strip(" :") or element.parent is None:
                    break
                element = element.parent
            yield node_byline(element) or item.text
