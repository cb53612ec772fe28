"""The page's title and the site's name.

A stated title (JSON-LD headline/name, Dublin Core, og:title) is kept whole, as Readability
keeps it; only a ``<title>`` loses the site's name, helped by the page's h1 and the site's
name (stated, or the host's main label), else by Readability.js's own rules.
"""

from __future__ import annotations

import re
from typing import Any

from ..page import Page
from ..urls import hostname
from .sources import clean_text, first_text, simplified, types_of

_HOST_NOISE = frozenset({
    "www", "m", "amp", "com", "org", "net", "edu", "gov", "co", "ac", "io", "uk", "de", "fr",
    "au", "ca", "us", "info", "blog", "news", "en",
})

# Title separators; the hierarchical ones (\ / > ») mark breadcrumbs rather than a site name.
_SEPARATORS = re.compile(r" (?:[|\-\\/>»«–—·•]|::) ")
_SEPARATOR_AT_END = re.compile(_SEPARATORS.pattern + "$")
_HIERARCHICAL = re.compile(r" [\\/>»] ")


def page_title(page: Page, meta: dict[str, str], article: dict[str, Any] | None,
               strong: bool, site: str | None) -> str | None:
    """The article's title: a stated one whole, else ``<title>`` without the site's name."""
    found = None
    if article is not None and strong:
        found = _ld_title(article, meta.get("og:title") or page.title_tag)
    found = found or first_text(*(meta.get(k) for k in (
        "dc.title", "dcterms.title", "og:title", "twitter:title", "parsely-title", "title")))
    if found and not (site and simplified(found) == simplified(site)):  # a home page's og:title
        # Stated titles are kept whole, site suffix included, as Readability does: cutting
        # "| eHow" off og:title matches human labels better (WCXB) but not Mozilla's set.
        return found
    found = _title_from_tag(page, _h1_texts(page), _site_keys(page, site))
    if found:
        return found
    if article is not None:
        return first_text(article.get("headline"), article.get("name"))
    return None


def _headline(title: str, h1s: list[str], sites: set[str]) -> str:
    """``title`` without the site's name when the page's h1 or the site's name shows which
    separated part is the headline; unchanged when nothing says so."""
    # "Headline | Site" with an h1 "Headline": the h1 is the article's own title. A start
    # match is tried on every h1 first, since an h1 equal to the end is often the site's logo.
    for at_start in (True, False):
        for h1 in h1s:
            # A one-word h1 counts only at the start ("Configuration — Docs v2").
            if h1 != title and len(h1.split()) >= 2 - at_start and _is_part(title, h1, at_start):
                return h1
    if sites and _SEPARATORS.search(title):
        return _drop_site(title, sites) or title
    return title


def _site_keys(page: Page, site: str | None) -> set[str]:
    """Simplified spellings of the site's name: the stated one and the host's main label."""
    keys = {simplified(site)} if site else set()
    host = hostname(page.url)
    labels = [x for x in host.split(".") if x not in _HOST_NOISE]
    if labels and len(labels[-1]) >= 4:
        keys.add(labels[-1])
    keys.discard("")
    return keys


def _ld_title(article: dict[str, Any], reference: str) -> str | None:
    """``headline``, unless ``name`` differs and matches the page's other title better.

    Some sites put a subtitle in ``headline`` and the title in ``name``, others the site's
    name in ``name``; the words shared with og:title/<title> tell which is which.
    """
    headline, name = clean_text(article.get("headline")), clean_text(article.get("name"))
    if not (headline and name) or headline == name or not reference:
        return headline or name
    return name if _dice(name, reference) > _dice(headline, reference) else headline


def _dice(text: str, reference: str) -> float:
    """Word overlap of two strings (Dice coefficient over their sets of lower-cased words)."""
    words, ref = set(re.findall(r"\w+", text.lower())), set(re.findall(r"\w+", reference.lower()))
    return 2 * len(words & ref) / (len(words) + len(ref)) if words and ref else 0.0


def _h1_texts(page: Page) -> list[str]:
    # Documentation generators end headings with a permalink sign.
    texts = (" ".join(node.text(deep=True).split()).rstrip("¶#§ ")
             for node in page.tree.css("h1")[:4])
    return [text for text in texts if text]


def _title_from_tag(page: Page, h1s: list[str], sites: set[str]) -> str | None:
    """``<title>`` without the site's name, Readability-style, helped by the page's h1."""
    title = clean_text(page.title_tag)
    if not title:
        return h1s[0] if len(h1s) == 1 else None
    found = _headline(title, h1s, sites)
    if found != title:
        return found
    return _readability_title(page, title, h1s)


def _is_part(title: str, part: str, at_start: bool) -> bool:
    if at_start:
        return title.startswith(part) and bool(
            _SEPARATORS.match(title, len(part)) or title[len(part):].startswith(": "))
    return title.endswith(part) and bool(_SEPARATOR_AT_END.search(title[: -len(part)]))


def _drop_site(title: str, sites: set[str]) -> str | None:
    """Remove the part of ``title`` that names the site (first or last separated part)."""
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return None
    if simplified(parts[-1]) in sites:
        cut = title[: _last_separator(title).start()]
        return cut.strip() or None
    if simplified(parts[0]) in sites:
        return title[_SEPARATORS.search(title).end():].strip() or None
    return None


def _last_separator(title: str) -> re.Match[str]:
    return list(_SEPARATORS.finditer(title))[-1]


def _is_heading(page: Page, text: str) -> bool:
    # Only reached for titles with ": ", so the h2 scan is rare.
    return any(" ".join(n.text(deep=True).split()) == text for n in page.tree.css("h1, h2"))


def _readability_title(page: Page, title: str, h1s: list[str]) -> str:
    """Readability.js's rules: cut the last separated part, or the "Site: " prefix."""
    current = title
    hierarchical = False
    if _SEPARATORS.search(title):
        hierarchical = bool(_HIERARCHICAL.search(title))
        current = title[: _last_separator(title).start()]
        if len(current.split()) < 3:
            current = title[_SEPARATORS.search(title).end():]
    elif ": " in title:
        if not _is_heading(page, title):
            current = title[title.rfind(":") + 1:]
            if len(current.split()) < 3:
                current = title[title.find(":") + 1:]
            elif len(title[: title.find(":")].split()) > 5:
                current = title
    elif (len(title) > 150 or len(title) < 15) and len(h1s) == 1:
        current = h1s[0]
    current = " ".join(current.split())
    words = len(current.split())
    if words <= 4 and (not hierarchical
                       or words != len(re.sub(r"[|\-\\/>»]+", "", title).split()) - 1):
        current = title
    return current


def site_name(page: Page, meta: dict[str, str], article: dict[str, Any] | None) -> str | None:
    """The site's name: the article's publisher, og:site_name, a WebSite object, the app's."""
    publisher = article.get("publisher") if article is not None else None
    found = first_text(publisher, meta.get("og:site_name"))
    if found:
        return found
    for obj in page.jsonld:
        if types_of(obj) & {"website"}:
            found = clean_text(obj.get("name"))
            if found:
                return found
    return first_text(meta.get("application-name"), meta.get("apple-mobile-web-app-title"))
