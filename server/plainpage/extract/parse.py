"""Parse stage: the only place a ``LexborHTMLParser`` is built.

It also reads what ``clean`` is about to destroy (JSON-LD scripts) and the few head facts
every later stage needs (``<base>``, ``<title>``, ``<meta>``, ``lang``/``dir``, canonical),
from the elements one walk of the tree lists (``inventory.take``, kept on the Page for ``clean``).
"""

from __future__ import annotations

import json
from typing import Any

from selectolax.lexbor import LexborDocumentOptions, LexborHTMLParser, LexborNode

from .inventory import Inventory, take
from .page import Page
from .urls import join, parseable

_META_KEYS = ("property", "name", "itemprop")
_MAX_JSONLD_BYTES = 1_000_000  # a bigger block is data, not metadata; skip it unread
# Old CMSs wrap JSON-LD in a CDATA section or an HTML comment.
_JSONLD_OPENERS = ("<![CDATA[", "<!--")
_JSONLD_CLOSERS = ("]]>", "-->")
_JSONLD_TYPE = "application/ld+json"
_JSONLD = f'script[type="{_JSONLD_TYPE}"]'
# Without DOM mutation events (on a page: the selected <option> copied
# into a <selectedcontent>, form text that clean removes anyway) Lexbor parses 3% faster.
_AS_PARSED = LexborDocumentOptions.WO_EVENTS


def parse(text: str, url: str | None, utf8: bytes | None = None) -> Page:
    """Parse ``text`` once and return the Page every later stage works on. ``utf8``, when
    given, is ``text`` encoded as UTF-8 (what the parser reads; it spares a second encode)."""
    tree = LexborHTMLParser(utf8 if utf8 is not None else text, options=_AS_PARSED)
    inventory = take(tree)
    base_url = parseable(_base_url(tree, inventory, parseable(url)))
    html = tree.root
    lang = dir_ = None
    if html is not None and html.tag == "html":
        attrs = html.attributes
        lang = (attrs.get("lang") or attrs.get("xml:lang") or "").strip() or None
        dir_ = (attrs.get("dir") or "").strip().lower() or None
    # The document's <title>, not an inline SVG icon's.
    title = inventory.head_title or tree.css_first("title:not(svg title)")
    return Page(
        tree=tree,
        url=url,
        base_url=base_url,
        title_tag=" ".join(title.text().split()) if title is not None else "",
        lang=lang,
        dir=dir_,
        canonical=_canonical(tree, inventory, base_url),
        jsonld=read_jsonld(tree, inventory),
        meta=read_meta(inventory),
        inventory=inventory,
    )


def parse_fragment(html: str) -> LexborNode | None:
    """The <body> of a separately parsed HTML fragment (the fallback's answer)."""
    return LexborHTMLParser(html).body


def _base_url(tree: LexborHTMLParser, inventory: Inventory, url: str | None) -> str | None:
    # Few pages have a <base>: the selector runs only for those that do.
    base = tree.css_first("base[href]") if inventory.bases else None
    href = (base.attributes.get("href") or "").strip() if base is not None else ""
    if not href:
        return url
    if url:
        return join(url, href)
    return href if href.startswith(("http://", "https://")) else None


def _canonical(tree: LexborHTMLParser, inventory: Inventory, base_url: str | None) -> str | None:
    link = _canonical_link(tree, inventory.links)
    href = (link.attributes.get("href") or "").strip() if link is not None else ""
    if not href:
        return None
    return join(base_url, href)


def _canonical_link(tree: LexborHTMLParser, links: list[LexborNode]) -> LexborNode | None:
    """``tree.css_first('link[rel="canonical"][href]')`` read from the walk's links.

    Lexbor compares ``rel`` ASCII-case-insensitively (HTML lists it among such attributes),
    and its ``[href]`` also matches an ``<svg>`` element's ``xlink:href``: the first link
    with that ``rel`` is the answer when it has a plain ``href``; a link without one (how
    its attributes were written is not known here) is left to the selector.
    """
    for node in links:
        attrs = node.attributes
        if _ascii_lower(attrs.get("rel")) == "canonical":
            if "href" in attrs:
                return node
            return tree.css_first('link[rel="canonical"][href]')
    return None


def _ascii_lower(value: str | None) -> str | None:
    """``value`` lower-cased as Lexbor compares case-insensitive attribute values (ASCII only:
    ``str.lower`` would also fold the Kelvin sign to "k")."""
    return value.lower() if value is not None and value.isascii() else value


def read_meta(inventory: Inventory) -> dict[str, str]:
    """``<meta>`` content by lower-cased property/name/itemprop; the first value wins."""
    meta: dict[str, str] = {}
    for node in inventory.metas:  # ("meta[content]" would be a walk more: content is checked)
        attrs = node.attributes
        content = (attrs.get("content") or "").strip()
        if not content:
            continue
        for key in _META_KEYS:
            name = attrs.get(key)
            if name:
                meta.setdefault(name.strip().lower(), content)
    return meta


def read_jsonld(tree: LexborHTMLParser, inventory: Inventory) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, ``@graph`` and top-level lists flattened."""
    objects: list[dict[str, Any]] = []
    for node in _jsonld_scripts(tree, inventory):
        raw = node.text(deep=True)
        if not raw or len(raw) > _MAX_JSONLD_BYTES:
            continue
        try:
            data = json.loads(_unwrap(raw), strict=False)
        except ValueError:
            continue
        _flatten(data, objects)
    return objects


def _jsonld_scripts(tree: LexborHTMLParser, inventory: Inventory) -> list[LexborNode]:
    """``tree.css('script[type="application/ld+json"]')``, read from the walk's scripts.

    Lexbor compares ``type`` ASCII-case-insensitively (HTML lists it among such attributes),
    and its ``[type]`` also reads an ``<svg>`` script's ``xlink:type``: a script with an
    attribute so named sends the question back to the selector.
    """
    scripts = []
    for node in inventory.scripts:
        attrs = node.attributes  # one dict: a missing key costs ``attrs.get`` an exception
        if "xlink:type" in attrs:
            return tree.css(_JSONLD)
        if _ascii_lower(attrs.get("type")) == _JSONLD_TYPE:
            scripts.append(node)
    return scripts


def _unwrap(raw: str) -> str:
    """The JSON of a JSON-LD block: without its CDATA or comment wrapper, blanks and a
    trailing ';'. (Only the ends are looked at: a regex found the closer in a scan of
    the whole block that cost more than parsing its JSON.)"""
    body = raw.strip()
    for opener in _JSONLD_OPENERS:
        if body.startswith(opener):
            body = body[len(opener):]
            break
    if body.endswith(_JSONLD_CLOSERS):
        body = body[:-3]
    return body.strip().rstrip(";")


def _flatten(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            _flatten(item, out, depth + 1)
    elif isinstance(data, dict):
        out.append(data)
        graph = data.get("@graph")
        if isinstance(graph, list):
            _flatten(graph, out, depth + 1)
