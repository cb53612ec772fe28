"""Metadata stage: title, byline, dates, site name, language, excerpt, image, paywall flags.

Reads only what ``parse`` collected (JSON-LD, ``<meta>``, ``<title>``, ``lang``/``dir``,
canonical) plus a few cheap lookups in the tree; it never changes the tree. Every field takes
the most specific reliable source first: a page's JSON-LD Article states its headline on
purpose, ``og:*`` tags are written for sharing and usually clean, ``<title>`` carries the site's
name and is the last resort before guessing from the page's elements. A stated title (JSON-LD,
og:title) is kept whole, as Readability keeps it; only a ``<title>`` loses the site's name.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborNode

from ..options import Options
from . import dates
from .page import Metadata, Page

_ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "report", "scholarlyarticle", "techarticle",
    "analysisnewsarticle", "opinionnewsarticle", "reportagenewsarticle", "reviewnewsarticle",
    "backgroundnewsarticle", "askpublicresponsenewsarticle", "satiricalarticle",
    "liveblogposting", "socialmediaposting", "discussionforumposting",
    "advertisercontentarticle", "medicalscholarlyarticle", "apireference", "review",
    "posting", "blog", "recipe", "howto", "qapage", "question",
})
# Pages about themselves: usable when no Article is stated, but their name is often the site's.
_PAGE_TYPES = frozenset({
    "webpage", "itempage", "aboutpage", "medicalwebpage", "profilepage", "faqpage",
    "collectionpage", "contactpage", "searchresultspage", "checkoutpage", "realestatelisting",
})
_HOST_NOISE = frozenset({
    "www", "m", "amp", "com", "org", "net", "edu", "gov", "co", "ac", "io", "uk", "de", "fr",
    "au", "ca", "us", "info", "blog", "news", "en",
})
_RTL_LANGS = frozenset({"ar", "he", "iw", "fa", "ur", "ps", "yi", "dv", "ckb", "sd", "ug"})

# Title separators; the hierarchical ones (\ / > ») mark breadcrumbs rather than a site name.
_SEPARATORS = re.compile(r" (?:[|\-\\/>»«–—·•]|::) ")
_SEPARATOR_AT_END = re.compile(_SEPARATORS.pattern + "$")
_HIERARCHICAL = re.compile(r" [\\/>»] ")
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
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)
_MAX_BYLINE = 100
_BYLINE_SELECTOR = (
    '[rel~="author"], [itemprop~="author"], [class*="byline" i], [class*="author" i],'
    ' [id*="byline"], [id*="author"]'
)


def extract(page: Page, options: Options) -> Metadata:
    """Everything the page says about itself; each field None when nothing reliable says it."""
    meta = _normal_meta(page.meta)
    article, strong = _main_object(page.jsonld)
    if article is not None:
        article = _resolve_refs(article, page.jsonld)
    site = _site_name(page, meta, article)
    published, modified = dates.find(page, meta, article)
    paywalled, evidence = _paywall(page.jsonld, meta)
    lang = _lang(page, meta, article)
    return Metadata(
        title=_title(page, meta, article, strong, site),
        byline=_byline(page, meta, article, site),
        published=published,
        modified=modified,
        site_name=site,
        lang=lang,
        dir=_dir(page, lang),
        excerpt=_excerpt(meta, article),
        image=_image(page, meta, article),
        canonical_url=_canonical(page, meta),
        paywalled=paywalled,
        stated_word_count=_word_count(article) if strong and article else None,
        evidence=evidence,
    )


# --- sources ---------------------------------------------------------------------------

def _normal_meta(raw: dict[str, str]) -> dict[str, str]:
    """Meta names split on spaces (``property="og:title twitter:title"``) and Dublin Core
    spelt one way (``DC.title``, ``dc:title`` → ``dc.title``); the first value still wins."""
    if not any(" " in key or key.startswith("dc") for key in raw):
        return raw  # the common case: nothing to rename, and the dict is only read
    out: dict[str, str] = {}
    for key, value in raw.items():
        for name in key.split():
            if name.startswith(("dc:", "dcterms:", "dcterm:", "dcterm.")):
                prefix, _, rest = name.replace(":", ".", 1).partition(".")
                name = ("dc." if prefix == "dc" else "dcterms.") + rest
            out.setdefault(name, value)
    return out


def _types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    # "schema:NewsArticle" and "http://schema.org/NewsArticle" name the same type.
    return {re.split(r"[/:#]", n)[-1].lower() for n in names if isinstance(n, str)}


def _main_object(objects: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, bool]:
    """The JSON-LD object describing this page: an Article-ish one (strong) else a WebPage."""
    weak = None
    for obj in _with_main_entities(objects):
        kinds = _types(obj)
        if kinds & _ARTICLE_TYPES:
            return obj, True
        if weak is None and kinds & _PAGE_TYPES:
            weak = obj
    return weak, False


def _with_main_entities(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # A WebPage often nests its Article under mainEntity instead of listing it in @graph.
    out = list(objects)
    for obj in objects:
        for key in ("mainEntity", "mainEntityOfPage"):
            inner = obj.get(key)
            if isinstance(inner, dict) and "@type" in inner:
                out.append(inner)
    return out


def _resolve_refs(obj: dict[str, Any], objects: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of ``obj`` whose author/publisher/creator/image ``{"@id": …}`` references are
    replaced by the @graph objects they name (Yoast and similar write authors that way)."""
    ids = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
    if not ids:
        return obj
    out = dict(obj)
    for key in ("author", "publisher", "creator", "image"):
        value = obj.get(key)
        items = value if isinstance(value, list) else [value]
        found = [ids.get(i["@id"], i) if isinstance(i, dict) and isinstance(i.get("@id"), str)
                 and len(i) <= 2 else i for i in items]
        out[key] = found if isinstance(value, list) else found[0]
    return out


def _text(value: Any) -> str | None:
    """A clean one-line string from a JSON-LD or meta value (entities decoded)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str | dict)), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if not isinstance(value, str):
        return None
    if "&" in value and _ENTITY.search(value):
        value = html.unescape(html.unescape(value))  # some CMSs escape twice
    value = " ".join(value.split())
    return value or None


def _first(*values: Any) -> str | None:
    for value in values:
        found = _text(value)
        if found:
            return found
    return None


# --- title -----------------------------------------------------------------------------

def _title(page: Page, meta: dict[str, str], article: dict[str, Any] | None, strong: bool,
           site: str | None) -> str | None:
    found = None
    if article is not None and strong:
        found = _ld_title(article, meta.get("og:title") or page.title_tag)
    found = found or _first(*(meta.get(k) for k in (
        "dc.title", "dcterms.title", "og:title", "twitter:title", "parsely-title", "title")))
    if found and not (site and _simple(found) == _simple(site)):  # a home page's og:title
        # Stated titles are kept whole, site suffix included, as Readability does: cutting
        # "| eHow" off og:title matches human labels better (WCXB) but not Mozilla's set.
        return found
    found = _title_from_tag(page, _h1_texts(page), _site_keys(page, site))
    if found:
        return found
    if article is not None:
        return _first(article.get("headline"), article.get("name"))
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
    keys = {_simple(site)} if site else set()
    host = urlsplit(page.url or "").hostname or ""
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
    headline, name = _text(article.get("headline")), _text(article.get("name"))
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
    title = _text(page.title_tag)
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


def _simple(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower()).removesuffix("com")


def _drop_site(title: str, sites: set[str]) -> str | None:
    """Remove the part of ``title`` that names the site (first or last separated part)."""
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return None
    if _simple(parts[-1]) in sites:
        cut = title[: _last_separator(title).start()]
        return cut.strip() or None
    if _simple(parts[0]) in sites:
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


# --- byline ----------------------------------------------------------------------------

def _byline(page: Page, meta: dict[str, str], article: dict[str, Any] | None,
            site: str | None) -> str | None:
    ld = article or {}
    found = _clean_byline(_authors(ld.get("author")))
    if found:
        return found
    for key in ("dc.creator", "dcterms.creator", "author", "article:author",
                "og:article:author", "parsely-author",
                "sailthru.author", "byl", "citation_author"):
        found = _clean_byline(_text(meta.get(key)))
        if found:
            return found
    # An element's text equal to the site's name is a logo or masthead, not a byline.
    found = _byline_from_tree(page, site)
    # JSON-LD creator is often a CMS account name: the last resort.
    return found or _clean_byline(_authors(ld.get("creator")))


def _authors(value: Any) -> str | None:
    """JSON-LD ``author``: a string, a Person/Organization, or a list of either."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = _text(item)
        if name and name not in names:
            names.append(name)
    return ", ".join(names) or None


def _clean_byline(value: str | None) -> str | None:
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
    site_key = _simple(site) if site else None
    for node in page.tree.css(_BYLINE_SELECTOR)[:20]:
        found = _clean_byline(_node_byline(node))
        if found and _simple(found) != site_key:
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


# --- the rest ----------------------------------------------------------------------------

def _site_name(page: Page, meta: dict[str, str], article: dict[str, Any] | None) -> str | None:
    publisher = article.get("publisher") if article is not None else None
    found = _first(publisher, meta.get("og:site_name"))
    if found:
        return found
    for obj in page.jsonld:
        if _types(obj) & {"website"}:
            found = _text(obj.get("name"))
            if found:
                return found
    return _first(meta.get("application-name"), meta.get("apple-mobile-web-app-title"))


def _lang(page: Page, meta: dict[str, str], article: dict[str, Any] | None) -> str | None:
    if page.lang:
        return page.lang
    locale = meta.get("og:locale")
    if locale and re.fullmatch(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,4})?", locale.strip()):
        return locale.strip().replace("_", "-")
    found = _text(meta.get("content-language") or (article or {}).get("inLanguage"))
    return found.split(",")[0].strip() if found else None


def _dir(page: Page, lang: str | None) -> str | None:
    """Text direction: <body>'s, <html>'s, a top-level main/article's, else from the language."""
    body = page.body
    body_dir = (body.attributes.get("dir") or "").strip().lower() if body is not None else ""
    for value in (body_dir, page.dir, _container_dir(body)):
        if value in ("rtl", "ltr"):
            return value
    if lang and re.split(r"[-_]", lang.lower())[0] in _RTL_LANGS:
        return "rtl"
    return None


def _container_dir(body: LexborNode | None) -> str:
    """``dir`` of a <main>/<article> in the top levels of the body (a bounded walk, no css)."""
    level = [body] if body is not None else []
    for _ in range(3):
        below = []
        for node in level:
            for child in node.iter():
                if child.tag in ("main", "article"):
                    found = (child.attributes.get("dir") or "").strip().lower()
                    if found:
                        return found
                below.append(child)
        level = below[:80]
    return ""


def _excerpt(meta: dict[str, str], article: dict[str, Any] | None) -> str | None:
    return _first(
        (article or {}).get("description"), meta.get("dc.description"),
        meta.get("dcterms.description"), meta.get("og:description"), meta.get("description"),
        meta.get("twitter:description"))


def _image(page: Page, meta: dict[str, str], article: dict[str, Any] | None) -> str | None:
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
    if not isinstance(value, str) or not value.strip() or value.strip().startswith("data:"):
        return None
    url = value.strip()
    return urljoin(page.base_url, url) if page.base_url else url


def _canonical(page: Page, meta: dict[str, str]) -> str | None:
    return page.canonical or _url(page, meta.get("og:url"))


def _paywall(objects: list[dict[str, Any]], meta: dict[str, str]) -> tuple[bool, tuple[str, ...]]:
    """Explicit paywall statements: JSON-LD isAccessibleForFree=false, content_tier=locked."""
    evidence: list[str] = []
    for obj in _with_main_entities(objects):
        if not _types(obj) & (_ARTICLE_TYPES | _PAGE_TYPES):
            continue
        if _is_false(obj.get("isAccessibleForFree")):
            evidence.append("json-ld isAccessibleForFree=false")
        parts = obj.get("hasPart")
        for part in parts if isinstance(parts, list) else [parts]:
            if isinstance(part, dict) and _is_false(part.get("isAccessibleForFree")):
                selector = part.get("cssSelector")
                if isinstance(selector, str) and selector.strip():
                    evidence.append(f"json-ld hasPart isAccessibleForFree=false "
                                    f"cssSelector={selector.strip()}")
    if (meta.get("article:content_tier") or "").strip().lower() == "locked":
        evidence.append("meta article:content_tier=locked")
    unique = tuple(dict.fromkeys(evidence))
    return bool(unique), unique


def _word_count(article: dict[str, Any]) -> int | None:
    value = article.get("wordCount")
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    digits = str(value).replace(",", "").strip()
    # "1,234" and 1234 are counts; "INFINITY", "-5" and "12.5k" are not.
    return int(digits) if digits.isascii() and digits.isdigit() and int(digits) > 0 else None


def _is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")
