"""Candidates stage: choose the element that holds the article, and how sure we are.

Pure: reads the signals and the tree. Readability's idea (the best-scored container, its
parent when the parent scores nearly as well, siblings that look like content) checked
against the semantic hints a page gives: ``itemprop=articleBody`` and ``<article>``
are candidates weighed by the text under them, not answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TypeVar

from selectolax.lexbor import LexborNode

from ..options import Options
from .gather import STRONG, gather, scored
from .measure import DOCUMENT_ID, contains, nonspace, tag_id, walk_up
from .page import Page
from .patterns import ARTICLE_TYPES, FURNITURE_TAGS
from .siblings import excluded_siblings, twin_sections
from .signals import Link, NodeStat, Signals
from .standfirst import standfirst

_TOP_N = 5  # candidates compared closely (twice as many get their final score)
_SHARED_ANCESTOR_MIN = 3  # strong candidates under one ancestor that make it the article
_WEIGHT_FULL_CHARS = 500  # prose a "content" class needs under it to earn its full bonus
_CLIMB_SHARE = 0.8  # an ancestor must keep this share of the top score to replace it
_BODY_BELOW = 0.2  # confidence under which the whole body may replace the choice …
_BODY_GAIN = 2.0  # … when it holds this many times the chosen root's prose
_LEAD_LEVELS = 2  # how far up a lead figure before the article body is looked for
_MIN_BODY_CHARS = 70  # less prose than this in <body> outside furniture: no article
_ARTICLE_BODY = "itemprop=articleBody"  # the reason recorded when that marker decided
_SHORT_PAGE_CONFIDENCE = 0.2  # the most a page without paragraphs can score
_MIN_CONFIDENT_CHARS = 50  # less prose than this under the root: confidence 0
_FULL_LENGTH_CHARS = 1300  # a root with this much prose is long enough to be an article
_FULL_SHARE = 0.6  # … and holding this share of the page's prose, clearly the main text
_LEAD_SIBLINGS = 3  # element siblings before the body searched for a lead figure
_LEAD_TEXT_CHARS = 600  # a container of the lead figure holds little else
_ARTICLE_BODY_SPELLINGS = ("articleBody", "articlebody")
_SCORE = attrgetter("score")  # a sort key in C, not a lambda call per stat
_DEPTH = attrgetter("depth")  # deeper containers are measured first (``_rank``)
_FURNITURE_IDS = frozenset(tag_id(tag) for tag in FURNITURE_TAGS)
_LANDMARK_IDS = frozenset(tag_id(tag) for tag in ("main", "article"))
_ABOVE_BODY = frozenset((tag_id("html"), DOCUMENT_ID))

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Choice:
    """The chosen content root, the siblings left out of it, and the confidence (0–1)."""

    root: LexborNode | None
    confidence: float = 0.0
    #: ``mem_id``s of children of ``root`` that are not part of the article.
    exclude: frozenset[int] = frozenset()
    reasons: tuple[str, ...] = field(default=())
    #: A lead figure that sits just before the article container (between headline and
    #: body), rendered ahead of it so the photo keeps its caption.
    lead: LexborNode | None = None
    #: Further content roots after ``root`` (a site rule's ``body`` selector may match
    #: several blocks of one article).
    extra: tuple[LexborNode, ...] = ()
    #: The standfirst set before the article container (``Article.standfirst``, not text).
    intro: LexborNode | None = None

    @property
    def roots(self) -> tuple[LexborNode, ...]:
        """What render walks, in order."""
        if self.root is None:
            return ()
        lead = (self.lead,) if self.lead is not None else ()
        return (*lead, self.root, *self.extra)


def choose(page: Page, sig: Signals, options: Options) -> Choice:
    """Pick the content root from the scored containers."""
    if not sig.stats:
        return _whole_body(page)
    ranked, ordered = _rank(sig)
    if not ranked:  # only footers and menus hold text: there is no article
        return Choice(root=None)
    top = ranked[0]
    if top.node.tag == "body" and sig.good_chars(top.node) < _MIN_BODY_CHARS:
        return Choice(root=None)  # the body's only text is in menus and footers
    reasons = [f"top-scored container ({top.score:.0f})"]
    top = _shared_ancestor(top, ranked, sig, reasons)
    top = _climb(top, sig, reasons)
    top = _semantic(page, top, sig, reasons)
    root, excluded = _merge(top, sig, reasons)
    wider = _widen(page, root, sig, options)
    if wider is not None:
        root, excluded = wider, frozenset()
        reasons.append("widened: the page's content is spread over several blocks")
    gathered = _gather(root, ranked[0].score, ordered, sig, reasons)
    if gathered is not None:
        root, excluded = gathered, frozenset()
    confidence = _confidence(root, page.body, sig)
    body = page.body
    if (confidence < _BODY_BELOW and body is not None
            and sig.good_chars(body) > _BODY_GAIN * max(1, sig.good_chars(root))):
        # No container stands out and most of the page's prose lies elsewhere (catalogues,
        # job boards, landing pages): the body, with furniture and boilerplate left out,
        # is closer to the content than any one block.
        root, excluded = body, frozenset()
        reasons.append("weak choice: the whole body, furniture left out")
        confidence = _confidence(root, body, sig)
    return Choice(root=root, confidence=confidence, exclude=excluded,
                  reasons=tuple(reasons), lead=lead_figure(root),
                  intro=standfirst(root, page_title(page)))


def _merge(top: NodeStat, sig: Signals, reasons: list[str]) -> tuple[LexborNode, frozenset[int]]:
    """The root and the children of it to leave out, once siblings are considered."""
    if reasons[-1] == _ARTICLE_BODY:  # the page's own marker is the article's whole extent
        return top.node, frozenset()
    twins = twin_sections(top, sig)
    if twins is not None:
        reasons.append("merged sections of the same kind")
        return twins
    exclude = excluded_siblings(top, sig)
    if exclude is None:
        return top.node, frozenset()
    reasons.append("merged content siblings")
    return top.node.parent or top.node, exclude


def _whole_body(page: Page) -> Choice:
    """No paragraph anywhere: a short page (a note, a list of images) is all its body,
    unless all it has is menus and footers."""
    body = page.body
    if body is None:
        return Choice(root=None)
    furniture = sum(nonspace(node.text()) for node in body.css("nav, aside, footer"))
    size = nonspace(body.text()) - furniture
    if size <= 0 and body.css_first("img") is None:
        return Choice(root=None)
    return Choice(root=body, confidence=round(min(_SHORT_PAGE_CONFIDENCE, size / 500), 3),
                  reasons=("no paragraph-sized text: the whole body",))


def lead_figure(root: LexborNode) -> LexborNode | None:
    """A <figure> among the elements just before ``root`` (two levels up at most)."""
    if _starts_with_figure(root):
        return None
    node: LexborNode | None = root
    for _ in range(_LEAD_LEVELS):
        if node is None or node.tag in ("body", "html"):
            return None
        sibling = node.prev
        steps = 0
        while sibling is not None and steps < _LEAD_SIBLINGS:
            if sibling.tag == "figure":
                return sibling
            if sibling.is_element_node:
                found = sibling.css_first("figure")
                if found is not None and len(sibling.text_lexbor()) < _LEAD_TEXT_CHARS:
                    return found
                steps += 1
            sibling = sibling.prev
        node = node.parent
    return None


def _starts_with_figure(root: LexborNode) -> bool:
    """The root opens with a figure of its own (a <picture> only when a figure or an
    image lies in the root: the selector is a pass over the root, so it runs last)."""
    child = root.first_child
    while child is not None and not child.is_element_node:
        child = child.next
    if child is None:
        return False
    tag = child.tag
    return tag in ("figure", "img") or (
        tag == "picture" and root.css_first("figure, img") is not None)


def _widen(page: Page, root: LexborNode, sig: Signals,
           options: Options) -> LexborNode | None:
    """The ancestor that holds most of the page's text, when ``root`` holds too little.

    Articles concentrate their text in one container; service pages, listings, product
    pages and forums spread it over sibling sections, cards and posts, where the best
    single container holds only a part.
    """
    body = page.body
    if body is None:
        return None
    # An article's share is measured against the page's plain text: comments and related
    # lists elsewhere do not make it small. Content inside such blocks (forum posts) is
    # measured against everything.
    plain = _ancestry_factor(root, sig) == 1.0
    total = sig.good_chars(body, plain)
    share = options.article_share if declares_article(page) else options.concentrated_share
    if total <= 0 or sig.good_chars(root, plain) >= share * total:
        return None
    node = root.parent
    while node is not None and node.tag not in ("body", "html"):
        if sig.good_chars(node, plain) >= share * total:
            return node
        node = node.parent
    return None


def page_title(page: Page) -> str | None:
    """The headline the page declares (og:title, else <title>), to tell it from a lead."""
    return page.meta.get("og:title") or page.title_tag or None


def declares_article(page: Page) -> bool:
    """The page says it is one article (JSON-LD Article types or og:type=article)."""
    if page.meta.get("og:type", "").lower() == "article":
        return True
    for obj in page.jsonld:
        kind = obj.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and k in ARTICLE_TYPES for k in kinds):
            return True
    return False


def _rank(sig: Signals) -> tuple[list[NodeStat], list[NodeStat]]:
    """The best-scored containers outside menus, asides and footers, best first; and all
    the scored containers, by their raw score."""
    best = []
    furniture: dict[int, bool] = {}  # the candidates share their ancestors
    ordered = sorted(sig.stats.values(), key=_SCORE, reverse=True)
    for stat in ordered:
        if not _in_furniture(stat.node, sig, furniture):
            best.append(stat)
            if len(best) == _TOP_N * 2:
                break
    # Deepest first: the candidates nest, and a container whose children were measured
    # adds up their sizes instead of taking all their text again (``Signals.text_size``).
    for stat in sorted(best, key=_DEPTH, reverse=True):
        _finish(stat, sig)
    return sorted(best, key=_SCORE, reverse=True), ordered


def _gather(root: LexborNode, top: float, ordered: list[NodeStat], sig: Signals,
            reasons: list[str]) -> LexborNode | None:
    """``gather``'s wider root, unless the page's own articleBody marker decided."""
    floor = STRONG * top
    if reasons[-1] == _ARTICLE_BODY or floor <= 0:
        return None
    wider = gather(root, scored(ordered, floor), _is_strong(root, floor, sig), sig)
    if wider is not None:
        reasons.append("gathered the strong blocks beside it")
    return wider


def _is_strong(root: LexborNode, floor: float, sig: Signals) -> Callable[[NodeStat], bool]:
    """Whether a container scores ``floor`` or more, outside furniture and no deeper in
    comment sections or sidebars than ``root``."""
    ancestry = _ancestry_factor(root, sig)
    furniture: dict[int, bool] = {}

    def strong(stat: NodeStat) -> bool:
        return (not _in_furniture(stat.node, sig, furniture)
                and _finish(stat, sig).score >= floor
                and _ancestry_factor(stat.node, sig) >= ancestry)
    return strong


def _finish(stat: NodeStat, sig: Signals) -> NodeStat:
    """Scale a raw score by text density and ancestry, once (costs a text() call)."""
    if not stat.final:
        if stat.weight > 0:  # a "content" class earns its bonus only with text under it
            stat.score -= stat.weight * (1 - min(1.0, stat.unit_chars / _WEIGHT_FULL_CHARS))
        stat.score *= text_density(stat.node, sig) * _ancestry_factor(stat.node, sig)
        stat.final = True
    return stat


def text_density(node: LexborNode, sig: Signals) -> float:
    """Share of a node's text that is in paragraph-like units (not links, not labels)."""
    totals = sig.mass.get(node.mem_id)
    if totals is None:
        return 0.0
    size = sig.text_size(node)
    return min(1.0, totals[0] / size) if size else 0.0


def _ancestry_factor(node: LexborNode, sig: Signals) -> float:
    # Content inside a comments section, sidebar or footer loses to content that is not:
    # Readability removes such branches outright, which loses forum posts.
    def aside(parent: LexborNode, tid: int) -> float | None:
        return 0.5 if tid in _FURNITURE_IDS or sig.weight(parent) < 0 else None
    link = sig.links.get(node.mem_id)
    if link is None:
        return _walk_up(node.parent, sig, sig.below, aside, 1.0)
    return _walk_links(link[3], sig.below, aside, 1.0)


def _in_furniture(node: LexborNode, sig: Signals, known: dict[int, bool]) -> bool:
    """True when ``node`` or an ancestor below the nearest <main>/<article> is a nav,
    aside or footer."""
    return _walk_up(node, sig, known, _furniture_tag, False)


def _furniture_tag(node: LexborNode, tid: int) -> bool | None:
    if tid in _FURNITURE_IDS:
        return True
    if tid in _LANDMARK_IDS:  # an unclosed <aside> above <main> is a markup slip
        return False
    return None


def _walk_up(node: LexborNode | None, sig: Signals, known: dict[int, T],
             verdict: Callable[[LexborNode, int], T | None], default: T) -> T:
    """``measure.walk_up`` with a verdict by tag id, through the links of signals
    (``_walk_links``) when ``node`` is a scored container or one's ancestor."""
    link = sig.links.get(node.mem_id) if node is not None else None
    if link is None:
        return walk_up(node, known, lambda current, _: verdict(current, current.tag_id),
                       default)
    return _walk_links(link, known, verdict, default)


def _walk_links(link: Link | None, known: dict[int, T],
                verdict: Callable[[LexborNode, int], T | None], default: T) -> T:
    """``measure.walk_up`` from the node of ``link``: the same answers and the same
    ``known``, with no Lexbor call per step (a link holds the node's parent and tag id)."""
    path = []
    found = default
    while link is not None:
        key, tid, node, up, _ = link
        cached = known.get(key)
        if cached is not None:
            found = cached
            break
        if up is None:  # <body>, the top of every chain
            break
        path.append(key)
        said = verdict(node, tid)
        if said is not None:
            found = said
            break
        link = up
    for key in path:
        known[key] = found
    return found


def _shared_ancestor(top: NodeStat, ranked: list[NodeStat], sig: Signals,
                     reasons: list[str]) -> NodeStat:
    # When several strong candidates sit under one ancestor, the article is that ancestor
    # (e.g. a story split into several <div>s by ads).
    close = [s for s in ranked[1:_TOP_N + 1] if s.score >= 0.75 * top.score
             and not contains(s.node, top.node) and not contains(top.node, s.node)]
    if len(close) < _SHARED_ANCESTOR_MIN:
        return top
    close_ids = [_ancestor_ids(s.node) for s in close]
    parent = top.node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        shared = sum(1 for ids in close_ids if parent.mem_id in ids)
        if shared >= _SHARED_ANCESTOR_MIN:
            reasons.append("ancestor shared by strong candidates")
            return sig.stats.get(parent.mem_id) or NodeStat(parent, top.score, 0)
        parent = parent.parent
    return top


def _ancestor_ids(node: LexborNode) -> set[int]:
    ids = set()
    parent = node.parent
    while parent is not None:
        ids.add(parent.mem_id)
        parent = parent.parent
    return ids


def _climb(top: NodeStat, sig: Signals, reasons: list[str]) -> NodeStat:
    # Readability: walk up while parents keep a good part of the score; take a parent that
    # scores higher than the child (the child was one part of a larger article).
    last = top.score
    threshold = last / 3
    parent = top.node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        stat = sig.stats.get(parent.mem_id)
        if stat is not None:
            _finish(stat, sig)
            if stat.score < threshold:
                break
            if stat.score > last and stat.score >= _CLIMB_SHARE * top.score:
                reasons.append("parent scores higher")
                return stat
            last = stat.score
        parent = parent.parent
    return top


def _semantic(page: Page, top: NodeStat, sig: Signals, reasons: list[str]) -> NodeStat:
    body = page.body
    if body is None:
        return top
    # Only a marker on the container, in it or above it can decide (and most pages have
    # none): the whole page is searched, to know the marker is its only one, once one is.
    if not _article_bodies(top.node) and not any(
            node.attributes.get("itemprop") in _ARTICLE_BODY_SPELLINGS
            for node in _ancestors(top.node, sig)):
        return top
    marked = _article_bodies(body)
    if len(marked) != 1:
        return top
    node = marked[0]
    chosen = sig.text_size(top.node)
    mass = sig.text_size(node)
    if contains(node, top.node) or (contains(top.node, node) and mass >= 0.6 * chosen):
        reasons.append(_ARTICLE_BODY)
        return sig.stats.get(node.mem_id) or NodeStat(node, top.score, 0)
    return top


def _article_bodies(root: LexborNode) -> list[LexborNode]:
    """The elements marked itemprop=articleBody in ``root`` (``root`` included)."""
    # One case-insensitive test instead of two exact ones (each is a pass over the page),
    # the two spellings picked out of its matches.
    return [node for node in root.css('[itemprop="articlebody" i]')
            if node.attrs.get("itemprop") in _ARTICLE_BODY_SPELLINGS]


def _ancestors(node: LexborNode, sig: Signals) -> Iterator[LexborNode]:
    """The ancestors of ``node`` up to <body> (included), by the links of signals when
    ``node`` has one."""
    link = sig.links.get(node.mem_id)
    if link is not None:
        while (link := link[3]) is not None:
            yield link[2]
        return
    parent = node.parent
    while parent is not None and parent.tag_id not in _ABOVE_BODY:
        yield parent
        parent = parent.parent


def _confidence(root: LexborNode, body: LexborNode | None, sig: Signals) -> float:
    """How sure we are: enough prose under the root, and most of the page's prose."""
    mass = sig.mass.get(root.mem_id, (0, 0))[0]
    if mass < _MIN_CONFIDENT_CHARS:
        return 0.0
    total = sig.good_chars(body) if body is not None else 0
    share = min(1.0, mass / total) if total else 1.0
    length = min(1.0, mass / _FULL_LENGTH_CHARS)
    return round(0.5 * length + 0.5 * min(1.0, share / _FULL_SHARE), 3)
