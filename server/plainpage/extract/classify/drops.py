"""Which of the blocks classify found to leave out: the smallest first, while they leave
most of the root's text."""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from ..patterns import FURNITURE_TAGS

_MAX_DROPPED = 0.5  # class-based drops never take more than this share of the root

#: A block found to leave out, with (kind, reason).
Found = tuple[LexborNode, tuple[str, str]]


def within_budget(found: list[Found], roots: tuple[LexborNode, ...], root_chars: int,
                  forced: set[int]) -> list[tuple[LexborNode, tuple[str, str], str]]:
    """The drops to make, smallest first, while they leave most of the root's text.

    Cleaning that would take most of the chosen content is wrong about this page (cards
    wrapped in links, forums whose every post is a "comment", builders that call every
    block a widget): the small blocks (actions, meta lines, share bars) still go, the big
    ones stay. Landmark furniture (nav, aside, footer) and what a site rule strips
    always go.
    """
    sized = sorted(((node, verdict, " ".join(node.text(separator=" ").split()))
                    for node, verdict in found),
                   key=lambda item: len(item[2]))
    budget = _MAX_DROPPED * root_chars
    stops = {root.mem_id for root in roots}
    ids = {node.mem_id for node, _ in found}
    known: dict[int, tuple[int, ...]] = {}
    # Text already charged under each found block: one whose share bar or ad went first
    # costs only the rest of its text (nested drops are not charged twice).
    charged: dict[int, int] = {}
    accepted = []
    for node, verdict, text in sized:
        key = node.mem_id
        cost = len(text) - charged.get(key, 0)
        if node.tag in FURNITURE_TAGS or key in forced or cost <= budget:
            above = _found_above(node, stops, ids, known)
            accepted.append((node, verdict, text, above))
            budget -= cost
            for up in above:
                charged[up] = charged.get(up, 0) + cost
    taken = {item[0].mem_id for item in accepted}
    # a drop inside another one goes with it
    return [(node, verdict, text) for node, verdict, text, above in accepted
            if taken.isdisjoint(above)]


def _found_above(node: LexborNode, stops: set[int], ids: set[int],
                 known: dict[int, tuple[int, ...]]) -> tuple[int, ...]:
    """The ``mem_id``s in ``ids`` (the found blocks: the only ones charged or nesting a
    drop) above ``node``, up to a root (``stops``). ``known`` holds the answer for every
    node walked through, itself included: side-by-side blocks (a forum's posts) share
    their ancestors, so the walk up stops where an earlier one passed."""
    path = []
    above: tuple[int, ...] = ()
    parent = node.parent
    while parent is not None:
        key = parent.mem_id
        if key in stops:
            break
        cached = known.get(key)
        if cached is not None:
            above = cached
            break
        path.append(key)
        parent = parent.parent
    for key in reversed(path):
        if key in ids:
            above = (key, *above)
        known[key] = above
    return above
