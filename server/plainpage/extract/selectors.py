"""CSS paths that point a reader (or a rule author) back to a node in the source page."""

from __future__ import annotations

import re
from functools import lru_cache

from selectolax.lexbor import LexborNode

_SAFE_TOKEN_RE = re.compile(r"^-?[A-Za-z_][\w-]*$")
_MAX_LEVELS = 4
_MAX_CLASSES = 3


def class_and_id(node: LexborNode) -> str:
    """The node's class and id attributes as one string, for class/id token matching.
    Read from the ``attributes`` dict: ``attrs.get("class")`` raises and catches a
    KeyError inside selectolax when there is no class, which costs three times as much
    (on average over a page's elements the dict is an eighth cheaper)."""
    return names_of(node.attributes)


def names_of(attributes: dict[str, str | None]) -> str:
    """``class_and_id`` from a node's ``attributes`` dict, for callers that read it anyway
    (the same values: only SVG and MathML attributes, which clean removes, have prefixes)."""
    classes = attributes.get("class")
    ident = attributes.get("id")
    if ident:
        return f"{classes} {ident}" if classes else ident
    return classes or ""


def describe(node: LexborNode) -> str:
    """``tag#id`` or ``tag.class1.class2`` for one node (tokens unsafe in CSS left out)."""
    attrs = node.attributes
    return _describe(node.tag or "*", attrs.get("id") or "", attrs.get("class") or "")


@lru_cache(maxsize=4096)
def _describe(tag: str, ident: str, classes: str) -> str:
    """``describe`` per distinct (tag, id, class): a regex match per class name costs
    more than reading the node."""
    ident = ident.strip()
    if ident and _SAFE_TOKEN_RE.match(ident):
        return f"{tag}#{ident}"
    safe = [c for c in classes.split() if _SAFE_TOKEN_RE.match(c)]
    return tag + "".join("." + c for c in safe[:_MAX_CLASSES])


def css_path(node: LexborNode, levels: int = _MAX_LEVELS) -> str:
    """A short child-combinator path to ``node``: stops at an id, ``body`` or ``levels``."""
    parts: list[str] = []
    current: LexborNode | None = node
    while current is not None and len(parts) < levels:
        if current.tag in ("body", "html", "-document") or current.tag is None:
            break
        part = describe(current)
        parts.append(part)
        if "#" in part:
            break
        current = current.parent
    return " > ".join(reversed(parts)) or (node.tag or "")
