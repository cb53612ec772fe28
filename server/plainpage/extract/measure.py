"""How much text a node holds, how much of it is links, and which node holds which.

The one length measure of the extractor is the count of non-whitespace characters: it
needs no word list, so it costs a few C passes even on a big container.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

# A link with this much text (a card, a teaser with its summary) is content, not a link.
CARD_LINK_CHARS = 100


def nonspace(text: str) -> int:
    """Characters of ``text`` that are not whitespace."""
    return (len(text) - text.count(" ") - text.count("\n") - text.count("\t")
            - text.count("\r") - text.count("\xa0"))


def text_size(node: LexborNode) -> int:
    """Non-whitespace characters of the text under ``node``."""
    return nonspace(node.text())


def link_chars(node: LexborNode) -> int:
    """Non-whitespace characters of link text under ``node`` (card-sized links excepted)."""
    total = 0
    for link in node.css("a"):
        size = nonspace(link.text())
        if size < CARD_LINK_CHARS:
            total += size
    return total


def link_density(node: LexborNode) -> float:
    """Share of a node's text that sits inside links."""
    total = text_size(node)
    return min(1.0, link_chars(node) / total) if total else 0.0


def contains(ancestor: LexborNode, node: LexborNode) -> bool:
    """True when ``node`` is ``ancestor`` or lies under it (compared by ``mem_id``)."""
    target = ancestor.mem_id
    current: LexborNode | None = node
    while current is not None:
        if current.mem_id == target:
            return True
        current = current.parent
    return False
