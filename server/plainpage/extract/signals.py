"""Signals stage: text statistics for the nodes that hold text, and their ancestors.

Pure: reads the tree, returns a ``Signals`` map keyed by ``mem_id``. It starts from the
text-bearing elements and walks up, instead of visiting every node of the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from ..options import Options
from .page import Page
from .patterns import COMMAS, class_weight

# Elements scored by their whole text.
_DEEP_UNITS = "p, pre, h2, h3, h4, h5, h6"
# Elements scored by their own direct text only: their block children are units themselves,
# and link text in them is not counted (it sits in <a> children).
_DIRECT_UNITS = "div, section, article, main, li, td, dd, blockquote, th, span, font, center"
_MIN_UNIT_CHARS = 25
_ANCESTOR_LEVELS = 5
_FURNITURE = frozenset({"aside", "footer", "nav"})
_CONTAIN = 0.25
_TAG_BONUS = {
    "div": 5, "article": 8, "main": 5, "section": 2, "pre": 3, "td": 3, "blockquote": 3,
    "form": -3, "ol": -3, "ul": -3, "dl": -3, "li": -3, "address": -3, "th": -5,
    "h1": -5, "h2": -5, "h3": -5, "h4": -5, "h5": -5, "h6": -5, "nav": -25, "aside": -25,
    "footer": -25, "header": -10,
}


@dataclass(slots=True)
class NodeStat:
    """What is known of one container: its accumulated content score and weights."""

    node: LexborNode
    score: float
    weight: int
    units: int = 0
    unit_chars: int = 0
    #: True once candidates scaled ``score`` by link density and ancestry.
    final: bool = False


@dataclass(slots=True)
class Unit:
    """A text-bearing element: a paragraph, or a container's own direct text."""

    node: LexborNode
    chars: int
    link_chars: int
    commas: int
    score: float


@dataclass(slots=True)
class Signals:
    """Units in document order and the scored containers above them."""

    units: list[Unit] = field(default_factory=list)
    stats: dict[int, NodeStat] = field(default_factory=dict)
    #: For every ancestor of a unit: [text chars of the units below it, the part of those
    #: not inside a nav/aside/footer below it]. Link text is never counted.
    mass: dict[int, list[int]] = field(default_factory=dict)
    total_chars: int = 0

    def good_chars(self, node: LexborNode) -> int:
        """Non-link unit text under ``node``, furniture (nav, aside, footer) left out."""
        totals = self.mass.get(node.mem_id)
        return totals[1] if totals is not None else 0


def compute(page: Page, options: Options) -> Signals:
    """Score every text unit and spread the scores to its ancestors."""
    sig = Signals()
    body = page.body
    if body is None:
        return sig
    for node in body.css(_DEEP_UNITS):
        _add_unit(sig, node, node.text(), deep=True)
    for node in body.css(_DIRECT_UNITS):
        _add_unit(sig, node, node.text(deep=False), deep=False)
    return sig


def node_weight(node: LexborNode) -> int:
    """Class/id weight of one node (cached per distinct class/id string)."""
    attrs = node.attributes
    key = (attrs.get("class") or "") + " " + (attrs.get("id") or "")
    return class_weight(key.strip())


def _add_unit(sig: Signals, node: LexborNode, text: str, *, deep: bool) -> None:
    words = text.split()
    chars = sum(map(len, words)) + len(words)
    if chars < _MIN_UNIT_CHARS:
        return
    link_chars = _link_chars(node) if deep else 0
    commas = sum(text.count(c) for c in COMMAS)
    score = 1 + commas + min(chars // 100, 3)
    if link_chars:
        score *= max(0.0, 1 - link_chars / chars)
    sig.units.append(Unit(node, chars, link_chars, commas, score))
    sig.total_chars += chars - link_chars
    _spread(sig, node, score, chars - link_chars, deep)


def _spread(sig: Signals, node: LexborNode, score: float, chars: int, deep: bool) -> None:
    # A direct-text unit is itself a container: it takes the full score first.
    current = node if not deep else node.parent
    stats, mass = sig.stats, sig.mass
    level = 0
    free = chars
    while current is not None:
        tag = current.tag
        if tag in ("html", "-document"):
            return
        key = current.mem_id
        if level < _ANCESTOR_LEVELS:
            stat = stats.get(key)
            if stat is None:
                stat = stats[key] = _new_stat(current)
            stat.score += score / (1 if level == 0 else (2 if level == 1 else level * 3))
            stat.units += 1
            stat.unit_chars += chars
            if stat.weight < 0 or tag in _FURNITURE:
                # A comments section, sidebar or footer keeps its score to itself, so that
                # its text does not lift the page container above the article.
                score *= _CONTAIN
        if tag in _FURNITURE:
            free = 0  # above a nav/aside/footer this text is furniture, not content
        totals = mass.get(key)
        if totals is None:
            mass[key] = [chars, free]
        else:
            totals[0] += chars
            totals[1] += free
        level += 1
        current = current.parent


def _new_stat(node: LexborNode) -> NodeStat:
    weight = node_weight(node)
    return NodeStat(node=node, score=float(_TAG_BONUS.get(node.tag or "", 0) + weight),
                    weight=weight)


def _link_chars(node: LexborNode) -> int:
    total = 0
    for link in node.css("a"):
        total += len(" ".join(link.text().split()))
    return total
