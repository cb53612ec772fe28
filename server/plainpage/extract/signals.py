"""Signals stage: text statistics for the nodes that hold text, and their ancestors.

Pure: reads the tree, returns a ``Signals`` map keyed by ``mem_id``. It starts from the
text-bearing elements and walks up, instead of visiting every node of the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborNode

from ..options import Options
from . import units as text_units
from .measure import DOCUMENT_ID, nonspace, tag_id, text_size
from .page import Page
from .patterns import class_weight
from .selectors import names_of

_ANCESTOR_LEVELS = 5  # how far up a unit's score spreads (the parent full, then less)
# What a unit's score is divided by at each of those levels (Readability's 1, 2, level×3).
_DIVISORS = (1, 2, *(level * 3 for level in range(2, _ANCESTOR_LEVELS)))
_FURNITURE = frozenset(tag_id(tag) for tag in ("aside", "footer", "nav"))
_TOP = frozenset((tag_id("html"), DOCUMENT_ID))  # where a chain of ancestors ends
_CONTAIN = 0.25  # what passes up out of a comments section, sidebar or footer
# Readability's starting scores by tag: containers of prose up, lists, headings and
# landmarks of page furniture down. Keyed by tag id (``.tag_id`` costs half a ``.tag``),
# as floats: a stat's score starts as one.
_TAG_BONUS = {tag_id(tag): float(bonus) for tag, bonus in {
    "div": 5, "article": 8, "main": 5, "section": 2, "pre": 3, "td": 3, "blockquote": 3,
    "form": -3, "ol": -3, "ul": -3, "dl": -3, "li": -3, "address": -3, "th": -5,
    "h1": -5, "h2": -5, "h3": -5, "h4": -5, "h5": -5, "h6": -5, "nav": -25, "aside": -25,
    "footer": -25, "header": -10,
}.items()}


#: A node on the way from a unit up to <body>: (mem_id, tag id, node, the link of its parent
#: or None at <body>, its depth below <html>). Linked, not a tuple of all ancestors, so
#: adding a node costs the same at any depth.
Link = tuple[Any, ...]


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
    #: Levels below <html> (candidates measures deeper containers first).
    depth: int = 0


@dataclass(slots=True)
class _Start:
    """Where the units of one start node (a unit's parent, or a direct-text unit itself)
    go: per level up, the stat, its divisor and whether the score is contained past it;
    whether their text is free (not furniture) and plain (nor an aside). Their count and
    text are summed here and added to the stats once: integer sums do not depend on the
    order, unlike the float scores, which are added unit by unit."""

    key: int
    free: bool
    plain: bool
    levels: tuple[tuple[NodeStat, int, bool], ...]
    units: int = 0
    chars: int = 0


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

    #: Each unit's fields (as ``Unit`` names them) in document order: tuples cost a tenth
    #: of the objects, and later stages read only the stats (``units`` builds objects).
    unit_rows: list[tuple[LexborNode, int, int, int, float]] = field(default_factory=list)
    stats: dict[int, NodeStat] = field(default_factory=dict)
    #: For every ancestor of a unit: [text chars of the units below it, the part of those
    #: not inside a nav/aside/footer below it, the part not inside those nor inside a
    #: comments/sidebar/related block below it]. Link text is never counted.
    mass: dict[int, list[int]] = field(default_factory=dict)
    total_chars: int = 0
    #: Per-node facts later stages ask for more than once, by ``mem_id``: text sizes
    #: (``text_size``) and the weights of nodes without a stat. Valid because nothing
    #: changes the tree after this stage.
    sizes: dict[int, int] = field(default_factory=dict)
    #: The parents of the nodes in ``sizes``: their size is the sum of their children's.
    sized_parents: set[int] = field(default_factory=set)
    weights: dict[int, int] = field(default_factory=dict)
    #: The candidates stage's ancestry factor of the children of a node, by its mem_id.
    below: dict[int, float] = field(default_factory=dict)
    #: The link (``Link``) of every scored container and of every ancestor of one: later
    #: stages walk up through these without a Lexbor call per step.
    links: dict[int, Link] = field(default_factory=dict)

    @property
    def units(self) -> list[Unit]:
        """The text units in document order."""
        return [Unit(*row) for row in self.unit_rows]

    def good_chars(self, node: LexborNode, plain: bool = False) -> int:
        """Non-link unit text under ``node``, furniture (nav, aside, footer) left out, and
        with ``plain`` also comment sections, sidebars and related lists."""
        totals = self.mass.get(node.mem_id)
        return totals[2 if plain else 1] if totals is not None else 0

    def text_size(self, node: LexborNode) -> int:
        """``measure.text_size(node)``, read once per node. The candidates are nested
        (the article, its wrapper, the page's): a container whose child was measured
        adds up its children instead of taking the child's text again."""
        key = node.mem_id
        sizes = self.sizes
        size = sizes.get(key)
        if size is not None:
            return size
        if key in self.sized_parents:
            # text() is its children's text joined: the direct text nodes' in one call,
            # then each element's (a comment's text() is empty, as in its parent's text())
            size = nonspace(node.text(deep=False))
            for child in node.iter():
                child_key = child.mem_id
                known = sizes.get(child_key)
                if known is None:
                    known = sizes[child_key] = (
                        nonspace(child.text_lexbor()) if child.is_element_node else 0)
                size += known
        else:
            size = text_size(node)
        sizes[key] = size
        parent = node.parent
        if parent is not None:
            self.sized_parents.add(parent.mem_id)
        return size

    def weight(self, node: LexborNode) -> int:
        """``node_weight(node)``, read once per node (scored nodes know theirs)."""
        key = node.mem_id
        stat = self.stats.get(key)
        if stat is not None:
            return stat.weight
        weight = self.weights.get(key)
        if weight is None:
            weight = self.weights[key] = node_weight(node)
        return weight


def compute(page: Page, options: Options) -> Signals:
    """Score every text unit and spread the scores to its ancestors."""
    sig = Signals()
    body = page.body
    if body is None:
        return sig
    paths = _Paths()
    # The direct-text units are scored after all the others, the order the scores add up in.
    deep, direct = text_units.find(body, page.tree)
    for unit in deep:
        _add_unit(sig, unit, True, paths)
    for unit in direct:
        _add_unit(sig, unit, False, paths)
    _add_sums(sig, paths.starts)
    _total_mass(sig, paths.chains)
    sig.links = paths.chains
    return sig


@dataclass(slots=True)
class _Paths:
    """What ``compute`` remembers per node while it spreads scores: each node's chain of
    ancestors (``_chain``) and each start node's levels (``_start``)."""

    chains: dict[int, Link] = field(default_factory=dict)
    starts: dict[int, _Start] = field(default_factory=dict)


def node_weight(node: LexborNode) -> int:
    """Class/id weight of one node (cached per distinct class/id string)."""
    return class_weight(names_of(node.attributes).strip())  # class_and_id, one call less


def _add_unit(sig: Signals, unit: text_units.Unit, deep: bool, paths: _Paths) -> None:
    node, chars, commas, links = unit
    score = 1 + commas + (chars // 100 if chars < 300 else 3)  # min(…, 3) without the call
    if links:
        score *= max(0.0, 1 - links / chars)
    sig.unit_rows.append((node, chars, links, commas, score))
    sig.total_chars += chars - links
    # A direct-text unit is itself a container: it takes the full score first.
    start = node if not deep else node.parent
    if start is not None:
        key = start.mem_id
        if deep:  # its text size is known: containers that add up children's can use it
            sig.sizes[node.mem_id] = chars
            sig.sized_parents.add(key)
        spread = paths.starts.get(key)
        if spread is None:
            spread = paths.starts[key] = _start(sig, _chain(start, paths.chains))
        spread.units += 1
        spread.chars += chars - links
        for stat, divisor, contain in spread.levels:
            stat.score += score / divisor
            if contain:
                score *= _CONTAIN


def _chain(node: LexborNode, chains: dict[int, Link]) -> Link:
    """The link of ``node`` (its ancestors below <html> follow from it), memoised: units
    share most of their ancestors, and a Lexbor ``.parent`` step is the costly part."""
    path = []
    current: LexborNode | None = node
    above: Link | None = None
    while current is not None:
        key = current.mem_id
        above = chains.get(key)
        if above is not None:
            break
        tid = current.tag_id
        if tid in _TOP:
            break
        path.append((key, tid, current))
        current = current.parent
    for key, tid, current in reversed(path):
        above = chains[key] = (key, tid, current, above, above[4] + 1 if above else 1)
    assert above is not None  # a unit's start lies in <body>
    return above


def _start(sig: Signals, chain: Link) -> _Start:
    """What a unit's score does above its start node, worked out once per start node
    (most paragraphs share their parent): the stats it adds to, each with its divisor and
    whether the score is contained past it, and how the text counts in the start's mass."""
    stats = sig.stats
    steps = []
    level: Link | None = chain
    for divisor in _DIVISORS:  # 5 levels up at most
        if level is None:
            break
        key, tid, current, level, depth = level
        stat = stats.get(key)
        if stat is None:
            weight = class_weight(names_of(current.attributes).strip())  # node_weight
            # positional arguments: a dataclass call with keywords costs twice as much
            stat = stats[key] = NodeStat(current, _TAG_BONUS.get(tid, 0.0) + weight, weight,
                                         0, 0, False, depth)
        # A comments section, sidebar or footer keeps its score to itself, so that its
        # text does not lift the page container above the article.
        steps.append((stat, divisor, stat.weight < 0 or tid in _FURNITURE))
    key, tid = chain[0], chain[1]
    # Below a block whose class/id names a comments section, sidebar, related list … text
    # is not the article's, though it may be the page's (forums).
    free = tid not in _FURNITURE
    return _Start(key, free, free and stats[key].weight >= 0, tuple(steps))


def _add_sums(sig: Signals, starts: dict[int, _Start]) -> None:
    """Each start node's unit count and text, to the stats above it and to its mass."""
    mass = sig.mass
    for start in starts.values():
        units, chars = start.units, start.chars
        for stat, _, _ in start.levels:
            stat.units += units
            stat.unit_chars += chars
        mass[start.key] = [chars, chars if start.free else 0, chars if start.plain else 0]


def _total_mass(sig: Signals, chains: dict[int, Link]) -> None:
    """Add each node's unit text to all its ancestors, each node after all the nodes below
    it (one pass over the nodes instead of one walk to the root per unit). ``_chain`` adds
    a node's ancestors before it, so the reverse of that order is such an order."""
    mass = sig.mass
    stats = sig.stats
    for key, tid, node, up, _ in reversed(chains.values()):
        if up is None:  # <body>
            continue
        totals = mass.get(key)
        if totals is None:
            continue
        parent = mass.get(up[0])
        # Above a nav/aside/footer its text is furniture, not content; above a comments
        # section or a sidebar it is not plain article text.
        free = 0 if tid in _FURNITURE else totals[1]
        # ``sig.weight`` for a node without a stat (most of these nodes have one)
        stat = stats.get(key)
        weight = stat.weight if stat is not None else sig.weight(node)
        plain = 0 if free == 0 or weight < 0 else totals[2]
        if parent is None:
            mass[up[0]] = [totals[0], free, plain]
        else:
            parent[0] += totals[0]
            parent[1] += free
            parent[2] += plain

