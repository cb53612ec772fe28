"""The standfirst: the lead paragraph (dek) a news page sets between headline and body.

Sites mark it ("lead", "intro", "perex", "chapo", "standfirst", "dek" …) and put it
outside the body container, in the article header or just before the body. A reader shows
it under the title (``Article.standfirst``); it is not body text (the Zyte and WCXB ground
truths leave it out of the article too).
"""

from __future__ import annotations

import re
from functools import lru_cache

from selectolax.lexbor import LexborNode

from .measure import find_tags, first_tag, link_density, nonspace, tag_id
from .selectors import class_and_id

_LEVELS = 3  # how far up from the body the elements before it are searched
_SIBLINGS = 4  # element siblings before each of those searched
_MIN_CHARS = 40  # a standfirst is a sentence or more …
_MAX_CHARS = 1200  # … and a paragraph or two, not a section
_CONTAINER_CHARS = 1500  # a block before the body searched inside for a marked lead
_MAX_LINKS = 0.3
_WORD_RE = re.compile(r"[a-z]+")
_LEAD_WORDS = frozenset({
    "lead", "lede", "intro", "perex", "standfirst", "summary", "excerpt", "dek", "deck",
    "chapo", "chapeau", "sapo", "subtitle", "subheadline", "subheading", "abstract",
    "strapline", "teaser", "entradilla", "bajada", "sottotitolo", "occhiello", "catchline",
})
_TAGS = frozenset(tag_id(tag) for tag in ("p", "div", "h2", "h3", "section", "span"))
_H1 = tag_id("h1")


def standfirst(root: LexborNode, title: str | None) -> LexborNode | None:
    """The marked lead paragraph just before ``root`` (up to a few levels up), if any."""
    if _marked(first_tag(root, _TAGS)):
        return None  # the body starts with its own lead
    node: LexborNode | None = root
    for _ in range(_LEVELS):
        if node is None or node.tag in ("body", "html", "article", "main"):
            return None
        sibling = node.prev
        steps = 0
        while sibling is not None and steps < _SIBLINGS:
            if sibling.is_element_node:
                found = _lead_in(sibling, title)
                if found is not None:
                    return found
                steps += 1
            sibling = sibling.prev
        node = node.parent
    return None


def _lead_in(block: LexborNode, title: str | None) -> LexborNode | None:
    if _marked(block):
        return block if _reads_as_lead(block, title) else None
    text = block.text_lexbor()  # an element's text(), cheaper (measure.text_size)
    if len(text) > _CONTAINER_CHARS and nonspace(text) > _CONTAINER_CHARS:  # len bounds it
        return None
    for node in find_tags(block, _TAGS):
        if _marked(node) and _reads_as_lead(node, title):
            return node
    return None


def _marked(node: LexborNode | None) -> bool:
    if node is None:
        return False
    return _names_lead(class_and_id(node))


@lru_cache(maxsize=4096)
def _names_lead(names: str) -> bool:
    """True when a class/id string holds a lead word (a regex per node costs more than
    the walk: cached per distinct string)."""
    names = names.lower()
    return bool(names) and not _LEAD_WORDS.isdisjoint(_WORD_RE.findall(names))


def _reads_as_lead(node: LexborNode, title: str | None) -> bool:
    """Prose of a paragraph's size, not the headline (nor a header block holding it)."""
    text = " ".join(node.text(separator=" ").split())
    size = nonspace(text)
    if not _MIN_CHARS <= size <= _MAX_CHARS or first_tag(node, _H1) is not None:
        return False
    if title and title.casefold()[:40] in text.casefold():
        return False
    return link_density(node) < _MAX_LINKS
