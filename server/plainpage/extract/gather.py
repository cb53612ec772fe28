"""Gather: widen the content root to the blocks beside it that score like it.

A page cut into several strong blocks (a review's product panels, a page builder's text
blocks, a service page's sections, a thread's posts) gives the candidates stage one of them.
The root climbs to the lowest ancestor where other strong containers (scoring at least half
the top score, outside comments, sidebars and furniture, not a copy of the root) add at
least ``_GAIN`` of its prose, and repeats from there; it never leaves an <article> or
<main>, so teaser lists around one article stay out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from selectolax.lexbor import LexborNode

from .signals import NodeStat, Signals

STRONG = 0.5  # a container scoring this share of the top score looks like content
_GAIN = 0.3  # strong blocks outside the root must add this share of its prose
_COPY = 0.02  # a block whose prose is within this share of the root's is a copy of it
_BOUNDARY = ("article", "main")


def gather(root: LexborNode, scored: Iterable[NodeStat],
           is_strong: Callable[[NodeStat], bool], sig: Signals) -> LexborNode | None:
    """The ancestor of ``root`` that takes in the strong blocks beside it, or None.

    ``scored`` are the containers of ``sig.stats`` that may score ``STRONG`` × the top
    score, best first; ``is_strong`` tells those that do and read as content (not
    furniture, not under a comments section): it costs a text measure, so it is asked only
    about blocks beside the root.
    """
    base = sig.good_chars(root)
    if base <= 0:
        return None
    chain, tags, levels = _ancestors(root)
    added = _added(scored, is_strong, levels, base, len(chain), sig)
    if added is None:
        return None
    current = 0
    while True:
        total = 0
        target = None
        for level in range(current + 1, len(chain)):
            if tags[level - 1] in _BOUNDARY:
                break
            total += added[level]
            if total and total >= _GAIN * sig.good_chars(chain[current]):
                target = level
                break
        if target is None:
            break
        current = target
    return chain[current] if current else None


def scored(ordered: list[NodeStat], floor: float) -> Iterator[NodeStat]:
    """The containers of ``ordered`` (by raw score, which bounds the final one; the
    finished ones know theirs) whose score may reach ``floor``."""
    for stat in ordered:
        if stat.score < floor:
            if stat.final:
                continue
            return
        yield stat


def _ancestors(root: LexborNode) -> tuple[list[LexborNode], list[str], dict[int, int]]:
    """The root and the ancestors it may climb to (up to <body>, or to the first <article>
    or <main>), their tags, and each one's level by ``mem_id``."""
    chain: list[LexborNode] = []
    tags: list[str] = []
    node: LexborNode | None = root
    while node is not None:
        tag = node.tag or ""
        if tag == "html":
            break
        chain.append(node)
        tags.append(tag)
        if tag == "body" or tag in _BOUNDARY:
            break
        node = node.parent
    return chain, tags, {node.mem_id: level for level, node in enumerate(chain)}


def _added(scored: Iterable[NodeStat], is_strong: Callable[[NodeStat], bool],
           levels: dict[int, int], base: int, depth: int, sig: Signals) -> list[int] | None:
    """The prose each level of the chain adds: the outermost strong blocks beside the
    root (not in it, not holding it, not a copy of it) whose lowest ancestor in the chain
    that level is. None when there are none."""
    beside: list[tuple[list[int], int, int]] = []  # (path up to the chain, level, prose)
    strong: set[int] = set()
    links = sig.links
    for stat in scored:
        key = stat.node.mem_id
        if key in levels:  # the root or one of its ancestors
            continue
        path = []
        # up through the links of signals (a scored container has one): no Lexbor calls
        parent = links[key][3]
        while parent is not None and parent[0] not in levels:
            path.append(parent[0])
            parent = parent[3]
        # in the root (level 0), or beyond the ancestors the root may climb to
        if parent is None or levels[parent[0]] == 0 or not is_strong(stat):
            continue
        strong.add(key)
        chars = sig.good_chars(stat.node)
        if abs(chars - base) > _COPY * base:  # not the same text again (another layout)
            beside.append((path, levels[parent[0]], chars))
    added = [0] * depth
    for path, level, chars in beside:
        if strong.isdisjoint(path):  # a strong block inside another counts once
            added[level] += chars
    return added if any(added) else None
