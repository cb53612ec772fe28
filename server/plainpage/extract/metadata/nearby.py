"""The short texts around the article's headline, where pages print their byline and date.

Many pages state their author and date only in the visible header ("By Jane Doe · May 3,
2019" just under the ``<h1>``), with no JSON-LD or ``<meta>`` to say so. Reading a few text
nodes on each side of the headline finds them without trusting dates and names elsewhere
on the page (sidebars, comments, related stories). Walks are bounded and never use CSS.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from selectolax.lexbor import LexborNode

from ..measure import TEXT_ID, tag_id
from ..page import Page
from .sources import simplified

# Subtrees whose text is never shown as text (``clean`` drops most of them; tests may not).
# Compared by tag id: reading a node's ``tag`` builds a string.
_UNSHOWN = frozenset(tag_id(tag) for tag in (
    "script", "style", "noscript", "template", "svg", "head", "title", "button", "select",
    "option", "textarea"))
_TOP = frozenset((tag_id("body"), tag_id("html")))
_MAX_HEADINGS = 4
_MAX_H2 = 6
_SAME_WORDS = 0.6
_WORD = re.compile(r"\w+")
_AFTER, _BEFORE = 20, 6  # non-empty text nodes read after / before the headline
_MAX_TEXT = 150
_MAX_WORDS = _MAX_TEXT // 2  # each word and the space after it take two characters or more


class Near(NamedTuple):
    """One text node near the headline: its text (one line), its element, its distance
    (1 = the first text after the headline, -1 the last before it) and the text before it.
    (A named tuple: a page reads up to 26 of them, and a frozen dataclass costs 4× more.)"""

    text: str
    element: LexborNode
    distance: int
    previous: str


def headline(page: Page, title: str | None) -> LexborNode | None:
    """The page's headline element: the h1 that carries the title, else the first h1; on
    a page without h1, the h2 that carries the title."""
    body = page.body
    if body is None:
        return None
    h1s = [node for node in body.css("h1")[:_MAX_HEADINGS] if node.text(deep=True).strip()]
    if not title:
        return h1s[0] if h1s else None
    for node in h1s or body.css("h2")[:_MAX_H2]:
        if _carries(node, title):
            return node
    return h1s[0] if h1s else None


def _carries(node: LexborNode, title: str) -> bool:
    """Whether a heading's text is the title (one may hold the other, or most words agree)."""
    text = node.text(deep=True)
    key, found = simplified(title), simplified(text)
    return bool(found) and (found in key or key in found or _dice(text, title) >= _SAME_WORDS)


def _dice(text: str, other: str) -> float:
    words, others = set(_WORD.findall(text.lower())), set(_WORD.findall(other.lower()))
    return 2 * len(words & others) / (len(words) + len(others)) if words and others else 0.0


def around(start: LexborNode) -> list[Near]:
    """Short texts near ``start``, nearest first; after it before before it at equal
    distance (pages put the byline under the headline more often than above it)."""
    after = _collect(_forward(start), _AFTER, 1)
    before = _collect(_backward(start), _BEFORE, -1)
    # The text just before a date labels it ("Updated:"), so each Near carries it.
    out = [Near(text, element, distance, after[i - 1][0] if i else "")
           for i, (text, element, distance) in enumerate(after)]
    out += [Near(text, element, distance, before[i + 1][0] if i + 1 < len(before) else "")
            for i, (text, element, distance) in enumerate(before)]
    return sorted(out, key=lambda near: (abs(near.distance), near.distance < 0))


def _collect(nodes: Iterator[LexborNode], limit: int,
             sign: int) -> list[tuple[str, LexborNode, int]]:
    """(text, element, distance) of the short texts among the first ``limit`` non-empty
    text nodes of ``nodes``."""
    found = []
    count = 0
    for node in nodes:
        raw = node.text_content
        if not raw or raw.isspace():
            continue
        count += 1
        if count > limit:
            break
        # Split no further than a short text can reach: more words than that cannot fit in
        # _MAX_TEXT characters (the texts after a headline are often whole paragraphs).
        words = raw.split(None, _MAX_WORDS)
        if len(words) > _MAX_WORDS:
            continue
        parent = node.parent
        if parent is None:
            continue
        text = " ".join(words)
        if len(text) <= _MAX_TEXT:
            found.append((text, parent, sign * count))
    return found


# The walks below read each node's ``tag_id`` once and each neighbour once: every
# ``next``/``child``/``prev`` read builds a new node object.
def _forward(start: LexborNode) -> Iterator[LexborNode]:
    """Text nodes after ``start``'s subtree, in document order."""
    node = _after(start)
    while node is not None:
        tid = node.tag_id
        if tid == TEXT_ID:
            yield node
        elif tid not in _UNSHOWN:  # only elements have children
            child = node.child
            if child is not None:
                node = child
                continue
        node = _after(node)


def _after(node: LexborNode) -> LexborNode | None:
    while node is not None:
        following = node.next
        if following is not None:
            return following
        node = node.parent
        if node is not None and node.tag_id in _TOP:
            return None
    return None


def _backward(start: LexborNode) -> Iterator[LexborNode]:
    """Text nodes before ``start``, nearest first (reverse document order)."""
    node: LexborNode | None = start
    while node is not None:
        before = node.prev
        if before is None:
            node = node.parent
            if node is None or node.tag_id in _TOP:
                return
            continue
        node = before
        tid = node.tag_id
        while tid != TEXT_ID and tid not in _UNSHOWN:  # the last text inside an element
            last = node.last_child
            if last is None:
                break
            node = last
            tid = node.tag_id
        if tid == TEXT_ID:
            yield node


class Around:
    """The texts around the headline, read on first use (most pages state their byline
    and dates in JSON-LD or ``<meta>``, and never need them)."""

    def __init__(self, page: Page, title: str | None) -> None:
        self._page = page
        self._title = title
        self._texts: list[Near] | None = None

    def texts(self) -> list[Near]:
        """``around`` the headline, nearest first; empty when the page has no h1."""
        if self._texts is None:
            start = headline(self._page, self._title)
            self._texts = around(start) if start is not None else []
        return self._texts
