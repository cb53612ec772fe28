"""Siblings of the chosen container that belong to the article too.

Readability's sibling step: an article cut into blocks (by ads, asides, page builders)
is their parent, minus the siblings that do not read as content. Part of the candidates
stage; pure, it reads the signals and the tree.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from .measure import link_density
from .signals import NodeStat, Signals

_SIBLING_SHARE = 0.2  # a sibling scoring this share of the top candidate joins it
_TWIN_LEVELS = 3  # how far up sibling sections of one kind are looked for
_TWIN_MIN_CHARS = 150  # prose a twin section needs to count as part of the article


def twin_sections(top: NodeStat, sig: Signals) -> tuple[LexborNode, frozenset[int]] | None:
    """An article cut into sibling blocks of one kind (same tag, same class), with ads or
    asides between them: the parent of the blocks, leaving out what does not read as
    content (the test ``excluded_siblings`` applies)."""
    node = top.node
    threshold = max(10.0, top.score * _SIBLING_SHARE)
    for _ in range(_TWIN_LEVELS):
        parent = node.parent
        if parent is None or parent.tag in ("body", "html"):
            return None
        classes = node.attrs.get("class")
        if classes:
            key, tag = node.mem_id, node.tag  # read once, not per child
            twins = {key}
            others = []
            for child in parent.iter():
                child_key = child.mem_id
                if child_key == key:
                    continue
                if (child.tag == tag and child.attrs.get("class") == classes
                        and sig.good_chars(child) >= _TWIN_MIN_CHARS):
                    twins.add(child_key)
                else:
                    others.append(child)
            if len(twins) > 1:
                return parent, frozenset(child.mem_id for child in others
                                         if not _is_content(child, sig, threshold))
        node = parent
    return None


def excluded_siblings(top: NodeStat, sig: Signals) -> frozenset[int] | None:
    """Siblings to leave out when some siblings also look like article content (None:
    none does, the container stands alone)."""
    parent = top.node.parent
    if parent is None or parent.tag in ("body", "html"):
        return None
    threshold = max(10.0, top.score * _SIBLING_SHARE)
    keep_any = False
    exclude = set()
    key = top.node.mem_id
    for child in parent.iter():
        child_key = child.mem_id
        if child_key == key:
            continue
        if _is_content(child, sig, threshold):
            keep_any = True
        else:
            exclude.add(child_key)
    return frozenset(exclude) if keep_any else None


def _is_content(node: LexborNode, sig: Signals, threshold: float) -> bool:
    stat = sig.stats.get(node.mem_id)
    if stat is not None and stat.score >= threshold:
        return True
    if node.tag != "p":
        return False
    text = " ".join(node.text_lexbor().split())  # a <p>: its text(), cheaper
    if not text:
        return False
    density = link_density(node)
    if len(text) > 80:
        return density < 0.25
    return density == 0 and text.endswith((".", "!", "?", "。"))
