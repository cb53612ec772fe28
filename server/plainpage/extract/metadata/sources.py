"""What the page states about itself, read once for every metadata field.

``<meta>`` names normalised (split on spaces, Dublin Core spelt one way), the JSON-LD object
that describes the page (an Article-ish one is *strong*, a WebPage only *weak*) with its
``@id`` references resolved, and the cleaning that turns a JSON-LD or meta value into one
line of text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar

ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "report", "scholarlyarticle", "techarticle",
    "analysisnewsarticle", "opinionnewsarticle", "reportagenewsarticle", "reviewnewsarticle",
    "backgroundnewsarticle", "askpublicresponsenewsarticle", "satiricalarticle",
    "liveblogposting", "socialmediaposting", "discussionforumposting",
    "advertisercontentarticle", "medicalscholarlyarticle", "apireference", "review",
    "posting", "blog", "recipe", "howto", "qapage", "question",
})
# Pages about themselves: usable when no Article is stated, but their name is often the site's.
PAGE_TYPES = frozenset({
    "webpage", "itempage", "aboutpage", "medicalwebpage", "profilepage", "faqpage",
    "collectionpage", "contactpage", "searchresultspage", "checkoutpage", "realestatelisting",
})
_NOT_ALNUM = re.compile(r"[\W_]+")
_TYPE_PATH = re.compile(r"[/:#]")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)
_CACHED_CHARS = 200
T = TypeVar("T")


def short_cache(fn: Callable[[str], T]) -> Callable[[str], T]:
    """``fn`` with an LRU cache for short arguments (names, titles, type names: a page
    asks about the same few several times); a longer one is computed each time, so the
    cache never holds a page's text."""
    cached = lru_cache(maxsize=1024)(fn)

    @wraps(fn)
    def call(text: str) -> T:
        return cached(text) if len(text) <= _CACHED_CHARS else fn(text)
    call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]  # tests, benchmarks
    return call


def normal_meta(raw: dict[str, str]) -> dict[str, str]:
    """Meta names split on spaces (``property="og:title twitter:title"``) and Dublin Core
    spelt one way (``DC.title``, ``dc:title`` → ``dc.title``); the first value still wins."""
    # Scans of the joined names instead of a generator over them; the parser never leaves
    # a NUL in an attribute, so "\0dc" is only ever a name's start.
    names = "\0".join(raw)
    if " " not in names and "\0dc" not in names and not names.startswith("dc"):
        return raw  # the common case: nothing to rename, and the dict is only read
    out: dict[str, str] = {}
    for key, value in raw.items():
        for name in key.split():
            if name.startswith(("dc:", "dcterms:", "dcterm:", "dcterm.")):
                prefix, _, rest = name.replace(":", ".", 1).partition(".")
                name = ("dc." if prefix == "dc" else "dcterms.") + rest
            out.setdefault(name, value)
    return out


def types_of(obj: dict[str, Any]) -> set[str]:
    """A JSON-LD object's @type names, lower-cased and without their vocabulary prefix."""
    raw = obj.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return {type_name(n) for n in names if isinstance(n, str)}


@short_cache
def type_name(raw: str) -> str:
    """One @type lower-cased, without its vocabulary prefix: "schema:NewsArticle" and
    "http://schema.org/NewsArticle" name the same type."""
    return _TYPE_PATH.split(raw)[-1].lower()


def main_object(objects: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, bool]:
    """The JSON-LD object describing this page: an Article-ish one (strong) else a WebPage."""
    weak = None
    for obj in with_main_entities(objects):
        kinds = types_of(obj)
        if kinds & ARTICLE_TYPES:
            return obj, True
        if weak is None and kinds & PAGE_TYPES:
            weak = obj
    return weak, False


def with_main_entities(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``objects`` plus the typed objects they nest under mainEntity(OfPage)."""
    # A WebPage often nests its Article under mainEntity instead of listing it in @graph.
    out = list(objects)
    for obj in objects:
        for key in ("mainEntity", "mainEntityOfPage"):
            inner = obj.get(key)
            if isinstance(inner, dict) and "@type" in inner:
                out.append(inner)
    return out


def resolve_refs(obj: dict[str, Any], objects: list[dict[str, Any]]) -> dict[str, Any]:
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


def clean_text(value: Any) -> str | None:
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


def first_text(*values: Any) -> str | None:
    """The first of ``values`` that cleans to a non-empty string."""
    for value in values:
        found = clean_text(value)
        if found:
            return found
    return None


@short_cache
def simplified(text: str) -> str:
    """``text`` reduced to lower-case letters and digits, for comparing names."""
    return _NOT_ALNUM.sub("", text.lower()).removesuffix("com")
