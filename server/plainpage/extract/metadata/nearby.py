"""The short texts around the article's headline, where pages print their byline and date.

Many pages state their author and date only in the visible header ("By Jane Doe · May 3,
2019" just under the ``<h1>``), with no JSON-LD or ``<meta>`` to say so. Reading a few text
nodes on each side of the headline finds them without trusting dates and names elsewhere
on the page (sidebars, comments, related stories). Walks are bounded and never use CSS.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from ..page import Page
from .sources import simplified

# Subtrees whose text is never shown as text (``clean`` drops most of them; tests may not).
_UNSHOWN = frozenset({"script", "style", "noscript", "template", "svg", "head", "title",
                      "button", "select", "option", "textarea"})
_MAX_HEADINGS = 4
_MAX_H2 = 6
_SAME_WORDS = 0.6
_WORD = re.compile(r"\w+")
_AFTER, _BEFORE = 20, 6  # non-empty text nodes read after / before the headline
_MAX_TEXT = 150


@dataclass(frozen=True, slots=True)
class Near:
    """One text node near the headline: its text (one line), its element, its distance
    (1 = the first text after the headline, -1 the last before it) and the text before it."""

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
    after = list(_collect(_forward(start), _AFTER, 1))
    before = list(_collect(_backward(start), _BEFORE, -1))
    # The text just before a date labels it ("Updated:"), so each Near carries it.
    out = []
    for i, near in enumerate(after):
        prev = after[i - 1].text if i else ""
        out.append(Near(near.text, near.element, near.distance, prev))
    for i, near in enumerate(before):
        prev = before[i + 1].text if i + 1 < len(before) else ""
        out.append(Near(near.text, near.element, near.distance, prev))
    return sorted(out, key=lambda near: (abs(near.distance), near.distance < 0))


def _collect(nodes: Iterator[LexborNode], limit: int, sign: int) -> Iterator[Near]:
    count = 0
    for node in nodes:
        text = " ".join((node.text_content or "").split())
        if not text:
            continue
        count += 1
        if count > limit:
            return
        if len(text) <= _MAX_TEXT and node.parent is not None:
            yield Near(text, node.parent, sign * count, "")


def _forward(start: LexborNode) -> Iterator[LexborNode]:
    """Text nodes after ``start``'s subtree, in document order."""
    node = _after(start)
    while node is not None:
        if node.is_text_node:
            yield node
        if node.is_element_node and node.tag not in _UNSHOWN and node.child is not None:
            node = node.child
        else:
            node = _after(node)


def _after(node: LexborNode) -> LexborNode | None:
    while node is not None:
        if node.next is not None:
            return node.next
        node = node.parent
        if node is not None and node.tag in ("body", "html"):
            return None
    return None


def _backward(start: LexborNode) -> Iterator[LexborNode]:
    """Text nodes before ``start``, nearest first (reverse document order)."""
    node: LexborNode | None = start
    while node is not None:
        if node.prev is not None:
            node = node.prev
            while (node.is_element_node and node.tag not in _UNSHOWN
                   and node.last_child is not None):
                node = node.last_child
            if node.is_text_node:
                yield node
            continue
        node = node.parent
        if node is None or node.tag in ("body", "html"):
            return


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
