"""The text units signals scores, found in one walk over the body.

A deep unit (p, pre, h2–h6) is measured by its whole text, a direct one (div, li, td …) by
its own text nodes only: its block children are units themselves, and link text in it sits
in <a> children. Either is a unit when it holds at least ``MIN_CHARS`` characters that are
not white space. ``find`` returns both kinds in document order, each unit as (node, its
non-space characters, its commas, the text of its links: ``measure.link_chars``, for the
deep ones).

In C (``_walks.units``, see ``cwalks``) where it is bound and answers a probe page as the
walk here does; in Python otherwise. The C walk makes a node object for each unit only,
the Python walk one for every element and a str of every candidate's text
(tests/test_units.py holds the two to each other).
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .cwalks import WALKS, agrees, table
from .measure import CARD_LINK_CHARS, tag_id
from .patterns import COMMAS
from .strings import nonspace

__all__ = ["DEEP", "DIRECT", "IN_C", "MIN_CHARS", "Unit", "find"]

#: Elements scored by their whole text.
DEEP = frozenset(tag_id(tag) for tag in ("p", "pre", "h2", "h3", "h4", "h5", "h6"))
#: Elements scored by their own direct text only.
DIRECT = frozenset(tag_id(tag) for tag in (
    "div", "section", "article", "main", "li", "td", "dd", "blockquote", "th", "span", "font",
    "center"))
MIN_CHARS = 22  # non-space characters
_OTHER_COMMAS = tuple(comma for comma in COMMAS if comma != ",")
_A = tag_id("a")
_LINK_STEPS = 20_000  # elements link counting walks before the page's elements are counted

#: A unit: (node, non-space characters of its text, clause separators in it, link text).
Unit = tuple[LexborNode, int, int, int]


def find(body: LexborNode, tree: LexborHTMLParser, *, in_c: bool = True
         ) -> tuple[list[Unit], list[Unit]]:
    """(deep units, direct units) under ``body`` (itself included), each in document order.
    ``in_c``: with the walk in C when it is at hand (the tests compare the two)."""
    # (a node of another tree would outlive its own: the C walk's nodes keep ``tree`` alive)
    if in_c and IN_C and body.parser is tree:
        found = WALKS.units(body.mem_id, tree, *_C_ARGUMENTS)
        if found is not None:
            return found
    return _find(body)


def _find(body: LexborNode) -> tuple[list[Unit], list[Unit]]:
    deep: list[Unit] = []
    direct: list[Unit] = []
    budget = _Budget(body)
    for node in body.traverse():
        tid = node.tag_id
        if tid in DIRECT:  # the commoner kind tested first
            text = node.text(deep=False)
            # the raw length bounds the non-space count, which bounds the unit
            if len(text) >= MIN_CHARS and (chars := nonspace(text)) >= MIN_CHARS:
                direct.append((node, chars, _commas(text), 0))
        elif tid in DEEP:
            text = node.text_lexbor()  # ``text()`` of an element, cheaper (measure.text_size)
            if len(text) >= MIN_CHARS and (chars := nonspace(text)) >= MIN_CHARS:
                deep.append((node, chars, _commas(text), budget.link_chars(node)))
    return deep, direct


class _Budget:
    """Link counting, bounded. Paragraph-like units do not nest in real pages, so counting
    their links walks each element once at most; hostile markup nests them
    (<h2><a><h2><a>…) and would make it depth × size: past twice the page's elements
    (counted once, only on pages that use up a first allowance), links are not counted."""

    __slots__ = ("body", "left")

    def __init__(self, body: LexborNode) -> None:
        self.left = _LINK_STEPS
        self.body: LexborNode | None = body

    def link_chars(self, node: LexborNode) -> int:
        """``measure.link_chars(node)`` while the budget lasts, then 0."""
        if self.left <= 0:
            if self.body is None:
                return 0
            self.left += 2 * len(self.body.css("*")) - _LINK_STEPS
            self.body = None
            if self.left <= 0:
                return 0
        total = steps = 0
        for sub in node.traverse():
            steps += 1
            if sub.tag_id == _A:
                size = nonspace(sub.text_lexbor())  # ``text()``, cheaper (measure.text_size)
                if size < CARD_LINK_CHARS:
                    total += size
        self.left -= steps
        return total


def _commas(text: str) -> int:
    """Clause separators (``patterns.COMMAS``) in ``text``; an ASCII text has only ",", and
    in another a separator is counted only where ``in``, a much faster scan, finds it."""
    count = text.count(",")
    if not text.isascii():
        for comma in _OTHER_COMMAS:
            if comma in text:
                count += text.count(comma)
    return count


_C_ARGUMENTS = (table(DEEP), table(DIRECT), MIN_CHARS, _A, CARD_LINK_CHARS, _LINK_STEPS)
# The probe: every kind of unit and text the walk meets (text nodes split by comments and
# elements, nested units, non-ASCII spaces and commas, short texts, an empty element).
_PROBE = (
    "<body><div>Direct text of a division, <b>bold</b> and more of it<!-- c --> here.</div>"
    "<p>A paragraph, deep: <a href=/>with a link</a> and\u00a0enough words、to count.</p>"
    "<pre>Preformatted <a>and linked <b>text</b></a> of a deep unit.</pre>"
    "<ul><li>Short</li><li>An item long enough to be one unit，with a comma.</li></ul>"
    "<section><h2>A heading of twenty-two characters</h2><span></span>"
    "<td>Кириллица, пробелы\u00a0и запятые،؛ в одной строке</td></section></body>"
)


#: Whether ``find`` walks in C: it is bound and finds the probe's units as ``_find`` does.
IN_C = agrees(_PROBE, lambda tree, body: WALKS.units(body.mem_id, tree, *_C_ARGUMENTS),
              lambda _, body: _find(body))
