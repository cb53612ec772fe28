"""How much text a node holds, how much of it is links, and which node holds which.

The one length measure of the extractor is the count of non-whitespace characters: it
needs no word list, so it costs a few C passes even on a big container.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .strings import nonspace

T = TypeVar("T")

# A link with this much text (a card, a teaser with its summary) is content, not a link.
CARD_LINK_CHARS = 100


# Where the parser keeps a tag: table parts only inside a table.
_PROBES = ("{0}", "<table>{0}</table>", "<table><tr>{0}</tr></table>")


def tag_id(name: str) -> int:
    """Lexbor's numeric id of a standard tag (fixed for every document)."""
    for probe in _PROBES:
        node = LexborHTMLParser(probe.format(f"<{name}></{name}>")).css_first(name)
        if node is not None:
            return node.tag_id
    raise ValueError(f"<{name}> is not a tag the parser keeps in a probe document")


def _text_id() -> int:
    node = LexborHTMLParser("<p>t</p>").css_first("p")
    assert node is not None and node.first_child is not None
    return node.first_child.tag_id


def _document_id() -> int:
    root = LexborHTMLParser("<p>t</p>").root
    assert root is not None and root.parent is not None
    return root.parent.tag_id


_A = tag_id("a")
#: The tag id of a text node.
TEXT_ID = _text_id()
#: The tag id of the document node above <html>.
DOCUMENT_ID = _document_id()


def find_tags(node: LexborNode, tag_ids: frozenset[int] | int) -> list[LexborNode]:
    """``node.css("a")`` (or a list of tags) for a small subtree, ``node`` itself included
    as there. Each ``css()`` call parses its selector anew, about 5 µs; a Python walk
    costs 0.15 µs a node, so it wins on the paragraph- and box-sized blocks it is for."""
    if isinstance(tag_ids, int):
        return [sub for sub in node.traverse() if sub.tag_id == tag_ids]
    return [sub for sub in node.traverse() if sub.tag_id in tag_ids]


def first_tag(node: LexborNode, tag_ids: frozenset[int] | int) -> LexborNode | None:
    """``node.css_first(…)`` for tags, as ``find_tags``: the first match in document order."""
    if isinstance(tag_ids, int):
        tag_ids = frozenset((tag_ids,))
    for sub in node.traverse():
        if sub.tag_id in tag_ids:
            return sub
    return None


def text_size(node: LexborNode) -> int:
    """Non-whitespace characters of the text under ``node``."""
    # For an element, Lexbor's own text content is the same string as ``text()`` and up to
    # a quarter cheaper on the small elements measured most (no argument parsing, no
    # Python text container). The ``text_lexbor()`` calls elsewhere refer here.
    return nonspace(node.text_lexbor() if node.is_element_node else node.text())


def link_chars(node: LexborNode) -> int:
    """Non-whitespace characters of link text under ``node`` (card-sized links excepted)."""
    total = 0
    for link in find_tags(node, _A):
        size = nonspace(link.text_lexbor())  # an element's text(), cheaper (text_size)
        if size < CARD_LINK_CHARS:
            total += size
    return total


def link_density(node: LexborNode) -> float:
    """Share of a node's text that sits inside links."""
    total = text_size(node)
    return min(1.0, link_chars(node) / total) if total else 0.0


def walk_up(node: LexborNode | None, known: dict[int, T],
            verdict: Callable[[LexborNode, str], T | None], default: T) -> T:
    """The first ``verdict`` from ``node`` up (``node`` included, <body> excluded), else
    ``default``. ``known`` holds the answer for every node walked through and is asked
    first: nested candidates share their ancestors, so most walks stop after a step."""
    path = []
    found = default
    while node is not None:
        key = node.mem_id
        cached = known.get(key)
        if cached is not None:
            found = cached
            break
        tag = node.tag
        if tag in ("body", "html"):
            break
        path.append(key)
        said = verdict(node, tag)
        if said is not None:
            found = said
            break
        node = node.parent
    for key in path:
        known[key] = found
    return found


def contains(ancestor: LexborNode, node: LexborNode) -> bool:
    """True when ``node`` is ``ancestor`` or lies under it (compared by ``mem_id``)."""
    target = ancestor.mem_id
    current: LexborNode | None = node
    while current is not None:
        if current.mem_id == target:
            return True
        current = current.parent
    return False
