"""Output safety for the render stage: the URL policy and the one nh3 allow-list.

Render builds its HTML from escaped text, allow-listed tags and URLs that passed
``Urls.link``/``Urls.image``; ``clean`` then runs nh3 once over the whole document as the
guarantee. Markdown has no sanitiser, so the URL policy here is what keeps ``javascript:``
and ``data:`` out of Markdown links and images.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3

from ..urls import join

__all__ = ["TAGS", "Urls", "clean", "escape_attr", "escape_text", "md_url"]

TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code",
    "figure", "figcaption", "img", "table", "thead", "tbody", "tr", "th", "td", "a", "em",
    "strong", "b", "i", "sub", "sup", "br", "hr", "mark", "small", "abbr", "q", "s", "del",
    "ins", "dl", "dt", "dd",
})
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "abbr": {"title"},
    "ol": {"start"},
}
LINK_REL = "noopener noreferrer nofollow"
# A configured sanitiser is a constant: nh3's Cleaner holds no per-call state.
_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags={"script", "style", "template", "noscript", "textarea", "title"},
    attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
    strip_comments=True,
    link_rel=LINK_REL,
    url_schemes={"http", "https", "mailto"},
)

# WHATWG URL parsing strips leading/trailing C0 controls and spaces, and drops tabs and
# newlines anywhere; do the same so "java\tscript:" cannot slip past the scheme check.
_C0_SPACE = "".join(chr(i) for i in range(33))
_TAB_NL = str.maketrans("", "", "\t\n\r")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.")
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_IMAGE_SCHEMES = frozenset({"http", "https"})
# Characters that would end or break a Markdown link destination, percent-encoded.
_MD_URL_BAD = re.compile(r"[\x00-\x20()<>\\`]")


def clean(html: str) -> str:
    """Sanitise a whole HTML fragment with the render allow-list (the last step, once)."""
    return _CLEANER.clean(html) if html else ""


def escape_text(text: str) -> str:
    """HTML-escape text content the way nh3's serialiser does (scan before replacing:
    most text has none of these characters)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\xa0" in text:
        text = text.replace("\xa0", "&nbsp;")
    return text


def escape_attr(value: str) -> str:
    """HTML-escape a double-quoted attribute value the way nh3's serialiser does."""
    value = escape_text(value)
    return value.replace('"', "&quot;") if '"' in value else value


def md_url(url: str) -> str:
    """``url`` made safe to sit inside a Markdown ``(…)`` destination."""
    if not _MD_URL_BAD.search(url):
        return url
    return _MD_URL_BAD.sub(lambda m: f"%{ord(m.group()):02X}", url)


def _scheme(url: str) -> str | None:
    """The lower-cased scheme of ``url``, or None when it is relative."""
    colon = url.find(":")
    if colon <= 0:
        return None
    head = url[:colon]
    if not head[0].isalpha() or not _SCHEME_CHARS.issuperset(head):
        return None
    return head.lower()


class Urls:
    """Resolves and vets URLs for one render, against the page's base URL."""

    __slots__ = ("base", "directory", "origin", "page", "path", "scheme")

    def __init__(self, base_url: str | None) -> None:
        base = (base_url or "").strip()
        if _scheme(base) not in _IMAGE_SCHEMES:
            base = ""  # a base we cannot trust is no base: keep relative URLs relative
        self.base = base or None
        parts = urlsplit(base) if base else None
        self.scheme = self.origin = self.directory = self.path = self.page = None
        if parts is not None and parts.netloc:  # the pieces relative URLs are glued to
            self.scheme = parts.scheme
            self.origin = f"{parts.scheme}://{parts.netloc}"
            path = parts.path or "/"
            self.directory = self.origin + path[: path.rfind("/") + 1]
            self.path = self.origin + parts.path
            self.page = base.split("#", 1)[0]

    def link(self, raw: str | None) -> str | None:
        """An absolute http(s)/mailto URL for an href, or None when it is unsafe or empty."""
        return self._resolve(raw, _LINK_SCHEMES)

    def image(self, raw: str | None) -> str | None:
        """An absolute http(s) URL for an image source, or None."""
        return self._resolve(raw, _IMAGE_SCHEMES)

    def _resolve(self, raw: str | None, schemes: frozenset[str]) -> str | None:
        if not raw:
            return None
        url = raw.strip(_C0_SPACE)
        if "\t" in url or "\n" in url or "\r" in url:
            url = url.translate(_TAB_NL)
        if not url:
            return None
        scheme = _scheme(url)
        if scheme is not None:
            return url if scheme in schemes else None
        if self.base is None:
            return url  # relative with nothing to resolve against: inert, keep it
        return self._join(url, schemes)

    def _join(self, url: str, schemes: frozenset[str]) -> str | None:
        """Resolve a relative URL; the common shapes by concatenation (urljoin costs ten
        times more), anything with dot segments or odd bases by urljoin."""
        first = url[0]
        if self.origin and "./" not in url and first != ".":
            if first == "/":
                return f"{self.scheme}:{url}" if url.startswith("//") else self.origin + url
            if first == "#":
                return f"{self.page}{url}"
            if first == "?":
                return f"{self.path}{url}"
            if first != "\\" and "\\" not in url:
                return self.directory + url
        joined = join(self.base, url)
        return joined if joined is not None and _scheme(joined) in schemes else None
