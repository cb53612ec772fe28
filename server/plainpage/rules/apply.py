"""Applying one site rule to a parsed page: pure functions over a selectolax Lexbor tree.

Nothing here fetches, reads files or knows about the pipeline; the pipeline calls, in order:
``transform`` (right after parsing, the only function that changes the tree), ``next_page``
(before cleaning: pagination often sits in a ``<nav>``), ``body_roots``, ``strips`` (the nodes
to remove, with kind and reason) and ``metadata``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from selectolax.lexbor import LexborNode

from .schema import Rule, Selector, StripText, Transform

__all__ = ["BLOCK_TAGS", "body_roots", "metadata", "next_page", "strips", "transform"]

#: The blocks a ``strip_text`` phrase removes when the rule names no ``block`` selector.
BLOCK_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "aside",
              "blockquote", "ul", "ol", "figure", "table")
_BLOCK_SET = frozenset(BLOCK_TAGS)
_NOT_TEXT = frozenset({"script", "style", "template", "noscript", "textarea"})
_META_FIELDS = ("title", "author", "date")

#: One removal: the node, its kind and the reason quoted in ``Article.removed``.
Hit = tuple[LexborNode, str, str]


def transform(root: LexborNode, rule: Rule) -> int:
    """Apply the rule's transforms under ``root`` in file order; returns how many nodes changed.

    ``root`` itself is never renamed or unwrapped.
    """
    changed = 0
    for op in rule.transform:
        for node in root.css(op.css):
            if node.mem_id != root.mem_id:
                changed += _apply(node, op)
    return changed


def _apply(node: LexborNode, op: Transform) -> int:
    if op.op == "unwrap":
        node.unwrap(delete_empty=True)  # an empty element has nothing to keep: it goes
        return 1
    if op.op == "rename":
        return _rename(node, op.to or "")
    value = node.attributes.get(op.source or "")
    if not value or not value.strip() or node.attributes.get(op.to or "") == value:
        return 0
    node.attrs[op.to or ""] = value
    return 1


def _rename(node: LexborNode, tag: str) -> int:
    """Lexbor cannot retag an element: build the new one, move attributes and children over."""
    if node.tag == tag:
        return 0
    new = node.parser.create_node(tag)
    for name, value in node.attributes.items():
        new.attrs[name] = value or ""
    for child in list(node.iter(include_text=True)):
        new.insert_child(child, move=True)
    node.replace_with(new, move=True)
    return 1


def body_roots(tree_root: LexborNode, rule: Rule) -> list[LexborNode] | None:
    """The content roots: the outermost matches of the first ``body`` selector that matches.

    None when the rule has no ``body`` or none of its selectors matches (the generic
    extractor then chooses).
    """
    for css in rule.body:
        found = tree_root.css(css)
        if found:
            return _outermost(found)
    return None


def strips(roots: Sequence[LexborNode], rule: Rule) -> list[Hit]:
    """What the rule removes inside ``roots``: ``(node, kind, reason)`` in document order.

    ``strip`` selectors come first, then ``strip_text`` phrases; a node hit twice keeps its
    first reason, and a hit inside another hit is left out (it goes with its ancestor).
    The roots themselves are never removed.
    """
    root_ids = {root.mem_id for root in roots}
    hits: list[Hit] = []
    for index, strip in enumerate(rule.strip):
        reason = f"rule {rule.name}: strip[{index}] {strip.css}"
        hits.extend((node, strip.kind, reason) for root in roots for node in root.css(strip.css)
                    if node.mem_id not in root_ids)
    for root in roots if rule.strip_text else ():
        text = _fold(root.text())  # once per root, shared by every phrase
        for index, phrase in enumerate(rule.strip_text):
            reason = f'rule {rule.name}: strip_text[{index}] "{phrase.text}"'
            hits.extend((node, phrase.kind, reason) for node in _phrase_blocks(root, text, phrase))
    return _in_order(_outermost_hits(hits), roots)


def _fold(text: str) -> str:
    # Lower case without changing the length (only U+0130 would), so offsets stay valid.
    return text.replace("\u0130", "i").lower()


def _phrase_blocks(root: LexborNode, text: str, phrase: StripText) -> list[LexborNode]:
    """The nearest blocks (``block`` or the default block tags) whose text holds the phrase.

    ``text`` is the root's folded text. The phrase's words may be separated by any run of
    whitespace: the same as comparing normalised texts, without building them.
    """
    words = _fold(phrase.text).split()
    needle = re.compile(r"\s+".join(map(re.escape, words)))  # re's own cache keeps it
    spans = [found.span() for found in needle.finditer(text)]
    if not spans:  # the common case: the phrase is not on the page
        return []
    allowed = {node.mem_id for node in root.css(phrase.block)} if phrase.block else None
    blocks: dict[int, LexborNode] = {}
    for inner in _innermost(root, spans):
        block = _enclosing_block(inner, root, allowed)
        if block is not None:
            blocks.setdefault(block.mem_id, block)
    return list(blocks.values())


def _enclosing_block(node: LexborNode | None, root: LexborNode,
                     allowed: set[int] | None) -> LexborNode | None:
    """``node`` or its nearest ancestor below ``root`` that is a block (or in ``allowed``)."""
    while node is not None and node.mem_id != root.mem_id:
        if (node.tag in _BLOCK_SET) if allowed is None else (node.mem_id in allowed):
            return node
        node = node.parent
    return None


Span = tuple[int, int]


def _innermost(root: LexborNode, spans: list[Span]) -> list[LexborNode]:
    """The deepest elements under ``root`` holding a whole match (``spans``: offsets in the
    root's text). A node's text is its children's texts in order, so each match is handed
    down to the child whose stretch holds it: no text is lower-cased or searched twice."""
    found = []
    stack: list[tuple[LexborNode, int, list[Span]]] = [(root, 0, spans)]
    while stack:
        node, offset, inside = stack.pop()
        holders, direct = _hand_down(node, offset, inside)
        if direct and node.mem_id != root.mem_id:
            found.append(node)
        stack.extend(reversed(holders))
    return found


def _hand_down(node: LexborNode, offset: int, spans: list[Span]
               ) -> tuple[list[tuple[LexborNode, int, list[Span]]], bool]:
    """Split ``spans`` (sorted, within ``node``) among its element children; ``direct`` is
    True when a match lies in the node's own text or across children. Matches inside
    scripts, styles and the like are dropped."""
    holders, direct, index = [], False, 0
    for child in node.iter(include_text=True):
        if index == len(spans):
            break
        end = offset + len(child.text())
        mine = []
        while index < len(spans) and spans[index][1] <= end:
            if spans[index][0] >= offset:
                mine.append(spans[index])
            else:
                direct = True  # begins in an earlier child
            index += 1
        if mine and child.is_element_node and child.tag not in _NOT_TEXT:
            holders.append((child, offset, mine))
        elif mine and child.is_text_node:
            direct = True
        offset = end
    return holders, direct or index < len(spans)


def metadata(tree_root: LexborNode, rule: Rule) -> dict[str, str | None]:
    """``title``, ``author``, ``date`` from the rule's selectors: first non-empty value wins."""
    return {name: _first_value(tree_root, getattr(rule, name)) for name in _META_FIELDS}


def next_page(tree_root: LexborNode, rule: Rule) -> str | None:
    """The next page's address as written (``href``, or the selector's ``attr``): the first
    non-empty one of the rule's ``next_page`` selectors. Resolving it is the caller's job."""
    for selector in rule.next_page:
        for node in tree_root.css(selector.css):
            value = (node.attributes.get(selector.attr or "href") or "").strip()
            if value:
                return value
    return None


def _first_value(tree_root: LexborNode, selectors: Iterable[Selector]) -> str | None:
    for selector in selectors:
        for node in tree_root.css(selector.css):
            raw = node.attributes.get(selector.attr) if selector.attr else node.text()
            value = _normal(raw or "")
            if value:
                return value
    return None


def _normal(text: str) -> str:
    return " ".join(text.split())


def _outermost(nodes: Iterable[LexborNode]) -> list[LexborNode]:
    """``nodes`` without those inside another of them; order kept."""
    nodes = list(nodes)
    ids = {node.mem_id for node in nodes}
    kept, seen = [], set()
    for node in nodes:
        if node.mem_id in seen:
            continue
        seen.add(node.mem_id)
        parent = node.parent
        while parent is not None and parent.mem_id not in ids:
            parent = parent.parent
        if parent is None:
            kept.append(node)
    return kept


def _outermost_hits(hits: list[Hit]) -> list[Hit]:
    first: dict[int, Hit] = {}
    for hit in hits:
        first.setdefault(hit[0].mem_id, hit)
    keep = {node.mem_id for node in _outermost(hit[0] for hit in first.values())}
    return [hit for key, hit in first.items() if key in keep]


def _in_order(hits: list[Hit], roots: Sequence[LexborNode]) -> list[Hit]:
    """``hits`` in document order (strip and strip_text hits arrive grouped by entry)."""
    if len(hits) < 2:
        return hits
    position = {node.mem_id: index for index, node in
                enumerate(node for root in roots for node in root.traverse())}
    return sorted(hits, key=lambda hit: position.get(hit[0].mem_id, len(position)))
