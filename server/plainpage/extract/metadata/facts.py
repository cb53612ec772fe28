"""The smaller facts about a page: language, text direction, excerpt, lead image,
canonical URL and the stated word count.
"""

from __future__ import annotations

import re
from typing import Any

from selectolax.lexbor import LexborNode

from ..measure import tag_id
from ..page import Page
from ..urls import join
from .sources import clean_text, first_text

_CONTAINERS = frozenset((tag_id("main"), tag_id("article")))
_RTL_LANGS = frozenset({"ar", "he", "iw", "fa", "ur", "ps", "yi", "dv", "ckb", "sd", "ug"})
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,4})?")
_SUBTAG = re.compile(r"[-_]")


def language(page: Page, meta: dict[str, str], article: dict[str, Any] | None) -> str | None:
    """The page's language: ``<html lang>``, og:locale, Content-Language, JSON-LD inLanguage."""
    if page.lang:
        return page.lang
    locale = meta.get("og:locale")
    if locale and _LOCALE.fullmatch(locale.strip()):
        return locale.strip().replace("_", "-")
    found = clean_text(meta.get("content-language") or (article or {}).get("inLanguage"))
    return found.split(",")[0].strip() if found else None


def direction(page: Page, lang: str | None) -> str | None:
    """Text direction: <body>'s, <html>'s, a top-level main/article's, else from the language."""
    body = page.body
    body_dir = (body.attributes.get("dir") or "").strip().lower() if body is not None else ""
    for value in (body_dir, page.dir):
        if value in ("rtl", "ltr"):
            return value
    found = _container_dir(body)  # a walk: only when <body> and <html> say nothing
    if found in ("rtl", "ltr"):
        return found
    if lang and _SUBTAG.split(lang.lower())[0] in _RTL_LANGS:
        return "rtl"
    return None


def _container_dir(body: LexborNode | None) -> str:
    """``dir`` of a <main>/<article> in the top levels of the body (a bounded walk, no css)."""
    level = [body] if body is not None else []
    for _ in range(3):
        below = []
        for node in level:
            for child in node.iter():
                if child.tag_id in _CONTAINERS:  # tag_id: reading ``tag`` builds a string
                    found = (child.attributes.get("dir") or "").strip().lower()
                    if found:
                        return found
                below.append(child)
        level = below[:80]
    return ""


def excerpt(meta: dict[str, str], article: dict[str, Any] | None) -> str | None:
    """The page's stated summary: JSON-LD, Dublin Core, og:, then plain description tags."""
    return first_text(
        (article or {}).get("description"), meta.get("dc.description"),
        meta.get("dcterms.description"), meta.get("og:description"), meta.get("description"),
        meta.get("twitter:description"))


def image(page: Page, meta: dict[str, str], article: dict[str, Any] | None) -> str | None:
    """The lead image's absolute URL: og:/twitter: image tags first, JSON-LD image last."""
    raw = (article or {}).get("image")
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    if isinstance(raw, dict):
        raw = raw.get("url") or raw.get("contentUrl")
    for value in (meta.get("og:image"), meta.get("og:image:url"), meta.get("og:image:secure_url"),
                  meta.get("twitter:image"), meta.get("twitter:image:src"), raw):
        url = _url(page, value)
        if url:
            return url
    return None


def _url(page: Page, value: Any) -> str | None:
    """An absolute http(s) URL, or None: a javascript: or data: "image" is not one."""
    if not isinstance(value, str) or not value.strip():
        return None
    url = join(page.base_url, value.strip())
    if url is None or not url.lower().startswith(("http://", "https://")):
        if page.base_url is None and url and "://" not in url and ":" not in url.split("/")[0]:
            return url  # a relative address on a page with no URL: all there is to give
        return None
    return url


def canonical(page: Page, meta: dict[str, str]) -> str | None:
    """The canonical URL: ``<link rel=canonical>``, else og:url."""
    return page.canonical or _url(page, meta.get("og:url"))


def word_count(article: dict[str, Any]) -> int | None:
    """The JSON-LD wordCount when it is a positive whole number."""
    value = article.get("wordCount")
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    digits = str(value).replace(",", "").strip()
    # "1,234" and 1234 are counts; "INFINITY", "-5" and "12.5k" are not.
    return int(digits) if digits.isascii() and digits.isdigit() and int(digits) > 0 else None

