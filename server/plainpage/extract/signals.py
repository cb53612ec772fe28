"""Signals stage: text statistics for the nodes that hold text, and their ancestors.

Pure: reads the tree, returns a ``Signals`` map keyed by ``mem_id``. It starts from the
text-bearing elements and walks up, instead of visiting every node of the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from ..options import Options
from .measure import link_chars, nonspace
from .page import Page
from .patterns import COMMAS, class_weight
from .selectors import class_and_id

# Elements scored by their whole text.
_DEEP_UNITS = "p, pre, h2, h3, h4, h5, h6"
# Elements scored by their own direct text only: their block children are units themselves,
# and link text in them is not counted (it sits in <a> children).
_DIRECT_UNITS = "div, section, article, main, li, td, dd, blockquote, th, span, font, center"
_MIN_UNIT_CHARS = 22  # non-space characters
_ANCESTOR_LEVELS = 5  # how far up a unit's score spreads (the parent full, then less)
_FURNITURE = frozenset({"aside", "footer", "nav"})
_CONTAIN = 0.25  # what passes up out of a comments section, sidebar or footer
# Readability's starting scores by tag: containers of prose up, lists, headings and
# landmarks of page furniture down.
_TAG_BONUS = {
    "div": 5, "article": 8, "main": 5, "section": 2, "pre": 3, "td": 3, "blockquote": 3,
    "form": -3, "ol": -3, "ul": -3, "dl": -3, "li": -3, "address": -3, "th": -5,
    "h1": -5, "h2": -5, "h3": -5, "h4": -5, "h5": -5, "h6": -5, "nav": -25, "aside": -25,
    "footer": -25, "header": -10,
}


#: A node and its ancestors, innermost first: (mem_id, tag, node).
Chain = tuple[tuple[int, str | None, LexborNode], ...]


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
    #: not inside a nav/aside/footer below it, the part not inside those nor inside a
    #: comments/sidebar/related block below it]. Link text is never counted.
    mass: dict[int, list[int]] = field(default_factory=dict)
    total_chars: int = 0

    def good_chars(self, node: LexborNode, plain: bool = False) -> int:
        """Non-link unit text under ``node``, furniture (nav, aside, footer) left out, and
        with ``plain`` also comment sections, sidebars and related lists."""
        totals = self.mass.get(node.mem_id)
        return totals[2 if plain else 1] if totals is not None else 0


def compute(page: Page, options: Options) -> Signals:
    """Score every text unit and spread the scores to its ancestors."""
    sig = Signals()
    body = page.body
    if body is None:
        return sig
    chains: dict[int, Chain] = {}
    for node in body.css(_DEEP_UNITS):
        text = node.text()
        if len(text) >= _MIN_UNIT_CHARS:  # the raw length bounds the normalised one
            _add_unit(sig, node, text, True, chains)
    for node in body.css(_DIRECT_UNITS):
        text = node.text(deep=False)
        if len(text) >= _MIN_UNIT_CHARS:
            _add_unit(sig, node, text, False, chains)
    _total_mass(sig, chains)
    return sig


def node_weight(node: LexborNode) -> int:
    """Class/id weight of one node (cached per distinct class/id string)."""
    return class_weight(class_and_id(node).strip())


def _add_unit(sig: Signals, node: LexborNode, text: str, deep: bool,
              chains: dict[int, Chain]) -> None:
    chars = nonspace(text)
    if chars < _MIN_UNIT_CHARS:
        return
    links = link_chars(node) if deep else 0
    commas = sum(text.count(c) for c in COMMAS)
    score = 1 + commas + min(chars // 100, 3)
    if links:
        score *= max(0.0, 1 - links / chars)
    sig.units.append(Unit(node, chars, links, commas, score))
    sig.total_chars += chars - links
    # A direct-text unit is itself a container: it takes the full score first.
    start = node if not deep else node.parent
    if start is not None:
        _spread(sig, _chain(start, chains), score, chars - links)


def _chain(node: LexborNode, chains: dict[int, Chain]) -> Chain:
    """``node`` and its ancestors below <html>, as (mem_id, tag, node), memoised: units
    share most of their ancestors, and a Lexbor ``.parent`` step is the costly part."""
    path = []
    current: LexborNode | None = node
    known: Chain = ()
    while current is not None:
        key = current.mem_id
        cached = chains.get(key)
        if cached is not None:
            known = cached
            break
        tag = current.tag
        if tag in ("html", "-document"):
            break
        path.append((key, tag, current))
        current = current.parent
    for entry in reversed(path):
        known = (entry, *known)
        chains[entry[0]] = known
    return known


def _spread(sig: Signals, chain: Chain, score: float, chars: int) -> None:
    stats = sig.stats
    for level, (key, tag, current) in enumerate(chain[:_ANCESTOR_LEVELS]):
        stat = stats.get(key)
        if stat is None:
            stat = stats[key] = _new_stat(current)
        stat.score += score / (1 if level == 0 else (2 if level == 1 else level * 3))
        stat.units += 1
        stat.unit_chars += chars
        if stat.weight < 0 or tag in _FURNITURE:
            # A comments section, sidebar or footer keeps its score to itself, so that its
            # text does not lift the page container above the article.
            score *= _CONTAIN
    key, tag, node = chain[0]
    own = sig.mass.get(key)
    free = 0 if tag in _FURNITURE else chars
    plain = 0 if free == 0 or _is_aside(tag, node) else chars
    if own is None:
        sig.mass[key] = [chars, free, plain]
    else:
        own[0] += chars
        own[1] += free
        own[2] += plain


def _is_aside(tag: str | None, node: LexborNode) -> bool:
    """Furniture, or a block whose class/id names a comments section, sidebar, related
    list …: text below it is not the article's, though it may be the page's (forums)."""
    return tag in _FURNITURE or node_weight(node) < 0


def _total_mass(sig: Signals, chains: dict[int, Chain]) -> None:
    """Add each node's unit text to all its ancestors, deepest nodes first (one pass over
    the nodes instead of one walk to the root per unit)."""
    mass = sig.mass
    for chain in sorted(chains.values(), key=len, reverse=True):
        if len(chain) < 2:
            continue
        totals = mass.get(chain[0][0])
        if totals is None:
            continue
        parent = mass.get(chain[1][0])
        # Above a nav/aside/footer its text is furniture, not content; above a comments
        # section or a sidebar it is not plain article text.
        key, tag, node = chain[0]
        free = 0 if tag in _FURNITURE else totals[1]
        plain = 0 if free == 0 or _is_aside(tag, node) else totals[2]
        if parent is None:
            mass[chain[1][0]] = [totals[0], free, plain]
        else:
            parent[0] += totals[0]
            parent[1] += free
            parent[2] += plain


def _new_stat(node: LexborNode) -> NodeStat:
    weight = node_weight(node)
    return NodeStat(node=node, score=float(_TAG_BONUS.get(node.tag or "", 0) + weight),
                    weight=weight)
